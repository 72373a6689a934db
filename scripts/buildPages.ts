/**
 * Bundles the browser pages with esbuild into dist/pages/<module>: each page's TypeScript
 * (main.ts → one script), its stylesheet and its index.html. `npm run build` runs it after tsc;
 * the tests' global setup runs it too, so they never serve stale bundles.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_PAGES } from '../src/server/staticFiles';

interface Page {
  /** The module whose `page` folder holds the sources, and the output folder's name. */
  readonly module: string;
  /** A further page of the module: a folder inside its `page` folder, built into a folder of that name inside the module's. */
  readonly subpage?: string;
  /** The name of the script and stylesheet the page's index.html loads (`<name>.js`, `<name>.css`). */
  readonly name: string;
}

const PAGES: readonly Page[] = [
  { module: 'webChat', name: 'chat' },
  { module: 'agentDesk', name: 'desk' },
  { module: 'agentDesk', subpage: 'ops', name: 'ops' },
  { module: 'secure', name: 'secure' },
];

const ROOT = join(BUILT_PAGES, '..', '..');

export async function buildPages(): Promise<void> {
  await Promise.all(PAGES.map(buildPage));
}

async function buildPage({ module, subpage = '', name }: Page): Promise<void> {
  const source = join(ROOT, 'src', module, 'page', subpage);
  const out = join(BUILT_PAGES, module, subpage);
  const result = await build({
    entryPoints: [
      { in: join(source, 'main.ts'), out: name },
      { in: join(source, `${name}.css`), out: name },
    ],
    outdir: out,
    bundle: true,
    // A classic script in an IIFE: nothing leaks into the page's globals; each page loads it deferred or last.
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    tsconfig: join(ROOT, 'tsconfig.pages.json'),
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(out, { recursive: true });
  for (const file of result.outputFiles) writeWhole(file.path, file.contents);
  writeWhole(join(out, 'index.html'), readFileSync(join(source, 'index.html')));
}

/** Written aside, then renamed: a test run serving these never reads half a file while another build replaces it. */
function writeWhole(path: string, contents: Uint8Array): void {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, contents);
  renameSync(aside, path);
}

if (require.main === module) {
  buildPages().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
