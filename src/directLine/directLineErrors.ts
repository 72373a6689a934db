import type { Request, Response } from 'restify';
import type { Logger } from '../logging/logger';
import { BotFailure, ConversationGone } from './directLineService';

/**
 * The codes this endpoint answers with, in Direct Line 3.0's ErrorResponse shape
 * (`{ error: { code, message } }`). Clients act on the status (directlinejs treats 403 as an
 * expired token, 404 as an ended conversation); the code tells an operator which rule refused.
 * Never customer-facing: the page shows its own words.
 */
const ERRORS = {
  BadArgument: 400,
  Unauthorized: 401,
  Forbidden: 403,
  TokenExpired: 403,
  NotFound: 404,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  BotError: 502,
  ServiceError: 503,
} as const;

export type DirectLineErrorCode = keyof typeof ERRORS;

export function sendError(res: Response, code: DirectLineErrorCode, detail?: string): void {
  res.send(ERRORS[code], { error: { code, message: detail ?? code } });
}

/**
 * Runs a route handler and answers what it throws: the bot failing its turn is Direct Line's
 * 502, a conversation that expired mid-request is gone (404), anything else is our storage
 * being unreachable (503), logged by name only.
 */
export function guarded(
  logger: Logger,
  handler: (req: Request, res: Response) => Promise<void>,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof BotFailure) return sendError(res, 'BotError');
      if (err instanceof ConversationGone) return sendError(res, 'NotFound');
      logger.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'direct line request failed');
      sendError(res, 'ServiceError');
    }
  };
}
