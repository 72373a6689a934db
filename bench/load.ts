/**
 * Simulated customers for `npm run bench`: each sends one activity at a time over HTTP with
 * deliveryMode expectReplies (loopback serviceUrl, no app id) and waits for the answer before
 * the next, like a person in a chat. Keep-alive connections, one per concurrent customer.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The customers' channel as the bot sees it: the loopback serviceUrl it calls outside the
 * expectReplies answer (deleting a message that carried a 주민등록번호 or a phone number). It
 * acknowledges everything, as a real channel would; an unreachable serviceUrl instead would
 * have the connector retry every delete for seconds, which no deployment sees.
 */
export class ChannelStub {
  private constructor(
    private readonly server: http.Server,
    readonly serviceUrl: string,
  ) {}

  /** Requests the bot made to the channel. */
  requests = 0;

  static async start(): Promise<ChannelStub> {
    let stub: ChannelStub | undefined;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (stub) stub.requests++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stub = new ChannelStub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return stub;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface Reply {
  readonly status: number;
  readonly texts: string[];
  readonly ms: number;
}

/** A bot under load: one keep-alive agent, sized to the concurrency; several base URLs take turns (round robin). */
export class BotClient {
  private readonly agent: http.Agent;
  private readonly targets: URL[];
  private next = 0;

  constructor(
    baseUrl: string | readonly string[],
    concurrency: number,
    /** The channel's loopback address (without an app id the bot answers only loopback serviceUrls); see ChannelStub. */
    private readonly serviceUrl: string,
  ) {
    this.targets = (typeof baseUrl === 'string' ? [baseUrl] : baseUrl).map((url) => new URL('/api/messages', url));
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  }

  /** One turn: the text as a message from this conversation; the texts of the replies. */
  say(conversationId: string, userId: string, text: string, extra: Record<string, unknown> = {}): Promise<Reply> {
    return this.post({
      type: 'message',
      id: randomUUID(),
      channelId: 'bench',
      serviceUrl: this.serviceUrl,
      conversation: { id: conversationId },
      from: { id: userId },
      recipient: { id: 'bot' },
      deliveryMode: 'expectReplies',
      text,
      ...extra,
    });
  }

  post(activity: Record<string, unknown>): Promise<Reply> {
    const body = Buffer.from(JSON.stringify(activity));
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const target = this.targets[this.next++ % this.targets.length] as URL;
      const request = http.request(
        target,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const ms = performance.now() - started;
            const raw = Buffer.concat(chunks).toString('utf8');
            let texts: string[];
            try {
              const parsed = raw === '' ? undefined : (JSON.parse(raw) as { activities?: Array<{ text?: string }> });
              texts = (parsed?.activities ?? []).map((a) => a.text ?? '');
            } catch {
              texts = [];
            }
            resolve({ status: response.statusCode ?? 0, texts, ms });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadResult {
  /** Turns answered inside the measured window. */
  readonly turns: number;
  /** Every turn sent, warm-up included (for per-turn Redis counts). */
  readonly turnsSent: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly errors: number;
  readonly conversations: number;
}

/**
 * `concurrency` customers, each running conversations (the `script`'s texts in order, then a new
 * conversation) back to back. Turns that end during the warm-up are not measured; the run stops
 * taking new turns after `warmupMs + durationMs`, or after `conversations` conversations in all.
 */
export async function closedLoop(
  client: BotClient,
  options: {
    concurrency: number;
    script: readonly string[];
    warmupMs?: number;
    durationMs?: number;
    conversations?: number;
    label?: string;
    /** Told each conversation's ids as it starts. */
    onConversation?: (conversationId: string, userId: string) => void;
  },
): Promise<LoadResult> {
  const warmupMs = options.warmupMs ?? 0;
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const stopAt = options.durationMs === undefined ? Infinity : measureFrom + options.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let turnsSent = 0;
  let conversations = 0;
  let remaining = options.conversations ?? Infinity;
  let lastEnd = measureFrom;
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt && remaining > 0) {
      remaining--;
      conversations++;
      const conversationId = `${options.label ?? 'bench'}-${randomUUID()}`;
      const userId = `user-${randomUUID()}`;
      options.onConversation?.(conversationId, userId);
      for (const text of options.script) {
        if (performance.now() >= stopAt) return;
        turnsSent++;
        const reply = await client.say(conversationId, userId, text);
        const now = performance.now();
        if (reply.status !== 200 || reply.texts.length === 0) errors++;
        if (now - reply.ms >= measureFrom) {
          latencies.push(reply.ms);
          lastEnd = Math.max(lastEnd, now);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (Math.max(lastEnd, performance.now()) - measureFrom) / 1000;
  return { turns: latencies.length, turnsSent, seconds, latenciesMs: latencies, errors, conversations };
}
