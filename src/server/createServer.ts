import restify, { Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { DownloadStore } from '../certificates/downloadStore';
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
  readonly downloads: DownloadStore;
  /** The signed CRL of one of our CAs by id, or undefined for an unknown id. */
  readonly certificateRevocationList: (caId: string) => Promise<Buffer> | undefined;
  /** More routes (the agent desk), on the same server and parsers. */
  readonly mount?: (server: Server) => void;
}

export function createServer(deps: ServerDependencies): Server {
  // Conversation handles on the agent desk name their state documents, longer than the default 100.
  const server = restify.createServer({ name: 'joint-certificate-assistant', handleUncaughtExceptions: false, maxParamLength: 512 });
  useParsers(server, deps.config.maxBodyBytes);

  server.post('/api/messages', messagesRoute(deps));
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

/**
 * The query and body parsers every route of the server runs behind (tests that set up a server of
 * their own use them too). Oversized bodies are refused by the parser (413) before anything reads them.
 */
export function useParsers(server: Server, maxBodyBytes: number): void {
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3; Node
  // reads none), but the bodyParser (rejectUnknown) takes it for one of unknown length and no type
  // and answers 415. fetch() and the connector client send their DELETEs so: say the body is empty.
  server.pre((req, _res, next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) req.headers['content-length'] = '0';
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false, rejectUnknown: true }));
}
