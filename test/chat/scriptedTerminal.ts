import { PassThrough, Writable } from 'node:stream';
import { TerminalIo } from '../../src/chat/terminalIo';

// eslint-disable-next-line no-control-regex -- the escape sequences readline writes to a terminal
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * A keyboard and a screen for the terminal chat: what is typed goes in as keystrokes (readline in
 * terminal mode, so it echoes what it does not mute), and everything written is kept, to read as a
 * person at the terminal would.
 */
export class ScriptedTerminal {
  private readonly input = new PassThrough();
  private written = '';
  /** Where the next `waitFor` starts looking: what the script already saw is not seen again. */
  private mark = 0;
  readonly io: TerminalIo;

  constructor() {
    const output = new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.written += chunk.toString();
        done();
      },
    });
    this.io = new TerminalIo({ input: this.input, output, terminal: true });
  }

  /** Everything on the screen so far, without the terminal's escape sequences. */
  screen(): string {
    return this.written.replace(ESCAPES, '');
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.input.write(`${line}\r`);
  }

  /** Waits until the screen shows `pattern` after what the script saw last; returns the match. */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const regex = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen().slice(this.mark);
      const match = regex.exec(rest);
      if (match !== null) {
        this.mark += match.index + match[0].length;
        return match;
      }
      if (Date.now() > deadline) throw new Error(`the terminal did not show ${regex} in:\n${rest}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits for a prompt and answers it. */
  async answer(prompt: RegExp | string, line: string): Promise<void> {
    await this.waitFor(prompt);
    this.type(line);
  }

  close(): void {
    this.input.end();
  }
}
