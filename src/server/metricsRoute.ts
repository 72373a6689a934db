import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Server } from 'restify';
import type { Registry } from 'prom-client';
import { noStore, sendError } from './routeHelpers';

export interface MetricsRouteOptions {
  /** What is served; the app's counters and the process's own metrics are registered in it elsewhere. */
  readonly registry: Registry;
  /**
   * Wanted as `Authorization: Bearer <token>` where strangers can reach the route (the customer's
   * listener); none on a listener only operators reach.
   */
  readonly bearerToken?: string;
}

/** GET /metrics: the registry in Prometheus text, for a scraper. */
export function registerMetricsRoute(server: Server, { registry, bearerToken }: MetricsRouteOptions): void {
  const expected = bearerToken === undefined ? undefined : digest(bearerToken);
  server.get('/metrics', async (req, res) => {
    noStore(res);
    if (expected !== undefined && !timingSafeEqual(digest(bearerOf(req)), expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized');
      return;
    }
    const text = await registry.metrics();
    res.setHeader('content-type', registry.contentType);
    res.sendRaw(200, text);
  });
}

/** The token after `Bearer `, or nothing (which matches no token). */
function bearerOf(req: Request): string {
  return /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

/** Compared as digests, so the comparison takes the same time whatever the length given. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
