import type { Server } from 'restify';
import { routeParam, sendError } from './routeHelpers';

export interface CertificateRouteDependencies {
  /** The signed CRL of one of our CAs by id, or undefined for an unknown id. */
  readonly certificateRevocationList: (caId: string) => Promise<Buffer> | undefined;
}

/** What the certificate core serves over HTTP: our CAs' CRLs. */
export function registerCertificateRoutes(server: Server, deps: CertificateRouteDependencies): void {
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
