import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { StepOutcome } from './secureStepClient';
import { secureLinksIn } from './secureLinks';
import { INTERRUPTED, type TerminalIo } from './terminalIo';

/** What we read of the bot's replies; everything else in an activity is ignored here. */
const ReplyActivity = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    suggestedActions: z.object({ actions: z.array(z.object({ title: z.string(), value: z.unknown() })) }).optional(),
    // A hero card (a channel that shows them): its text, and its buttons, such as the secure page's open-URL one.
    attachments: z
      .array(
        z
          .object({
            contentType: z.string(),
            content: z
              .object({
                text: z.string().optional(),
                buttons: z.array(z.object({ type: z.string(), title: z.string().optional(), value: z.unknown() })).optional(),
              })
              .passthrough()
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();
type ReplyActivity = z.infer<typeof ReplyActivity>;
const ExpectedReplies = z.object({ activities: z.array(ReplyActivity) });

export interface TerminalChatOptions {
  readonly botUrl: string;
  /** Where the bot sends messages outside a turn (an agent's replies, a secure step's outcome); see ReplyListener. */
  readonly serviceUrl: string;
  readonly userId: string;
  readonly write: (line: string) => void;
  /** Origins whose secure page the terminal stands in for: the bot's own, and SECURE_ORIGIN when it is elsewhere. */
  readonly secureOrigins?: readonly string[];
  /** A secure step's link arrived (in a reply or outside a turn): the terminal should run it. */
  readonly onSecureStep?: () => void;
}

/**
 * Talks to a running bot over HTTP with deliveryMode expectReplies, so the bot's replies come
 * back in the response body; what the bot sends outside a turn (an agent's messages, what follows
 * a secure step) arrives at the small listener whose address is the conversation's serviceUrl.
 * A reply with a link to the secure page queues that step, which the terminal then does itself.
 */
export class TerminalChat {
  private readonly conversationId = `terminal-${randomUUID()}`;
  private choices: string[] = [];
  private readonly secureOrigins: readonly string[];
  /** The newest secure step's link not yet run: a newer step replaces an older one, as on the server. */
  private pendingStep: string | undefined;
  /** Links run as they come; not after the customer left a step, until they say something (or `/open` it). */
  private runSteps = true;
  private readonly seenSteps = new Set<string>();
  /** What the bot said while a secure step ran, shown once it is over (its outcome comes before the step says it is done). */
  private held: string[] | undefined;

  constructor(private readonly options: TerminalChatOptions) {
    this.secureOrigins = [new URL(options.botUrl).origin, ...(options.secureOrigins ?? [])];
  }

  start(): Promise<void> {
    return this.send({ type: 'conversationUpdate', membersAdded: [{ id: this.options.userId }] });
  }

  /** A number picks one of the choices last offered; anything else is sent as typed. */
  say(line: string): Promise<void> {
    this.runSteps = true;
    const picked = /^\d+$/.test(line) ? this.choices[Number(line) - 1] : undefined;
    return this.send({ type: 'message', text: picked ?? line });
  }

  /** The secure step to run next, taken off the queue; `asked`: the customer asked for it (`/open`), even after leaving one. */
  takeSecureStep(asked = false): string | undefined {
    if (!this.runSteps && !asked) return undefined;
    const step = this.pendingStep;
    this.pendingStep = undefined;
    return step;
  }

  hasSecureStep(): boolean {
    return this.runSteps && this.pendingStep !== undefined;
  }

  /** The customer left a step: the link the bot offers again waits until they ask for it. */
  holdSecureSteps(): void {
    this.runSteps = false;
    if (this.pendingStep !== undefined) this.write(WAITING);
  }

  /** Runs a secure step, holding back what the bot says meanwhile until the step's own lines are done. */
  async whileInStep<T>(step: () => Promise<T>): Promise<T> {
    this.held = [];
    try {
      return await step();
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const line of held) this.options.write(line);
    }
  }

  private write(line: string): void {
    if (this.held === undefined) this.options.write(line);
    else this.held.push(line);
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

  /** A message the bot sent outside a turn: an agent's reply, the bot taking the conversation back, a secure step's outcome. */
  showProactive(activity: unknown): void {
    const parsed = ReplyActivity.safeParse(activity);
    if (parsed.success) this.show(parsed.data);
  }

  private show(reply: ReplyActivity): void {
    if (reply.type !== 'message') return;
    const write = (line: string): void => this.write(line);
    if (reply.text) write(`bot> ${reply.text}`);
    const links: string[] = reply.text ? [reply.text] : [];
    for (const card of reply.attachments ?? []) {
      if (card.content?.text) write(`bot> ${card.content.text}`);
      if (card.content?.text) links.push(card.content.text);
      for (const button of card.content?.buttons ?? []) {
        if (typeof button.value !== 'string') continue;
        write(`      [${button.title ?? ''}] ${button.value}`);
        links.push(button.value);
      }
    }
    this.noteSecureSteps(links.join('\n'));
    const actions = reply.suggestedActions?.actions ?? [];
    if (actions.length === 0) return;
    // A button answers with its value (a list item's "1"), as Web Chat's imBack does.
    this.choices = actions.map((a) => (typeof a.value === 'string' ? a.value : a.title));
    actions.forEach((a, i) => write(`      ${i + 1}. ${a.title}`));
  }

  private noteSecureSteps(text: string): void {
    for (const link of secureLinksIn(text)) {
      if (this.seenSteps.has(link.url)) continue;
      this.seenSteps.add(link.url);
      // Only the bot's own secure page gets what the terminal asks for; a link from anywhere else is left alone.
      if (!this.secureOrigins.some((origin) => sameOrigin(origin, link.origin))) {
        this.write(`(not the bot's secure page, not opened: ${link.origin})`);
        continue;
      }
      this.pendingStep = link.url;
      if (this.runSteps) this.options.onSecureStep?.();
      else this.write(WAITING);
    }
  }
}

/** `localhost` and `127.0.0.1` name the same loopback server (a newcomer may have configured either). */
function sameOrigin(a: string, b: string): boolean {
  const loopback = (origin: string) => new URL(origin).origin.replace(/^(https?:\/\/)localhost(?=[:/]|$)/, '$1127.0.0.1');
  return loopback(a) === loopback(b);
}

const WAITING = '(a secure step is open: /open runs it here)';

/** Runs a secure step's link on this machine. */
export type SecureStepRunner = (url: string) => Promise<StepOutcome>;

/**
 * The conversation: typed lines go to the bot, a number picks a choice; a secure step's link,
 * whenever it comes, is run here before the next line; `/quit` ends.
 */
export async function runChatLoop(chat: TerminalChat, io: TerminalIo, runStep: SecureStepRunner): Promise<void> {
  await chat.start();
  let opened: string | undefined;
  for (;;) {
    const step = opened ?? chat.takeSecureStep();
    opened = undefined;
    if (step !== undefined) {
      const outcome = await chat.whileInStep(() => runStep(step));
      if (outcome === 'quit') return;
      if (outcome === 'left') chat.holdSecureSteps();
      continue;
    }
    const read = await io.nextLine('you> ', () => chat.hasSecureStep());
    if (read === INTERRUPTED) continue;
    if (read === undefined) return;
    const line = read.trim();
    if (line === '/quit' || line === '/exit') return;
    if (line === '') continue;
    if (line === '/open') {
      opened = chat.takeSecureStep(true);
      if (opened === undefined) io.write('(no secure step is open)');
      continue;
    }
    // Certificate files are never sent to the bot: they prove possession here, during a registration or renewal step.
    if (line === '/attach' || line.startsWith('/attach ')) {
      io.write('(/attach proves possession with your files during a registration or renewal step; none is open now)');
      continue;
    }
    try {
      await chat.say(line);
    } catch (err) {
      io.write(`(error) ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
