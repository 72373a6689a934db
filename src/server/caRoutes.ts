import type { Request, Response, Server } from 'restify';
import { CA_ISSUANCE_PATH, IssuanceEndpoint, IssuanceRefusal } from '../certificates/ca/issuanceEndpoint';
import { jsonBody } from './jsonBody';
import { noStore, sendError } from './routeHelpers';

export interface CaRouteDependencies {
  readonly endpoint: IssuanceEndpoint;
  /** Pages on other origins that may call (the secure page on SECURE_ORIGIN); a same-origin page needs nothing. */
  readonly allowedOrigins?: readonly string[];
}

/** A request is a certification request (about 1 KB) and a few hundred bytes besides: ample room, no more. */
const CA_REQUEST_BYTES = 16 * 1024;

const REFUSAL_STATUS: Readonly<Record<IssuanceRefusal, number>> = {
  malformedRequest: 400,
  badCertificationRequest: 400,
  badProofOfPossession: 400,
  badRandom: 400,
  badMac: 403,
  unknownReference: 404,
  expiredReference: 410,
  usedReference: 410,
};

/**
 * The sandbox CA's own routes, under its own prefix (it could move to a process of its own): the
 * device's certification request, answered with the certificate or the reason it was refused.
 */
export function registerCaRoutes(server: Server, deps: CaRouteDependencies): void {
  const allowed = new Set(deps.allowedOrigins ?? []);
  const allowOrigin = (req: Request, res: Response): void => {
    const origin = req.header('origin');
    res.setHeader('vary', 'origin');
    if (origin !== undefined && allowed.has(origin)) res.setHeader('access-control-allow-origin', origin);
  };

  // A JSON POST from another origin is preflighted.
  server.opts(CA_ISSUANCE_PATH, async (req, res) => {
    allowOrigin(req, res);
    res.setHeader('access-control-allow-methods', 'POST');
    res.setHeader('access-control-allow-headers', 'content-type');
    res.setHeader('access-control-max-age', '600');
    res.send(204);
  });

  server.post(CA_ISSUANCE_PATH, jsonBody(CA_REQUEST_BYTES), async (req, res) => {
    allowOrigin(req, res);
    noStore(res);
    const result = await deps.endpoint.handle(req.body);
    if (result.status === 'issued') res.send(200, result.answer);
    else sendError(res, REFUSAL_STATUS[result.reason], result.reason);
  });
}
