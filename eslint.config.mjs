// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'var/', 'node_modules/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Type-aware rules that catch real bugs: promises nobody awaits, promises where a boolean or void is expected.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // A variable a callback reads before it is assigned (a listener made before the object it serves) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // The browser pages are their own program, with the DOM and without Node (tsconfig.pages.json).
    files: ['src/*/page/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.pages.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    // npki/ and device/ also run in the customer's browser: WebCrypto and Uint8Array, never Node's modules or Buffer.
    files: ['src/certificates/npki/**/*.ts', 'src/device/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^node:', message: 'npki/ runs in browsers too: use globalThis.crypto.subtle and Uint8Array' }],
          paths: ['crypto', 'fs', 'path', 'zlib', 'buffer', 'os', 'util', 'stream'].map((name) => ({
            name,
            message: 'npki/ runs in browsers too',
          })),
        },
      ],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'npki/ runs in browsers too: use Uint8Array' }],
      '@typescript-eslint/no-restricted-types': ['error', { types: { Buffer: 'npki/ runs in browsers too: use Uint8Array' } }],
    },
  },
  {
    // Tests may use any and non-null assertions to reach into results.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
