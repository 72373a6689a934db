import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logging/logger';
import { jsonBody } from '../server/jsonBody';
import type { AppCustomers } from './appCustomer';
import { ClientAuth, mayPostAs, mayUse, Principal } from './clientAuth';
import { guarded, sendError } from './directLineErrors';
import { ClientActivity, ConversationId, DevTokenRequest, RevokeRequest, StartRequest, TokenRequest, Watermark } from './directLineSchemas';
import type { ConversationRecord } from './directLineStore';
import type { DirectLineService, Grant } from './directLineService';

export interface ClientRouteDependencies {
  readonly service: DirectLineService;
  readonly auth: ClientAuth;
  /** Seals the claims the bank's backend passes with tokens/generate. */
  readonly customers: AppCustomers;
  readonly clock: () => number;
  readonly logger: Logger;
  /** `https:` makes stream URLs `wss:` (TLS ends at the load balancer, so the request cannot tell). */
  readonly publicBaseUrl: string;
  /** The sandbox without a secret: pages may get a token from POST /directline/dev-token. */
  readonly devTokens: boolean;
  /** The largest JSON body a route reads (MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
}

export interface ConversationAccess {
  readonly principal: Principal;
  readonly conversation: ConversationRecord;
}

const BASE = '/v3/directline';

/** Direct Line 3.0's REST API for clients (Web Chat, directlinejs) and the bank's backend. */
export function registerClientRoutes(server: Server, deps: ClientRouteDependencies): void {
  const { service, auth } = deps;
  const route = (handler: (req: Request, res: Response) => Promise<void>) => guarded(deps.logger, handler);
  const access = (req: Request, res: Response) => conversationAccess(req, res, deps);
  const json = jsonBody(deps.maxBodyBytes);

  // The bank's backend, with the secret: a token binding one user to a new conversation; from the
  // app, with its signed-in customer (sealed at once) and the time its session has left.
  server.post(
    `${BASE}/tokens/generate`,
    json,
    route(async (req, res) => {
      if (!bankBackend(req, res, auth)) return;
      const body = TokenRequest.safeParse(req.body);
      // Only the field is named: a message could echo part of what the customer's claims held.
      if (!body.success) return sendError(res, 'BadArgument', body.error.issues[0]?.path.join('.') || 'body');
      const { user, customer, sessionSeconds } = body.data;
      const sealed = customer === undefined ? undefined : deps.customers.seal(customer);
      if (sealed !== undefined && 'invalid' in sealed) return sendError(res, 'BadArgument', `customer.${sealed.invalid}`);
      const sessionEndsAt = sessionSeconds === undefined ? undefined : deps.clock() + sessionSeconds * 1000;
      res.send(200, grantBody(await service.open(user.id, { customer: sealed?.sealed, sessionEndsAt })));
    }),
  );

  // The bank's backend, with the secret, when its customer signs out: the conversation and its tokens end.
  server.post(
    `${BASE}/tokens/revoke`,
    json,
    route(async (req, res) => {
      if (!bankBackend(req, res, auth)) return;
      const body = RevokeRequest.safeParse(req.body);
      if (!body.success) return sendError(res, 'BadArgument', 'conversationId required');
      await service.revoke(body.data.conversationId);
      res.send(204);
    }),
  );

  server.post(
    `${BASE}/tokens/refresh`,
    json,
    route(async (req, res) => {
      const principal = identify(req, res, auth);
      if (principal === undefined) return;
      if (principal.kind !== 'token') return sendError(res, 'Forbidden', 'token required');
      const conversation = await service.find(principal.claims.conversationId);
      if (conversation === undefined) return sendError(res, 'NotFound');
      await service.keepAlive(conversation.id);
      res.send(200, grantBody(service.grant(conversation.id, conversation.userId, conversation.sessionEndsAt)));
    }),
  );

  // Start: with the secret a new conversation; with a token the one it was made for (started once).
  server.post(
    `${BASE}/conversations`,
    json,
    route(async (req, res) => {
      const principal = identify(req, res, auth);
      if (principal === undefined) return;
      const body = StartRequest.safeParse(req.body);
      if (!body.success) return sendError(res, 'BadArgument');
      let grant: Grant;
      if (principal.kind === 'secret') grant = await service.open(body.data?.user?.id ?? `dl_${randomBytes(12).toString('base64url')}`);
      else
        grant = {
          conversationId: principal.claims.conversationId,
          token: principal.token,
          expiresIn: secondsLeft(principal.claims.expiresAt),
        };
      const conversation = await service.find(grant.conversationId);
      if (conversation === undefined) return sendError(res, 'NotFound');
      const started = await service.start(conversation, body.data?.locale);
      res.send(started ? 201 : 200, { ...grantBody(grant), streamUrl: streamUrl(req, deps.publicBaseUrl, grant) });
    }),
  );

  // Reconnect: a fresh stream URL (from the given watermark) for a client that lost its socket.
  server.get(
    `${BASE}/conversations/:conversationId`,
    route(async (req, res) => {
      const granted = await access(req, res);
      if (granted === undefined) return;
      const watermark = Watermark.safeParse(req.query?.watermark);
      if (!watermark.success) return sendError(res, 'BadArgument', 'watermark');
      const { principal, conversation } = granted;
      await service.keepAlive(conversation.id);
      const grant =
        principal.kind === 'token'
          ? { conversationId: conversation.id, token: principal.token, expiresIn: secondsLeft(principal.claims.expiresAt) }
          : service.grant(conversation.id, conversation.userId, conversation.sessionEndsAt);
      res.send(200, { ...grantBody(grant), streamUrl: streamUrl(req, deps.publicBaseUrl, grant, watermark.data) });
    }),
  );

  server.get(
    `${BASE}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const granted = await access(req, res);
      if (granted === undefined) return;
      const watermark = Watermark.safeParse(req.query?.watermark);
      if (!watermark.success) return sendError(res, 'BadArgument', 'watermark');
      // A polling client keeps its conversation alive, as an open socket does.
      await service.keepAlive(granted.conversation.id);
      const page = await service.read(granted.conversation.id, watermark.data);
      res.send(200, { activities: page.activities, watermark: String(page.watermark) });
    }),
  );

  server.post(
    `${BASE}/conversations/:conversationId/activities`,
    json,
    route(async (req, res) => {
      const granted = await access(req, res);
      if (granted === undefined) return;
      const activity = ClientActivity.safeParse(req.body);
      if (!activity.success) return sendError(res, 'BadArgument', describeIssue(activity.error.issues[0]));
      // Enhanced authentication: a page holding a token speaks only as the user it binds.
      if (!mayPostAs(granted.principal, activity.data.from.id)) return sendError(res, 'Forbidden', 'from.id does not match the token');
      res.send(200, { id: await service.post(granted.conversation, activity.data) });
    }),
  );

  if (deps.devTokens) {
    // A local trial's page has no backend to ask: this stands in for tokens/generate, and exists
    // only without a secret and in the sandbox (which runs on loopback only).
    server.post(
      '/directline/dev-token',
      json,
      route(async (req, res) => {
        const body = DevTokenRequest.safeParse(req.body);
        if (!body.success) return sendError(res, 'BadArgument', 'userId');
        res.send(200, grantBody(await service.open(body.data?.userId ?? `dl_${randomBytes(12).toString('base64url')}`)));
      }),
    );
  }
}

/** The caller, or undefined once it was refused. */
/** The bank's backend, by the secret; anyone else is answered (401, 403) and refused. */
function bankBackend(req: Request, res: Response, auth: ClientAuth): boolean {
  const principal = identify(req, res, auth);
  if (principal === undefined) return false;
  if (principal.kind === 'secret') return true;
  sendError(res, 'Forbidden', 'secret required');
  return false;
}

function identify(req: Request, res: Response, auth: ClientAuth): Principal | undefined {
  const identified = auth.identify(req.header('authorization'));
  if (identified.ok) return identified.principal;
  sendError(res, identified.code);
  return undefined;
}

/** The conversation named in the path, if the caller may use it; undefined once refused. */
export async function conversationAccess(
  req: Request,
  res: Response,
  deps: Pick<ClientRouteDependencies, 'auth' | 'service'>,
): Promise<ConversationAccess | undefined> {
  const principal = identify(req, res, deps.auth);
  if (principal === undefined) return undefined;
  const id = ConversationId.safeParse(req.params.conversationId);
  if (!id.success) return void sendError(res, 'NotFound');
  if (!mayUse(principal, id.data)) return void sendError(res, 'Forbidden', 'token is for another conversation');
  const conversation = await deps.service.find(id.data);
  if (conversation === undefined) return void sendError(res, 'NotFound');
  return { principal, conversation };
}

function grantBody(grant: Grant): { conversationId: string; token: string; expires_in: number } {
  return { conversationId: grant.conversationId, token: grant.token, expires_in: grant.expiresIn };
}

function secondsLeft(expiresAt: number): number {
  return Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
}

/**
 * The WebSocket address, on the host the client used (so it works behind any name and on an
 * ephemeral port), preauthorised with the conversation's token as Direct Line's `t`.
 */
function streamUrl(req: Request, publicBaseUrl: string, grant: Grant, watermark?: number): string {
  const host = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(req.headers.host ?? '') ? (req.headers.host as string) : new URL(publicBaseUrl).host;
  const scheme = publicBaseUrl.startsWith('https:') ? 'wss' : 'ws';
  const query = new URLSearchParams({ ...(watermark === undefined ? {} : { watermark: String(watermark) }), t: grant.token });
  return `${scheme}://${host}${BASE}/conversations/${grant.conversationId}/stream?${query.toString()}`;
}

function describeIssue(issue: { path: (string | number)[]; message: string } | undefined): string {
  return issue === undefined ? 'invalid activity' : `${issue.path.join('.') || 'body'}: ${issue.message}`;
}
