import type { Next, Request, Response } from 'restify';

/** Nothing in this answer may be kept by a browser or a proxy: sessions, one-time files, conversations. */
export function noStore(res: Response): void {
  res.setHeader('cache-control', 'no-store');
}

/**
 * A refusal in JSON, `{ error: code }`: the code is for programs and operators, never shown to a
 * customer. Direct Line answers in its own protocol's shape instead (see directLineErrors).
 */
export function sendError(res: Response, status: number, code: string): void {
  res.send(status, { error: code });
}

/** A refusal from a handler placed before the route's own: restify runs the next handler unless told `next(false)`. */
export function refuse(res: Response, next: Next, status: number, code: string): void {
  sendError(res, status, code);
  next(false);
}

/** A named part of the route's path (`/:id`), as text; restify leaves its type open. */
export function routeParam(req: Request, name: string): string {
  return String((req.params as Record<string, unknown>)[name]);
}
