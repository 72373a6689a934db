import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileDatabaseUrl } from './testDatabase';

const ENTRY = join(__dirname, '..', '..', 'dist', 'src', 'index.js');

export interface BotProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every line the process wrote to stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * The built bot (`npm test` builds first) as its own process, as `npm start` runs it.
 * Resolves once it logs that it is listening.
 */
export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const { child, output: read, exited } = spawnBot(await withDatabase(env));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${read()}`)), 20_000);
    const check = (): void => {
      const match = /"port":(\d+)/.exec(read());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}:\n${read()}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, output: read, exited };
}

/** Runs the built bot expecting it to stop by itself (e.g. on bad configuration). */
export async function runBotProcessToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { output, exited } = spawnBot(await withDatabase(env));
  const code = await exited;
  return { code, output: output() };
}

/** The test file's database, unless the test chose its own (DATABASE_URL) or PGlite (PGLITE_DIR). */
async function withDatabase(env: Record<string, string>): Promise<Record<string, string>> {
  if (env.DATABASE_URL !== undefined || env.PGLITE_DIR !== undefined) return env;
  return { DATABASE_URL: await fileDatabaseUrl(), ...env };
}

function spawnBot(env: Record<string, string>): Pick<BotProcess, 'child' | 'output' | 'exited'> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', ENTRY], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
