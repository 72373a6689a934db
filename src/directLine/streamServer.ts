import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logging/logger';
import type { ActivityFeed, FeedMessage } from './activityFeed';
import { ConversationId, Watermark } from './directLineSchemas';
import type { DirectLineService } from './directLineService';
import { ActivityPage, sequenceOf, StoredActivity } from './directLineStore';
import type { DirectLineTokens } from './directLineTokens';

export interface StreamServerDependencies {
  /** The HTTP server under restify (`server.server`): restify itself does not take upgrades. */
  readonly http: HttpServer;
  readonly service: DirectLineService;
  readonly feed: ActivityFeed;
  readonly tokens: DirectLineTokens;
  readonly logger: Logger;
  /** How often each socket gets Direct Line's empty keep-alive message (and a ping to find dead peers). */
  readonly keepAliveMs: number;
}

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/]+)\/stream\/?$/;
/** Sockets one conversation may hold on one instance: two tabs are fine, an unbounded number is not. */
const MAX_SOCKETS_PER_CONVERSATION = 3;
const CLOSE_GRACE_MS = 1_000;
/** Clients only ever send Direct Line's empty keep-alive. */
const MAX_CLIENT_MESSAGE_BYTES = 1024;

interface Subscriber {
  readonly socket: WebSocket;
  readonly conversationId: string;
  /** What this socket has been sent up to; every push goes on from here. */
  sent: number;
  /** Activities as sent, by sequence, announced but not pushed yet: the log holds only their redacted copies. */
  readonly fresh: Map<number, StoredActivity>;
  /** Pushes one at a time, so activities leave in log order and none twice. */
  queue: Promise<void>;
  alive: boolean;
  readonly stop: () => void;
}

/**
 * The WebSocket `streamUrl`: `{ activities, watermark }` messages for one conversation, first
 * the backlog after the given watermark, then whatever is logged, on whichever instance,
 * announced on the feed. The URL is preauthorised by its `t` token, as on Direct Line.
 */
export class StreamServer {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly subscribers = new Set<Subscriber>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head);

  constructor(private readonly deps: StreamServerDependencies) {
    deps.http.on('upgrade', this.onUpgrade);
    this.keepAlive = setInterval(() => this.beat(), deps.keepAliveMs);
    this.keepAlive.unref();
  }

  /** Ends every stream (clients reconnect, to another instance when this one is draining). */
  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    this.deps.http.off('upgrade', this.onUpgrade);
    const closing = [...this.subscribers].map((s) => new Promise<void>((resolve) => s.socket.once('close', () => resolve())));
    for (const subscriber of this.subscribers) subscriber.socket.close(1001, 'going away');
    // A client that does not answer the closing handshake promptly is cut off: shutdown must not wait on it.
    const grace = setTimeout(() => this.subscribers.forEach((s) => s.socket.terminate()), CLOSE_GRACE_MS);
    await Promise.all(closing);
    clearTimeout(grace);
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '', 'http://stream');
      const id = ConversationId.safeParse(STREAM_PATH.exec(url.pathname)?.[1]);
      if (!id.success) return refuse(socket, 404, 'Not Found');
      const watermark = Watermark.safeParse(url.searchParams.get('watermark') ?? undefined);
      if (!watermark.success) return refuse(socket, 400, 'Bad Request');
      const checked = this.deps.tokens.verify(url.searchParams.get('t') ?? '');
      if (!checked.ok || checked.claims.conversationId !== id.data) return refuse(socket, 403, 'Forbidden');
      if ((await this.deps.service.find(id.data)) === undefined) return refuse(socket, 404, 'Not Found');
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.attach(ws, id.data, watermark.data));
    } catch (err) {
      this.deps.logger.error(
        { err: err instanceof Error ? { name: err.name, message: err.message } : String(err) },
        'stream upgrade failed',
      );
      refuse(socket, 503, 'Service Unavailable');
    }
  }

  private attach(socket: WebSocket, conversationId: string, watermark: number): void {
    if ([...this.subscribers].filter((s) => s.conversationId === conversationId).length >= MAX_SOCKETS_PER_CONVERSATION) {
      socket.close(1008, 'collision');
      return;
    }
    const subscriber: Subscriber = {
      socket,
      conversationId,
      sent: watermark,
      fresh: new Map(),
      queue: Promise.resolve(),
      alive: true,
      stop: this.deps.feed.subscribe((message) => this.deliver(subscriber, message), conversationId),
    };
    this.subscribers.add(subscriber);
    socket.on('pong', () => (subscriber.alive = true));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      subscriber.stop();
      this.subscribers.delete(subscriber);
    });
    // The backlog: everything after the client's watermark (all of it on a first connection).
    this.push(subscriber);
  }

  private deliver(subscriber: Subscriber, message: FeedMessage): void {
    if (message.kind === 'live') return send(subscriber.socket, { activities: [message.activity] });
    // Kept at once, not when the push runs: a read already under way then sends it as sent too.
    const { activity } = message;
    const sequence = activity === undefined ? undefined : sequenceOf(subscriber.conversationId, activity.id);
    if (activity !== undefined && sequence !== undefined && sequence > subscriber.sent) subscriber.fresh.set(sequence, activity);
    this.push(subscriber);
  }

  private push(subscriber: Subscriber): void {
    subscriber.queue = subscriber.queue.then(async () => {
      if (subscriber.socket.readyState !== WebSocket.OPEN) return;
      try {
        const page = await this.next(subscriber);
        if (page.activities.length === 0) return;
        subscriber.sent = page.watermark;
        for (const sequence of subscriber.fresh.keys()) if (sequence <= page.watermark) subscriber.fresh.delete(sequence);
        send(subscriber.socket, { activities: page.activities, watermark: String(page.watermark) });
      } catch (err) {
        // The client reconnects (with its watermark) and gets what it missed, here or elsewhere.
        this.deps.logger.warn({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'stream read failed');
        subscriber.socket.close(1011, 'unavailable');
      }
    });
  }

  /**
   * What follows `sent`: straight from the announcements when they are next in line (the usual
   * case, and no read), else from the log with the announced ones as sent. What only the log has
   * (history, or an activity whose notice comes late) goes out as stored: redacted.
   */
  private async next(subscriber: Subscriber): Promise<ActivityPage> {
    const announced: StoredActivity[] = [];
    for (let next = subscriber.sent + 1; subscriber.fresh.has(next); next++) announced.push(subscriber.fresh.get(next) as StoredActivity);
    if (announced.length > 0) return { activities: announced, watermark: subscriber.sent + announced.length };
    const page = await this.deps.service.read(subscriber.conversationId, subscriber.sent);
    return {
      ...page,
      activities: page.activities.map((stored) => subscriber.fresh.get(sequenceOf(subscriber.conversationId, stored.id) ?? -1) ?? stored),
    };
  }

  /** Direct Line's empty message tells the client the stream is alive; a peer that missed a ping is gone. */
  private beat(): void {
    for (const subscriber of this.subscribers) {
      if (!subscriber.alive) {
        subscriber.socket.terminate();
        continue;
      }
      subscriber.alive = false;
      subscriber.socket.ping();
      subscriber.socket.send('');
      // An open stream keeps its conversation from expiring, as polling does.
      void this.deps.service.keepAlive(subscriber.conversationId).catch(() => undefined);
    }
  }
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** An HTTP answer on the raw socket: the upgrade never reached restify. */
function refuse(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
