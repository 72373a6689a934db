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
  // Oversized bodies are refused by the parser (413) before anything reads them.
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.config.maxBodyBytes, mapParams: false, rejectUnknown: true }));

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
