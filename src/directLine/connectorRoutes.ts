import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logging/logger';
import { jsonBody } from '../server/jsonBody';
import { guarded, sendError } from './directLineErrors';
import { ActivityId, ConnectorActivity, ConversationId } from './directLineSchemas';
import { CHANNEL_ID, DirectLineService } from './directLineService';

export const CONNECTOR_PATH = '/directline-connector';

export interface ConnectorRouteDependencies {
  readonly service: DirectLineService;
  readonly logger: Logger;
  /** The largest activity the bot may send (MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
}

/**
 * The few Bot Connector operations the bot uses on a Direct Line conversation, at the
 * serviceUrl we give it: replies and messages outside a turn (an agent's, sent from any
 * instance through the stored conversation reference), updates, and best-effort deletes.
 *
 * Anything reaching this could write into a customer's chat, and it carries no credential (the
 * in-process adapter has none), so only this host may call it: the bot always calls its own
 * instance's loopback address. A deployment whose instances called each other across hosts
 * would put a shared secret header here instead.
 */
export function registerConnectorRoutes(server: Server, deps: ConnectorRouteDependencies): void {
  const route = (handler: (req: Request, res: Response, conversationId: string) => Promise<void>) =>
    guarded(deps.logger, async (req, res) => {
      if (!fromThisHost(req)) return sendError(res, 'Forbidden', 'connector is local only');
      const id = ConversationId.safeParse(req.params.conversationId);
      if (!id.success) return sendError(res, 'NotFound');
      await handler(req, res, id.data);
    });
  const base = `${CONNECTOR_PATH}/v3/conversations/:conversationId/activities`;
  const json = jsonBody(deps.maxBodyBytes);

  const send = route(async (req, res, conversationId) => {
    const activity = ConnectorActivity.safeParse(req.body);
    if (!activity.success) return sendError(res, 'BadArgument', 'activity');
    const id = await deps.service.deliver(conversationId, activity.data);
    if (id === undefined) return sendError(res, 'NotFound');
    res.send(200, { id });
  });
  // sendToConversation, and replyToActivity (the id replied to travels in the body's replyToId).
  server.post(base, json, send);
  server.post(`${base}/:activityId`, json, send);

  server.put(
    `${base}/:activityId`,
    json,
    route(async (req, res, conversationId) => {
      const activity = ConnectorActivity.safeParse(req.body);
      if (!activity.success) return sendError(res, 'BadArgument', 'activity');
      const activityId = String(req.params.activityId);
      // Best effort, like the delete: an activity we did not log (typing) has nothing to update.
      if (ActivityId.safeParse(activityId).success) await deps.service.update(conversationId, activityId, activity.data);
      res.send(200, { id: activityId });
    }),
  );

  server.del(
    `${base}/:activityId`,
    json,
    route(async (req, res, conversationId) => {
      const activityId = String(req.params.activityId);
      if (ActivityId.safeParse(activityId).success) await deps.service.redact(conversationId, activityId);
      res.send(200);
    }),
  );
}

/**
 * Whether a conversation reference leads to a connector of ours (any instance's on this host): a
 * Direct Line conversation whose serviceUrl is one mountDirectLine gives the bot, plain HTTP on a
 * loopback address at CONNECTOR_PATH. Such a conversation needs no token to be written to, and
 * must be sent to without one (see AdapterMessenger).
 */
export function isLocalConnectorReference(reference: { readonly channelId: string; readonly serviceUrl: string }): boolean {
  if (reference.channelId !== CHANNEL_ID) return false;
  let url: URL;
  try {
    url = new URL(reference.serviceUrl);
  } catch {
    return false;
  }
  const loopback = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname) || url.hostname === '[::1]';
  return url.protocol === 'http:' && loopback && (url.pathname === CONNECTOR_PATH || url.pathname.startsWith(`${CONNECTOR_PATH}/`));
}

/** Loopback, or this host's own address when the bot reached us through it. */
function fromThisHost(req: Request): boolean {
  const remote = req.socket.remoteAddress ?? '';
  return /^(127\.|::ffff:127\.)/.test(remote) || remote === '::1' || remote === req.socket.localAddress;
}
