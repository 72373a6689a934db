import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** What the chat and its secure steps need of a terminal. */
export interface Terminal {
  /** One line of output. */
  write(line: string): void;
  /** The next line typed after `prompt`; undefined once the input ended. Hidden: nothing typed is echoed. */
  read(prompt: string, options?: { readonly hidden?: boolean }): Promise<string | undefined>;
}

export interface TerminalStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** A keyboard (a TTY): readline echoes what is typed, so a secret is read with that echo muted. */
  readonly terminal: boolean;
}

/** What `nextLine` gives when something other than a line needs the terminal first (a secure step arrived). */
export const INTERRUPTED = Symbol('interrupted');

/**
 * The terminal's lines, read one at a time by whoever asks (the chat loop, a secure step's
 * prompts), in the order typed; lines piped in ahead are kept until asked for. A hidden read mutes
 * readline's echo, and readline keeps no history, so a password can neither be seen nor recalled.
 */
export class TerminalIo implements Terminal {
  private readonly echo: MutedOutput;
  private readonly rl: Interface;
  private readonly typed: string[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  /** The prompt being shown, to show again after a line written meanwhile (a message from the bot). */
  private shown: { readonly prompt: string; readonly hidden: boolean } | undefined;
  /** The cursor is not at the start of a line: a prompt was written and nothing ended it. */
  private midLine = false;

  constructor(private readonly streams: TerminalStreams) {
    this.echo = new MutedOutput(streams.output);
    this.rl = createInterface({ input: streams.input, output: this.echo, terminal: streams.terminal, historySize: 0 });
    this.rl.on('line', (line: string) => {
      this.typed.push(line);
      this.notify();
    });
    this.rl.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  write(line: string): void {
    if (this.midLine) this.raw(this.streams.terminal ? '\r\x1b[K' : '\n');
    this.raw(`${line}\n`);
    this.midLine = false;
    // A message that came while a prompt waited: the prompt again, with what was typed so far (never a hidden one's).
    if (this.shown !== undefined) this.showPrompt(this.shown.prompt, this.shown.hidden);
  }

  read(prompt: string, options: { readonly hidden?: boolean } = {}): Promise<string | undefined> {
    return this.next(prompt, options.hidden === true, () => false) as Promise<string | undefined>;
  }

  /** As `read`, but gives INTERRUPTED as soon as `interrupted()` is true (checked whenever `interrupt` is called). */
  nextLine(prompt: string, interrupted: () => boolean): Promise<string | undefined | typeof INTERRUPTED> {
    return this.next(prompt, false, interrupted);
  }

  /** Something else wants the terminal: a waiting `nextLine` checks its condition. */
  interrupt(): void {
    this.notify();
  }

  close(): void {
    this.rl.close();
  }

  private async next(prompt: string, hidden: boolean, interrupted: () => boolean): Promise<string | undefined | typeof INTERRUPTED> {
    if (interrupted()) return INTERRUPTED;
    this.shown = { prompt, hidden };
    this.showPrompt(prompt, hidden);
    try {
      for (;;) {
        const line = this.typed.shift();
        if (line !== undefined) return line;
        if (this.ended) return undefined;
        if (interrupted()) return INTERRUPTED;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.shown = undefined;
      this.echo.muted = false;
      // readline's own newline after a line went unechoed with the rest of a hidden one.
      if (hidden && this.streams.terminal) this.raw('\n');
      // A terminal echoed the Enter; piped input leaves the cursor after the prompt.
      this.midLine = !this.streams.terminal;
    }
  }

  private showPrompt(prompt: string, hidden: boolean): void {
    if (hidden) {
      this.echo.muted = true;
      this.rl.setPrompt('');
      this.raw(prompt);
    } else {
      this.echo.muted = false;
      this.rl.setPrompt(prompt);
      this.rl.prompt(true);
    }
    this.midLine = true;
  }

  private raw(text: string): void {
    this.streams.output.write(text);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The output as readline writes to it: the prompt and the echo of what is typed, dropped while muted. */
class MutedOutput extends Writable {
  muted = false;

  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }

  /** readline wraps long lines at the terminal's width. */
  get columns(): number | undefined {
    return (this.target as { columns?: number }).columns;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}
