import restify, { Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import type { BotAdapter } from './botAdapter';
import { jsonBody } from './jsonBody';
import { messagesRoute, MessagesRouteDependencies, unauthenticatedFromLoopbackOnly } from './messagesRoute';
import { useSecurityHeaders } from './securityHeaders';

export interface ServerDependencies {
  readonly config: Config;
  readonly adapter: BotAdapter;
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
  /** Whether the process can take turns now: storage reachable and not shutting down. */
  readonly isReady: () => Promise<boolean>;
  /** More routes (certificates, the agent desk, the chat page, Direct Line), on the same server and parsers. */
  readonly mount?: (server: Server) => void;
}

export function createServer(deps: ServerDependencies): Server {
  const server = createListenerServer(deps.config.publicBaseUrl);
  registerMessagesRoute(server, deps);
  server.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady();
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
  });
  deps.mount?.(server);
  return server;
}

/**
 * What every listener of the app has (the customer's, and the agent desk's when it has its own):
 * security headers for the address it is reached at, the shared parsers, and /healthz.
 */
export function createListenerServer(publicUrl: string): Server {
  // Conversation handles on the agent desk name their state documents, longer than the default 100.
  const server = restify.createServer({ name: 'joint-certificate-assistant', handleUncaughtExceptions: false, maxParamLength: 512 });
  useSecurityHeaders(server, publicUrl);
  useParsers(server);
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  return server;
}

/** POST /api/messages behind its JSON parser; the bench's echo bot serves it the same way. */
export function registerMessagesRoute(server: Server, deps: MessagesRouteDependencies): void {
  server.post('/api/messages', unauthenticatedFromLoopbackOnly(deps), jsonBody(deps.config.maxBodyBytes), messagesRoute(deps));
}

/**
 * What every route shares: the parsed query string (tests that set up a server of their own use it
 * too). Bodies are each route's own business, read in memory: JSON through jsonBody on the routes
 * that take it; no route reads multipart. A server-wide body parser would give multipart to
 * formidable, which writes files to disk for any route, before any check.
 */
export function useParsers(server: Server): void {
  server.use(restify.plugins.queryParser({ mapParams: false }));
}
