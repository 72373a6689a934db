import restify, { Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { DownloadStore } from '../certificates/stores/downloadStore';
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
  readonly downloads: DownloadStore;
  /** The signed CRL of one of our CAs by id, or undefined for an unknown id. */
  readonly certificateRevocationList: (caId: string) => Promise<Buffer> | undefined;
  /** More routes (the agent desk), on the same server and parsers. */
  readonly mount?: (server: Server) => void;
}

export function createServer(deps: ServerDependencies): Server {
  // Conversation handles on the agent desk name their state documents, longer than the default 100.
  const server = restify.createServer({ name: 'joint-certificate-assistant', handleUncaughtExceptions: false, maxParamLength: 512 });
  useSecurityHeaders(server, deps.config.publicBaseUrl);
  useParsers(server);

  registerMessagesRoute(server, deps);
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady();
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
  });
  // One-time links for issued certificates: the NPKI zip, or ?format=pfx.
  server.get('/certificates/download/:token', async (req, res) => {
    const outcome = await deps.downloads.take(String(req.params.token));
    if (outcome.status !== 'ok') {
      res.send(outcome.status === 'gone' ? 410 : 404, { error: outcome.status === 'gone' ? 'this link was already used or has expired' : 'no such link' });
      return;
    }
    const file = outcome.formats[req.query?.format === 'pfx' ? 'pfx' : 'zip'];
    if (file === undefined) {
      res.send(404, { error: 'no such format' });
      return;
    }
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('cache-control', 'no-store');
    res.sendRaw(200, file.bytes);
  });

  // The CRL distribution point written into every certificate we issue.
  server.get('/ca/:file', async (req, res) => {
    const caId = /^([a-z-]+)\.crl$/.exec(String(req.params.file))?.[1];
    const crl = caId === undefined ? undefined : deps.certificateRevocationList(caId);
    if (crl === undefined) {
      res.send(404, { error: 'no such CRL' });
      return;
    }
    res.setHeader('content-type', 'application/pkix-crl');
    res.sendRaw(200, await crl);
  });
  deps.mount?.(server);
  return server;
}

/** POST /api/messages behind its JSON parser; the bench's echo bot serves it the same way. */
export function registerMessagesRoute(server: Server, deps: MessagesRouteDependencies): void {
  server.post('/api/messages', unauthenticatedFromLoopbackOnly(deps), jsonBody(deps.config.maxBodyBytes), messagesRoute(deps));
}

/**
 * What every route shares: the parsed query string (tests that set up a server of their own use it
 * too). Bodies are each route's own business, read in memory: JSON through jsonBody on the routes
 * that take it, multipart only on the Direct Line upload route. A server-wide body parser would
 * give multipart to formidable, which writes files to disk for any route, before any check.
 */
export function useParsers(server: Server): void {
  server.use(restify.plugins.queryParser({ mapParams: false }));
}
