import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import type { Config } from '../config/config';
import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { Logger } from '../logging/logger';
import type { SecretBox } from '../state/secretBox';
import type { ActivityFeed } from './activityFeed';
import { AppCustomers } from './appCustomer';
import type { BotGateway } from './botGateway';
import { ClientAuth } from './clientAuth';
import { registerClientRoutes } from './clientRoutes';
import { CONNECTOR_PATH, registerConnectorRoutes } from './connectorRoutes';
import type { DirectLineStore } from './directLineStore';
import { DirectLineService } from './directLineService';
import { DirectLineTokens } from './directLineTokens';
import { StreamServer } from './streamServer';

export interface DirectLineDependencies {
  readonly config: Config;
  /** Conversations and their logs, and the feed that tells their sockets; in Redis, shared by every instance (see createStores). */
  readonly store: DirectLineStore;
  readonly feed: ActivityFeed;
  readonly gateway: BotGateway;
  /** Signs tokens; the app derives it from SECRETS_KEY so every instance accepts every token. */
  readonly tokenKey: Buffer;
  /** Seals the bank's app's customer kept with a conversation. */
  readonly box: SecretBox;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Direct Line's empty keep-alive messages on open streams (default 20 s). */
  readonly keepAliveMs?: number;
  /** The bot's account in activities (default `joint-certificate-assistant`). */
  readonly botId?: string;
}

/** What the app closes on shutdown (the open streams), and what the bot's turn reads (the app's customer). */
export interface DirectLineChannel {
  /** The customer the bank's app passed with the conversation's token, while its session lasts. */
  appIdentityOf(conversationId: string): Promise<VerifiedIdentity | undefined>;
  close(): Promise<void>;
}

/** A Direct Line 3.0–compatible channel inside the bot, on the app's own server (`/v3/directline/...`). */
export function mountDirectLine(server: Server, deps: DirectLineDependencies): DirectLineChannel {
  const { config, store, feed } = deps;
  const logger = deps.logger.child({ channel: 'directline' });
  const clock = deps.clock ?? Date.now;
  const tokens = new DirectLineTokens(deps.tokenKey, config.directLine.tokenMinutes * 60, clock);
  const customers = new AppCustomers(deps.box, () => new Date(clock()));
  const service = new DirectLineService({
    store,
    feed,
    gateway: deps.gateway,
    tokens,
    customers,
    logger,
    clock,
    botId: deps.botId ?? 'joint-certificate-assistant',
    connectorUrl: () => connectorUrl(server),
  });
  const auth = new ClientAuth(config.directLine.secret, tokens);

  const devTokens = config.sandbox && config.directLine.secret === undefined;
  registerClientRoutes(server, {
    service,
    auth,
    customers,
    clock,
    logger,
    publicBaseUrl: config.publicBaseUrl,
    devTokens,
    maxBodyBytes: config.maxBodyBytes,
  });
  registerConnectorRoutes(server, { service, logger, maxBodyBytes: config.maxBodyBytes });
  const streams = new StreamServer({ http: server.server, service, feed, tokens, logger, keepAliveMs: deps.keepAliveMs ?? 20_000 });

  return {
    appIdentityOf: (conversationId) => service.appIdentityOf(conversationId),
    close: () => streams.close(),
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
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.address.includes(':')
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}${CONNECTOR_PATH}`;
}
