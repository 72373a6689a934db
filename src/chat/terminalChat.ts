import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Interface } from 'node:readline/promises';
import { z } from 'zod';

/** What we read of the bot's replies; everything else in an activity is ignored here. */
const ExpectedReplies = z.object({
  activities: z.array(
    z
      .object({
        type: z.string(),
        text: z.string().optional(),
        suggestedActions: z.object({ actions: z.array(z.object({ title: z.string(), value: z.unknown() })) }).optional(),
      })
      .passthrough(),
  ),
});
type ReplyActivity = z.infer<typeof ExpectedReplies>['activities'][number];

export interface TerminalChatOptions {
  readonly botUrl: string;
  /** Where the bot sends messages outside a turn (an agent's replies); see ReplyListener. */
  readonly serviceUrl: string;
  readonly userId: string;
  readonly write: (line: string) => void;
}

/**
 * Talks to a running bot over HTTP with deliveryMode expectReplies, so the bot's replies come
 * back in the response body; what the bot sends outside a turn (an agent's messages) arrives at
 * the small listener whose address is the conversation's serviceUrl.
 */
export class TerminalChat {
  private readonly conversationId = `terminal-${randomUUID()}`;
  private choices: string[] = [];

  constructor(private readonly options: TerminalChatOptions) {}

  start(): Promise<void> {
    return this.send({ type: 'conversationUpdate', membersAdded: [{ id: this.options.userId }] });
  }

  /** A number picks one of the choices last offered; anything else is sent as typed. */
  say(line: string): Promise<void> {
    const picked = /^\d+$/.test(line) ? this.choices[Number(line) - 1] : undefined;
    return this.send({ type: 'message', text: picked ?? line });
  }

  /** Sends files as attachments (data: URIs), the way a channel delivers an upload. */
  async attach(paths: readonly string[]): Promise<void> {
    const attachments = await Promise.all(
      paths.map(async (path) => ({
        name: basename(path),
        contentType: 'application/octet-stream',
        contentUrl: `data:application/octet-stream;base64,${(await readFile(path)).toString('base64')}`,
      })),
    );
    return this.send({ type: 'message', attachments });
  }

  private async send(partial: Record<string, unknown>): Promise<void> {
    const activity = {
      id: randomUUID(),
      channelId: 'terminal',
      serviceUrl: this.options.serviceUrl,
      conversation: { id: this.conversationId },
      from: { id: this.options.userId, role: 'user' },
      recipient: { id: 'bot', role: 'bot' },
      locale: 'ko-KR',
      deliveryMode: 'expectReplies',
      timestamp: new Date().toISOString(),
      ...partial,
    };
    const response = await fetch(this.options.botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    if (!response.ok) throw new Error(`the bot answered HTTP ${response.status}: ${await response.text()}`);
    const text = await response.text();
    if (text === '') return;
    for (const reply of ExpectedReplies.parse(JSON.parse(text)).activities) this.show(reply);
  }

  /** A message the bot sent outside a turn: an agent's reply, or the bot taking the conversation back. */
  showProactive(activity: unknown): void {
    const parsed = ExpectedReplies.shape.activities.element.safeParse(activity);
    if (parsed.success) this.show(parsed.data);
  }

  private show(reply: ReplyActivity): void {
    if (reply.type !== 'message') return;
    if (reply.text) this.options.write(`bot> ${reply.text}`);
    const actions = reply.suggestedActions?.actions ?? [];
    if (actions.length === 0) return;
    // A button answers with its value (a list item's "1"), as Web Chat's imBack does.
    this.choices = actions.map((a) => (typeof a.value === 'string' ? a.value : a.title));
    actions.forEach((a, i) => this.options.write(`      ${i + 1}. ${a.title}`));
  }
}

export async function runChatLoop(chat: TerminalChat, rl: Interface, write: (line: string) => void): Promise<void> {
  // Listen before the first await, so piped-in lines that arrive meanwhile are not lost.
  const lines = rl[Symbol.asyncIterator]();
  await chat.start();
  rl.setPrompt('you> ');
  rl.prompt();
  for await (const raw of { [Symbol.asyncIterator]: () => lines }) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') return;
    if (line !== '') {
      try {
        // `/attach <file> [<file>…]` uploads certificate files; paths with spaces go in quotes.
        if (line.startsWith('/attach ')) await chat.attach([...line.slice(8).matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? ''));
        else await chat.say(line);
      } catch (err) {
        write(`(error) ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    rl.prompt();
  }
}
