import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { DeskEvents } from '../handoff/handoffEvents';
import type { Logger } from '../logging/logger';
import { FORM_BODY_BYTES, jsonBody } from '../server/jsonBody';
import { cookieValues } from '../server/cookies';
import { noStore, refuse } from '../server/routeHelpers';
import { sameOrigin } from '../server/sameOrigin';
import type { AgentDirectory } from './agentAccounts';
import { isSessionTokenShaped, type AgentSessions } from './agentSessions';
import type { SignInGate, SignInThrottle } from './signInThrottle';

export const SESSION_COOKIE = 'jca_agent';

/** A request that passed `requireAgent`. */
export interface AgentRequest extends Request {
  agentId: string;
}

/**
 * The session token of a request: `Authorization: Bearer <token>` (scripts, tools), else the
 * session cookie (the desk in a browser). Other Authorization schemes (e.g. Basic from a proxy
 * in front) are left alone. Strict on purpose: a malformed value is no token, and two
 * `jca_agent` cookies (one planted by a sibling domain, say) are refused rather than guessed at.
 */
export function sessionTokenFromRequest(req: Request): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s/i.test(authorization)) {
    const token = authorization.slice('bearer'.length).trim();
    return isSessionTokenShaped(token) ? token : undefined;
  }
  const values = cookieValues(req.headers.cookie, SESSION_COOKIE);
  return values.length === 1 && isSessionTokenShaped(values[0] as string) ? values[0] : undefined;
}

/**
 * The signed-in agent's id, or undefined. With `directory`, an agent who has since been removed
 * from AGENTS is signed in no more. Store errors reject.
 */
export async function agentFromRequest(
  req: Request,
  sessions: AgentSessions,
  directory?: Pick<AgentDirectory, 'has'>,
): Promise<string | undefined> {
  const token = sessionTokenFromRequest(req);
  if (token === undefined) return undefined;
  const agentId = (await sessions.find(token))?.agentId;
  return agentId !== undefined && (directory === undefined || directory.has(agentId)) ? agentId : undefined;
}

/**
 * First handler of every /agent API route: lets signed-in agents through with `agentId` set on
 * the request, answers everyone else 401. With `directory`, a session of an agent who has since
 * been removed from AGENTS is refused too, so removing an agent takes effect at once.
 */
export function requireAgent(sessions: AgentSessions, directory?: Pick<AgentDirectory, 'has'>) {
  // Callback style, not async: restify stops the chain only on next(false).
  return (req: Request, res: Response, next: Next): void => {
    agentFromRequest(req, sessions, directory).then(
      (agentId) => {
        if (agentId === undefined) {
          noStore(res);
          refuse(res, next, 401, 'signInRequired');
          return;
        }
        (req as AgentRequest).agentId = agentId;
        next();
      },
      () => {
        // The session store is unreachable: we cannot tell, so nobody is let in.
        refuse(res, next, 503, 'sessionsUnavailable');
      },
    );
  };
}

export interface SessionRouteDependencies {
  readonly directory: AgentDirectory;
  readonly sessions: AgentSessions;
  /** Adds `Secure` to the cookie; true whenever the desk is reached over HTTPS. */
  readonly secureCookies: boolean;
  /** The cookie's Max-Age; the same lifetime the sessions store was given. */
  readonly sessionTtlSeconds: number;
  readonly throttle: SignInThrottle;
  /** Told of each sign-out, so the session's open event streams end on every instance. */
  readonly events: DeskEvents;
  /** The only Origin from which sign-in and sign-out are taken (see sameOrigin). */
  readonly ownOrigin: () => string;
  readonly logger?: Logger;
}

/** Ids are at most 40 characters; the password bound keeps scrypt's input small. */
const signInSchema = z.object({
  id: z.string().min(1).max(40),
  password: z.string().min(1).max(1024),
});

/**
 * POST /agent/api/session (sign in), DELETE /agent/api/session (sign out), GET /agent/api/me.
 * JSON bodies arrive parsed in `req.body` through each route's jsonBody.
 */
export function registerSessionRoutes(server: Server, deps: SessionRouteDependencies): void {
  const { directory, sessions, throttle, logger } = deps;
  const fromOurPage = sameOrigin(deps.ownOrigin);
  const cookieAttributes = `HttpOnly; SameSite=Strict; Path=/agent${deps.secureCookies ? '; Secure' : ''}`;

  server.post('/agent/api/session', fromOurPage, jsonBody(FORM_BODY_BYTES), async (req, res) => {
    noStore(res);
    // Only JSON: a cross-site HTML form cannot send it, so nobody can sign a browser in to their account.
    if (!req.is('application/json')) {
      res.send(415, { error: 'jsonRequired' });
      return;
    }
    const body = signInSchema.safeParse(req.body);
    if (!body.success) {
      res.send(400, { error: 'badRequest' });
      return;
    }
    // The socket's address: X-Forwarded-For is anyone's to write, and no proxy is trusted.
    const attempt = { address: req.socket.remoteAddress ?? 'unknown', id: body.data.id };
    let gate: SignInGate;
    try {
      gate = await throttle.begin(attempt);
    } catch {
      res.send(503, { error: 'sessionsUnavailable' });
      return;
    }
    if (!gate.allowed) {
      res.setHeader('retry-after', String(gate.retryAfterSeconds));
      res.send(429, { error: 'tooManyAttempts' });
      return;
    }
    let agentId: string | undefined;
    try {
      agentId = await directory.verify(attempt.id, body.data.password);
    } finally {
      // Unfinished, the attempt stays counted until its window ends: never more lenient.
      await throttle.finish(attempt, agentId !== undefined).catch(() => undefined);
    }
    if (agentId === undefined) {
      // The attempted id is logged only when it is a real one: people type passwords into id fields.
      logger?.warn({ agentId: directory.has(attempt.id) ? attempt.id : undefined }, 'agent sign-in refused');
      res.send(401, { error: 'wrongCredentials' });
      return;
    }
    let token: string;
    try {
      token = await sessions.create(agentId);
    } catch {
      res.send(503, { error: 'sessionsUnavailable' });
      return;
    }
    logger?.info({ agentId }, 'agent signed in');
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${token}; ${cookieAttributes}; Max-Age=${deps.sessionTtlSeconds}`);
    res.send(200, { agentId });
  });

  server.del('/agent/api/session', fromOurPage, jsonBody(FORM_BODY_BYTES), async (req, res) => {
    noStore(res);
    // The cookie is cleared whatever happens, so the browser never keeps a token we tried to end.
    res.setHeader('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes}; Max-Age=0`);
    const token = sessionTokenFromRequest(req);
    if (token !== undefined) {
      let agentId: string | undefined;
      try {
        agentId = (await sessions.find(token))?.agentId;
        await sessions.revoke(token);
      } catch {
        res.send(503, { error: 'sessionsUnavailable' });
        return;
      }
      // Streams also check their session before every event: a lost notice delays nothing they would carry.
      if (agentId !== undefined)
        await deps.events.publish({ type: 'signedOut', agentId }).catch(() => logger?.warn({ agentId }, 'sign-out notice not published'));
    }
    res.send(204);
  });

  server.get('/agent/api/me', requireAgent(sessions, directory), async (req, res) => {
    noStore(res);
    res.send(200, { agentId: (req as AgentRequest).agentId });
  });
}
