import fs from 'node:fs';
import path from 'node:path';
import { check, type Diagnostics } from 'recheck';
import ts from 'typescript';

/**
 * Every regular expression in src/ and dialogs/ must run in linear time: one that backtracks
 * exponentially (or polynomially) lets one message stall the whole instance. recheck decides it
 * for each pattern; literals are read from the source, and patterns built with `new RegExp(…)`
 * are checked as built, by loading their module with a RegExp that records what it makes.
 */

// recheck's native checker (shipped in the npm package recheck-linux-x64), an order of magnitude
// faster than its pure-JavaScript one, which it falls back to elsewhere.
process.env.RECHECK_BACKEND = 'auto';

const ROOT = path.resolve(__dirname, '../..');
const FOLDERS = ['src', 'dialogs'];
const CHECK_TIME_MS = 300_000; // recheck's own limits end each check; this only bounds a stuck one

/** A pattern and where it is written: "src/bot/recognizer.ts:42". */
interface Found {
  site: string;
  source: string;
  flags: string;
}

function typeScriptFiles(folder: string): string[] {
  return fs.readdirSync(path.join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

/** Regular-expression literals (also `new RegExp('literal')`), and the sites that build a pattern from parts. */
function scan(file: string): { literals: Found[]; builtSites: string[] } {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const siteOf = (node: ts.Node): string => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const literals: Found[] = [];
  const builtSites: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const end = node.text.lastIndexOf('/');
      literals.push({ site: siteOf(node), source: node.text.slice(1, end), flags: node.text.slice(end + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      const [pattern, flags] = node.arguments ?? [];
      if (pattern !== undefined && ts.isStringLiteralLike(pattern) && (flags === undefined || ts.isStringLiteralLike(flags))) {
        literals.push({ site: siteOf(node), source: pattern.text, flags: flags?.text ?? '' });
      } else if (pattern === undefined || !ts.isRegularExpressionLiteral(pattern)) {
        builtSites.push(siteOf(node));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { literals, builtSites };
}

/** Loads `file` afresh and returns every RegExp constructed meanwhile, with the line that constructed it. */
function patternsBuiltWhileLoading(file: string): Found[] {
  const built: Found[] = [];
  const record = (made: RegExp): RegExp => {
    // Stack: "Error", this trap, then the caller; jest maps it to the TypeScript lines.
    const caller = String(new Error().stack).split('\n')[3] ?? '';
    const at = /\((.*):(\d+):\d+\)$/.exec(caller) ?? /at (.*):(\d+):\d+$/.exec(caller);
    const site = at
      ? `${path
          .relative(ROOT, at[1] ?? '')
          .split(path.sep)
          .join('/')}:${at[2]}`
      : caller.trim();
    built.push({ site, source: made.source, flags: made.flags });
    return made;
  };
  const Original = RegExp;
  globalThis.RegExp = new Proxy(Original, {
    construct: (target, args: [string | RegExp, string?], newTarget) => record(Reflect.construct(target, args, newTarget) as RegExp),
    apply: (target, _this, args: [string | RegExp, string?]) => record(target(...args)),
  });
  try {
    jest.isolateModules(() => require(path.join(ROOT, file)));
  } finally {
    globalThis.RegExp = Original;
  }
  return built;
}

const checked = new Map<string, Promise<Diagnostics>>();

/** What recheck says against each pattern that is not safe, one line each. */
async function unsafe(patterns: readonly Found[]): Promise<string[]> {
  const verdicts = await Promise.all(
    patterns.map(async ({ site, source, flags }) => {
      const key = `/${source}/${flags}`;
      const diagnostics = checked.get(key) ?? check(source, flags, { timeout: null });
      checked.set(key, diagnostics);
      return { site, key, diagnostics: await diagnostics };
    }),
  );
  return verdicts.flatMap(({ site, key, diagnostics }) => {
    if (diagnostics.status === 'safe') return [];
    const why =
      diagnostics.status === 'vulnerable'
        ? `${diagnostics.complexity.summary}, e.g. ${diagnostics.attack.pattern}`
        : `unknown (${diagnostics.error.kind})`;
    return [`${site} ${key}: ${why}`];
  });
}

const scanned = FOLDERS.flatMap(typeScriptFiles).map((file) => ({ file, ...scan(file) }));

describe('every regular expression in src/ and dialogs/ runs in linear time', () => {
  test('the checker flags a pattern that backtracks exponentially (the polite tails of old)', async () => {
    expect((await check('^네(?:요|해줘|해줘요)*$', '')).status).toBe('vulnerable');
  });

  test(
    'regular-expression literals',
    async () => {
      const literals = scanned.flatMap((file) => file.literals);
      expect(literals.length).toBeGreaterThan(50); // the scan does find them
      expect(await unsafe(literals)).toEqual([]);
    },
    CHECK_TIME_MS,
  );

  test(
    'patterns built with new RegExp, as built when their module loads',
    async () => {
      const building = scanned.filter((file) => file.builtSites.length > 0);
      expect(building.map((file) => file.file)).toContain('src/bot/decode/recognizer.ts'); // the scan does find them
      for (const { file, builtSites } of building) {
        const built = patternsBuiltWhileLoading(file);
        // A pattern built later (per message) cannot be checked here: build it when the module loads.
        expect(builtSites.filter((site) => !built.some((found) => found.site === site))).toEqual([]);
        expect(await unsafe(built)).toEqual([]);
      }
    },
    CHECK_TIME_MS,
  );
});
