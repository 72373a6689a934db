import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import { cookieValues } from '../server/cookies';
import { FORM_BODY_BYTES, jsonBody } from '../server/jsonBody';
import { noStore } from '../server/routeHelpers';
import { sameOrigin } from '../server/sameOrigin';
import { pageHeaders } from '../server/securityHeaders';
import { serveStatic } from '../server/staticFiles';
import { SecureRefusal } from './secureRefusal';
import type { SecureSession } from './secureSessions';
import type { SecureSteps } from './secureSteps';
import { describe, TICKET_LIFETIME_MS } from './ticketLifecycle';

export const SECURE_COOKIE = 'jca_secure';

/** A certificate (at most 64 KB, real ones are 2 KB) in base64, with the rest of a proof. */
const PROOF_BODY_BYTES = 128 * 1024;

const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .transform((text) => new Uint8Array(Buffer.from(text, 'base64')));

const text = (max: number) => z.string().max(max);

/** Each call's body, checked once here; a call without fields takes `{}` or nothing. */
const Bodies = {
  open: z.object({ ticket: text(64) }),
  consent: z.object({
    accepted: z
      .array(z.object({ id: z.enum(['personalData', 'uniqueIdentifier', 'phoneVerification', 'fee']), version: text(20) }))
      .max(10),
  }),
  identity: z.object({ name: text(40).min(1), rrn: text(40), carrier: text(40), phone: text(40) }),
  code: z.object({ code: text(20) }),
  saved: z.object({ serialNumber: z.string().regex(/^[0-9A-Fa-f]{1,64}$/) }),
  proof: z.object({ certificate: base64(64 * 1024), signature: base64(1024), randomNum: base64(64).optional() }),
  handover: z.object({ to: z.enum(['pc', 'app']) }),
  continue: z.object({ code: text(20) }),
  none: z.object({}).optional(),
};

export interface SecureRouteDependencies {
  readonly steps: SecureSteps;
  /** The built page (`builtPage('secure')`): index.html, secure.js, secure.css. */
  readonly page: string;
  /** SECURE_ORIGIN as the browser reaches it: the only Origin whose calls are taken. */
  readonly origin: () => string;
  /** Adds `Secure` to the cookie: SECURE_ORIGIN is https. */
  readonly secureCookies: boolean;
  /** Besides its own origin, who may frame the page: the chat page (it opens the step in an overlay) and whoever frames that. */
  readonly framedBy: readonly string[];
  /** Origins the page calls besides its own: the CA's issuance endpoint. */
  readonly connectsTo: readonly string[];
  readonly logger: Logger;
}

/**
 * The secure page and its API under /secure (docs/secure-step.md). The page is the same for
 * every ticket: a GET serves it and uses nothing up. Every call is JSON from SECURE_ORIGIN, never
 * cached, and, but `open` and `continue`, carries the cookie `open` set. No path is ever logged:
 * a ticket is in it.
 */
export function registerSecureRoutes(server: Server, deps: SecureRouteDependencies): void {
  const { steps, logger, page } = deps;
  const headers = pageHeaders({
    framing: { sameOriginAnd: deps.framedBy },
    also: deps.connectsTo.length === 0 ? {} : { 'connect-src': deps.connectsTo.join(' ') },
  });
  const html = { file: join(page, 'index.html'), type: 'text/html; charset=utf-8', cacheControl: 'no-store' };
  serveStatic(
    server,
    [
      { path: '/secure/assets/secure.js', file: join(page, 'secure.js'), type: 'text/javascript; charset=utf-8' },
      { path: '/secure/assets/secure.css', file: join(page, 'secure.css'), type: 'text/css; charset=utf-8' },
      { path: '/secure/continue', ...html },
      { path: '/secure/:ticket', ...html },
    ],
    headers,
  );

  const fromPage = sameOrigin(deps.origin);
  const cookieAttributes = `HttpOnly; SameSite=Strict; Path=/secure${deps.secureCookies ? '; Secure' : ''}`;

  /** A call of the page: its body checked by `schema`, its answer JSON, its refusals `{ error }` with their status. */
  const call = <S extends z.ZodTypeAny>(
    path: string,
    schema: S,
    handle: (body: z.output<S>, req: Request, res: Response) => Promise<object | undefined>,
    maxBytes = FORM_BODY_BYTES,
  ) =>
    server.post(`/secure/api/${path}`, fromPage, jsonBody(maxBytes), async (req: Request, res: Response) => {
      noStore(res);
      const body = schema.safeParse(req.body);
      if (!body.success) return void res.send(400, { error: 'badRequest' });
      try {
        res.send(200, (await handle(body.data, req, res)) ?? {});
      } catch (err) {
        if (err instanceof SecureRefusal) return void res.send(err.status, { error: err.code, ...err.detail });
        logger.error({ err: describe(err), call: path }, 'secure page call failed');
        res.send(503, { error: 'unavailable' });
      }
    });

  /** A call that needs the ticket's cookie. */
  const withSession = <S extends z.ZodTypeAny>(
    path: string,
    schema: S,
    handle: (session: SecureSession, body: z.output<S>) => Promise<object | undefined>,
    maxBytes?: number,
  ) => call(path, schema, async (body, req) => handle(await steps.sessions.session(cookieOf(req)), body), maxBytes);

  call('open', Bodies.open, async ({ ticket }, req, res) => {
    const { record, cookie } = await steps.sessions.redeem(ticket, cookieOf(req));
    // The cookie lives no longer than a ticket can.
    if (cookie !== undefined)
      res.setHeader('set-cookie', `${SECURE_COOKIE}=${cookie}; ${cookieAttributes}; Max-Age=${TICKET_LIFETIME_MS / 1000}`);
    return steps.view(record);
  });
  call('continue', Bodies.continue, ({ code }) => steps.sessions.continueWith(code));

  withSession('consent', Bodies.consent, (session, { accepted }) => steps.consent(session, accepted));
  withSession('identity/start', Bodies.identity, (session, details) => steps.codes.startIdentity(session, details));
  withSession('identity/verify', Bodies.code, (session, { code }) => steps.codes.verify(session, 'identity', code));
  withSession('additional/start', Bodies.none, (session) => steps.codes.startAdditional(session));
  withSession('additional/verify', Bodies.code, (session, { code }) => steps.codes.verify(session, 'additional', code));
  withSession('issuance/authorize', Bodies.none, (session) => steps.issuance.authorize(session));
  withSession('issuance/saved', Bodies.saved, (session, { serialNumber }) => steps.issuance.saved(session, serialNumber));
  withSession('proof', Bodies.proof, (session, proof) => steps.possession.prove(session, proof), PROOF_BODY_BYTES);
  withSession('wrong-password', Bodies.none, (session) => steps.possession.wrongPassword(session));
  withSession('cancel', Bodies.none, async (session) => void (await steps.cancel(session)));
  withSession('handover', Bodies.handover, (session, { to }) => steps.sessions.handover(session, to));
}

/** The ticket's cookie; none when absent, or when there are two (one planted by a sibling domain). */
function cookieOf(req: Request): string | undefined {
  const values = cookieValues(req.headers.cookie, SECURE_COOKIE);
  return values.length === 1 ? values[0] : undefined;
}
