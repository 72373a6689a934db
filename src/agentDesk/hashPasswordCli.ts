import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AGENT_ID_PATTERN } from '../config/agents';
import { hashAgentPassword, MIN_AGENT_PASSWORD_LENGTH } from './agentAccounts';

/**
 * `node dist/src/agentDesk/hashPasswordCli.js <agent-id>` reads a password (one line) from
 * stdin and prints `<agent-id>:scrypt$…`, an entry for AGENTS. The password is read from stdin,
 * not from an argument, so that it stays out of the shell history and the process list.
 * Returns the exit code.
 */
export async function runHashPasswordCli(args: readonly string[], input: Readable, output: Writable, errors: Writable): Promise<number> {
  const [id, ...extra] = args;
  if (id === undefined || extra.length > 0 || !AGENT_ID_PATTERN.test(id)) {
    errors.write('usage: hashPasswordCli <agent-id>   (id: 1–40 of a-z 0-9 . _ -; the password is read from stdin)\n');
    return 2;
  }
  if ((input as Readable & { isTTY?: boolean }).isTTY) errors.write(`password for ${id} (typed text is visible): `);
  const password = await firstLine(input);
  if (password === undefined || password.length < MIN_AGENT_PASSWORD_LENGTH) {
    errors.write(`the password needs at least ${MIN_AGENT_PASSWORD_LENGTH} characters\n`);
    return 1;
  }
  output.write(`${id}:${await hashAgentPassword(password)}\n`);
  return 0;
}

/** The first line without its line break, or undefined when the input ends without one. */
async function firstLine(input: Readable): Promise<string | undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

if (require.main === module) {
  runHashPasswordCli(process.argv.slice(2), process.stdin, process.stdout, process.stderr).then(
    (code) => {
      process.exitCode = code;
      // stdin may still be open (a terminal); nothing more is read from it.
      process.stdin.destroy();
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
      process.stdin.destroy();
    },
  );
}
