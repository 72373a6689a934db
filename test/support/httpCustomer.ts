import { randomUUID } from 'node:crypto';
import { ReplyListener } from '../../src/chat/replyListener';

/**
 * A customer on a channel of their own: turns go to a bot instance over HTTP (expectReplies),
 * and what the bot sends outside a turn (an agent's messages) lands at the channel's listener.
 */
export class HttpCustomer {
  readonly conversationId = `http-${randomUUID()}`;
  readonly userId = `customer-${randomUUID()}`;
  /** Texts the bot sent proactively, in order. */
  readonly proactive: string[] = [];
  private waiters: (() => void)[] = [];
  /** How many proactive messages `heard` has handed out so far. */
  private heardUpTo = 0;

  private constructor(
    private readonly listener: ReplyListener,
    private readonly channelId: string,
  ) {}

  /** `channelId`: `test` (a customer's channel), or a hub's channel where a test needs one. */
  static async start(channelId = 'test'): Promise<HttpCustomer> {
    let customer: HttpCustomer | undefined;
    const listener = await ReplyListener.start((activity) => {
      const text = (activity as { text?: unknown }).text;
      if (typeof text === 'string' && customer !== undefined) {
        customer.proactive.push(text);
        for (const wake of customer.waiters.splice(0)) wake();
      }
    });
    customer = new HttpCustomer(listener, channelId);
    return customer;
  }

  /** Sends one activity to `botUrl`; returns every activity of the turn (messages and events). */
  async send(botUrl: string, partial: Record<string, unknown>): Promise<any[]> {
    const response = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: this.channelId,
        serviceUrl: this.listener.serviceUrl,
        conversation: { id: this.conversationId },
        from: { id: this.userId },
        recipient: { id: 'bot' },
        deliveryMode: 'expectReplies',
        ...partial,
      }),
    });
    const text = await response.text();
    return text === '' ? [] : (JSON.parse(text).activities as any[]);
  }

  async say(botUrl: string, text: string): Promise<string[]> {
    return (await this.send(botUrl, { text })).filter((a) => a.type === 'message').map((a) => a.text ?? '');
  }

  /** Waits until `count` proactive messages have arrived in all. */
  async proactiveMessages(count: number): Promise<string[]> {
    while (this.proactive.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.proactive.slice(0, count);
  }

  /**
   * Waits for the next proactive message that `matches` (the bot speaking by itself, e.g. once a
   * secure step ended); returns every proactive text since the last call, through that one.
   */
  async heard(matches: (text: string) => boolean, timeoutMs = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.proactive.findIndex((text, i) => i >= this.heardUpTo && matches(text));
      if (found >= 0) {
        const texts = this.proactive.slice(this.heardUpTo, found + 1);
        this.heardUpTo = found + 1;
        return texts;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no such proactive message; since the last one heard:\n${this.proactive.slice(this.heardUpTo).join('\n---\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}
