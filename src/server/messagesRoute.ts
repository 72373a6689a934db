import { ActivityTypes, StatusCodes, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Next, Request, RequestHandler, Response } from 'restify';
import { Config, isLoopback } from '../config/config';
import type { Logger } from '../logging/logger';
import type { BotAdapter } from './botAdapter';
import { parseIncomingActivity } from './incomingActivity';
import { refuse } from './routeHelpers';
import { isAllowedServiceUrl } from './serviceUrlPolicy';

export interface MessagesRouteDependencies {
  readonly config: Config;
  readonly adapter: BotAdapter;
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
}

/**
 * Without Bot Framework authentication nobody is checked, so only this machine may call, whatever
 * HOST says; placed before the body is read.
 */
export function unauthenticatedFromLoopbackOnly({ config, logger }: Pick<MessagesRouteDependencies, 'config' | 'logger'>): RequestHandler {
  return (req: Request, res: Response, next: Next): void => {
    if (config.botAuthenticated || isLoopback(req.socket.remoteAddress ?? '')) return next();
    logger.warn('unauthenticated /api/messages from a remote address refused');
    refuse(res, next, 403, 'forbidden');
  };
}

/** POST /api/messages: validate the activity, authenticate the caller, run the turn. */
export function messagesRoute({ config, adapter, logic, logger }: MessagesRouteDependencies) {
  return async (req: Request, res: Response): Promise<void> => {
    const parsed = parseIncomingActivity(req.body);
    if (!parsed.ok) {
      logger.info({ problem: parsed.problem }, 'malformed activity refused');
      res.send(400, { error: parsed.problem });
      return;
    }
    const { activity } = parsed;
    if (!config.botAuthenticated && !isAllowedServiceUrl(activity.serviceUrl, config.localServiceUrlHosts)) {
      logger.warn({ channel: activity.channelId }, 'unauthenticated: serviceUrl outside the allow-list refused');
      res.send(403, { error: 'serviceUrl not allowed without Bot Framework authentication' });
      return;
    }
    // Whatever fails before the bot runs is the caller's authentication failing (a bad token,
    // or keys we could not fetch to check it): refused, never handed to the bot.
    let reachedBot = false;
    try {
      const invokeResponse = await adapter.handle(req.header('authorization', ''), activity, (context) => {
        reachedBot = true;
        return logic(context);
      });
      if (activity.type === ActivityTypes.Invoke && invokeResponse?.status === StatusCodes.NOT_IMPLEMENTED) {
        // CloudAdapter's answer to an invoke nobody handled. The bot implements no invoke, so it is
        // the caller asking for something we do not offer: a 4xx, not a 5xx that would page us.
        res.send(400, { error: 'invoke not supported' });
      } else if (invokeResponse?.body === undefined) res.send(invokeResponse?.status ?? 200);
      else res.send(invokeResponse.status, invokeResponse.body);
    } catch (err) {
      if (err instanceof AuthenticationError || !reachedBot) {
        logger.warn(
          { channel: activity.channelId, reason: err instanceof Error ? err.message : String(err) },
          'unauthenticated request refused',
        );
        res.send(401, { error: 'unauthorized' });
        return;
      }
      logger.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'request failed');
      res.send(500, { error: 'internal error' });
    }
  };
}
