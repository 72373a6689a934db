import type { Server } from 'restify';
import type { DownloadStore } from '../certificates/stores/downloadStore';
import { noStore, routeParam, sendError } from './routeHelpers';

export interface CertificateRouteDependencies {
  readonly downloads: DownloadStore;
  /** The signed CRL of one of our CAs by id, or undefined for an unknown id. */
  readonly certificateRevocationList: (caId: string) => Promise<Buffer> | undefined;
}

/** What the certificate core serves over HTTP: one-time links for issued certificates, and our CAs' CRLs. */
export function registerCertificateRoutes(server: Server, deps: CertificateRouteDependencies): void {
  // One-time links for issued certificates: the NPKI zip, or ?format=pfx.
  server.get('/certificates/download/:token', async (req, res) => {
    const outcome = await deps.downloads.take(routeParam(req, 'token'));
    if (outcome.status !== 'ok') {
      sendError(
        res,
        outcome.status === 'gone' ? 410 : 404,
        outcome.status === 'gone' ? 'this link was already used or has expired' : 'no such link',
      );
      return;
    }
    const file = outcome.formats[req.query?.format === 'pfx' ? 'pfx' : 'zip'];
    if (file === undefined) {
      sendError(res, 404, 'no such format');
      return;
    }
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    noStore(res);
    res.sendRaw(200, file.bytes);
  });

  // The CRL distribution point written into every certificate we issue.
  server.get('/ca/:file', async (req, res) => {
    const caId = /^([a-z-]+)\.crl$/.exec(routeParam(req, 'file'))?.[1];
    const crl = caId === undefined ? undefined : deps.certificateRevocationList(caId);
    if (crl === undefined) {
      sendError(res, 404, 'no such CRL');
      return;
    }
    res.setHeader('content-type', 'application/pkix-crl');
    res.sendRaw(200, await crl);
  });
}
