import type { Next, Request, RequestHandler, Response } from 'restify';
import { noStore, refuse } from './routeHelpers';

/**
 * The first handler of every state-changing route of a page (the agent desk, the secure page): the
 * request's Origin must be the page's, else 403. Browsers send Origin with every POST and DELETE,
 * naming the page's site, so a page elsewhere cannot act with the page's cookie; tools must send it
 * too. A missing Origin is refused as well.
 */
export function sameOrigin(ownOrigin: () => string): RequestHandler {
  return (req: Request, res: Response, next: Next): void => {
    if (isOurs(req.headers.origin, ownOrigin())) return next();
    noStore(res);
    refuse(res, next, 403, 'foreignOrigin');
  };
}

/** The origin of a configured URL (PUBLIC_BASE_URL, SECURE_ORIGIN); a port of 0 there (PORT=0 without it, as in tests) means the port bound. */
export function publicOrigin(publicBaseUrl: string, boundPort: number): string {
  const url = new URL(publicBaseUrl);
  if (url.port === '0') url.port = String(boundPort);
  return url.origin;
}

/** Ours, where `localhost` and `127.0.0.1` name the same loopback desk (a newcomer may type either). */
function isOurs(origin: string | undefined, own: string): boolean {
  if (origin === undefined) return false;
  if (origin === own) return true;
  const loopback = (o: string) => o.replace(/^(https?:\/\/)localhost(?=[:/]|$)/, '$1127.0.0.1');
  return own.includes('://127.0.0.1') || own.includes('://localhost') ? loopback(origin) === loopback(own) : false;
}
