import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** dependency-cruiser over `paths` (from `cwd`), with the project's rules (.dependency-cruiser.cjs): its violations. */
function violations(cwd: string, paths: readonly string[]): Violation[] {
  const config = join(ROOT, '.dependency-cruiser.cjs');
  const output = execFileSync(join(ROOT, 'node_modules', '.bin', 'depcruise'), [...paths, '--config', config, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
  });
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

test('every import points down the layers written in .dependency-cruiser.cjs, and no modules import each other in a circle', () => {
  expect(violations(ROOT, ['src', 'dialogs']).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
}, 60_000);

test('the rules catch an import against the order and a circle', () => {
  const found = violations(join(ROOT, 'test', 'fixtures', 'layering'), ['src']).map((v) => v.rule.name);
  expect(found).toEqual(expect.arrayContaining(['layer-src/state', 'no-circular']));
}, 60_000);
