import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Independent certificate fixtures, made once per test run with the openssl CLI. */
export const FIXTURE_NAME = '홍길동';
export const FIXTURE_IDN = '9001011234567';
export const FIXTURE_PASSWORD = 'Kica#Test2024';

export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), 'jca-fixtures-'));
  execFileSync('bash', [join(__dirname, '..', 'fixtures', 'make-other-bank-fixtures.sh'), dir, FIXTURE_NAME, FIXTURE_IDN, FIXTURE_PASSWORD], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.env.JCA_OPENSSL_FIXTURES = dir;
  process.env.JCA_STATE_COVERAGE_DIR = mkdtempSync(join(tmpdir(), 'jca-state-coverage-'));
}
