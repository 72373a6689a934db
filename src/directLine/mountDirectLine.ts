import type { AddressInfo } from 'node:net';
import type Redis from 'ioredis';
import type { Server } from 'restify';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { ActivityFeed, MemoryActivityFeed, RedisActivityFeed } from './activityFeed';
import type { BotGateway } from './botGateway';
import { ClientAuth } from './clientAuth';
import { registerClientRoutes } from './clientRoutes';
import { CONNECTOR_PATH, registerConnectorRoutes } from './connectorRoutes';
import { DirectLineStore, MemoryDirectLineStore } from './directLineStore';
import { DirectLineService } from './directLineService';
import { DirectLineTokens } from './directLineTokens';
import { RedisDirectLineStore } from './redisDirectLineStore';
import { StreamServer } from './streamServer';
import { registerUploadRoute } from './uploadRoute';

export interface DirectLineDependencies {
  readonly config: Config;
  /** Shared state when the app has Redis: conversations, logs and the feed; memory otherwise. */
  readonly redis?: Redis;
  readonly gateway: BotGateway;
  /** Signs tokens; the app derives it from SECRETS_KEY so every instance accepts every token. */
  readonly tokenKey: Buffer;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Direct Line's empty keep-alive messages on open streams (default 20 s). */
  readonly keepAliveMs?: number;
  /** The bot's account in activities (default `joint-certificate-assistant`). */
  readonly botId?: string;
}

/** What the app closes on shutdown: the open streams and the feed's subscriber connection. */
export interface DirectLineChannel {
  close(): Promise<void>;
}

/** A Direct Line 3.0–compatible channel inside the bot, on the app's own server (`/v3/directline/...`). */
export function mountDirectLine(server: Server, deps: DirectLineDependencies): DirectLineChannel {
  const { config, redis } = deps;
  const logger = deps.logger.child({ channel: 'directline' });
  const clock = deps.clock ?? Date.now;
  const prefix = config.state.keyPrefix;
  const store: DirectLineStore = redis ? new RedisDirectLineStore(redis, { prefix, ttlSeconds: config.state.ttlSeconds }) : new MemoryDirectLineStore(config.state.ttlSeconds, clock);
  const feed: ActivityFeed = redis ? new RedisActivityFeed(redis, prefix) : new MemoryActivityFeed();
  const tokens = new DirectLineTokens(deps.tokenKey, config.directLine.tokenMinutes * 60, clock);
  const service = new DirectLineService({
    store,
    feed,
    gateway: deps.gateway,
    tokens,
    logger,
    clock,
    botId: deps.botId ?? 'joint-certificate-assistant',
    connectorUrl: () => connectorUrl(server),
  });
  const auth = new ClientAuth(config.directLine.secret, tokens);

  registerUploadRoute(server, { service, auth, logger, maxBodyBytes: config.maxBodyBytes });
  registerClientRoutes(server, { service, auth, logger, publicBaseUrl: config.publicBaseUrl, devTokens: config.sandbox && config.directLine.secret === undefined, maxBodyBytes: config.maxBodyBytes });
  registerConnectorRoutes(server, { service, logger, maxBodyBytes: config.maxBodyBytes });
  const streams = new StreamServer({ http: server.server, service, feed, tokens, logger, keepAliveMs: deps.keepAliveMs ?? 20_000 });

  return {
    async close() {
      await streams.close();
      await feed.close();
    },
  };
}

/**
 * The serviceUrl the bot gets: this instance's own loopback address, not PUBLIC_BASE_URL.
 * Behind a load balancer the public address would lead to some other instance, from an address
 * the connector refuses; the bound port is only known once listening (PORT=0 in tests); and any
 * instance posting to itself reaches the shared log, so a stored reference works from any of them.
 */
function connectorUrl(server: Server): string {
  const address = server.address() as AddressInfo | null;
  if (address === null) throw new Error('the server is not listening');
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}${CONNECTOR_PATH}`;
}
