import restify, { Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import type { BotAdapter } from './botAdapter';
import { messagesRoute } from './messagesRoute';

export interface ServerDependencies {
  readonly config: Config;
  readonly adapter: BotAdapter;
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
  /** Whether the process can take turns now: storage reachable and not shutting down. */
  readonly isReady: () => Promise<boolean>;
}

export function createServer(deps: ServerDependencies): Server {
  const server = restify.createServer({ name: 'joint-certificate-assistant', handleUncaughtExceptions: false });
  // Oversized bodies are refused by the parser (413) before anything reads them.
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.config.maxBodyBytes, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', messagesRoute(deps));
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady();
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
  });
  return server;
}
