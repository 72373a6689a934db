import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { HAND_BACK_MODES } from '../handoff/handoffAudit';
import type { DeskEvents } from '../handoff/handoffEvents';
import { FORM_BODY_BYTES, jsonBody } from '../server/jsonBody';
import { noStore, routeParam, sendError } from '../server/routeHelpers';
import { pageHeaders } from '../server/securityHeaders';
import { builtPage, pageFiles, serveStatic } from '../server/staticFiles';
import type { AgentDirectory } from './agentAccounts';
import { agentFromRequest, AgentRequest, requireAgent } from './agentAuth';
import type { AgentSessions } from './agentSessions';
import type { AgentDesk, DeskOutcome } from './agentDesk';
import type { DeskScope } from './deskScope';
import { sameOrigin } from '../server/sameOrigin';

export interface DeskRouteDependencies {
  readonly desk: AgentDesk;
  readonly sessions: AgentSessions;
  readonly directory: AgentDirectory;
  readonly events: DeskEvents;
  /** Which events each agent's stream carries. */
  readonly scope: DeskScope;
  /** The only Origin from which the desk's actions are taken (see sameOrigin). */
  readonly ownOrigin: () => string;
}

/** Open live-event streams, so shutdown can end them (they never go idle on their own). */
export interface DeskStreams {
  closeAll(): void;
}

const STATUS: Record<Exclude<DeskOutcome<unknown>, { ok: true }>['error'], number> = {
  notFound: 404,
  alreadyTaken: 409,
  notYours: 403,
  customerLeft: 409,
};
const MessageBody = z.object({ text: z.string().trim().min(1).max(2000) });
const TransferBody = z.object({ to: z.string().min(1).max(40), note: z.string().trim().max(1000).default('') });
const EndBody = z.object({ mode: z.enum(HAND_BACK_MODES) });
const HEARTBEAT_MS = 25_000;

/** The desk page and its API under /agent; every API route but sign-in requires a session. */
export function registerDeskRoutes(server: Server, deps: DeskRouteDependencies): DeskStreams {
  const signedIn = requireAgent(deps.sessions, deps.directory);
  const fromOurPage = sameOrigin(deps.ownOrigin);
  const json = jsonBody(FORM_BODY_BYTES);
  const agentOf = (req: Request) => (req as AgentRequest).agentId;
  const id = (req: Request) => routeParam(req, 'id');

  serveStatic(server, pageFiles(builtPage('agentDesk'), 'desk', { page: '/agent', assets: '/agent' }), pageHeaders({ framing: 'nobody' }));

  server.get('/agent/api/agents', signedIn, async (_req, res) => {
    res.send(200, { agents: deps.directory.ids().map((agentId) => ({ id: agentId })) });
  });
  server.get('/agent/api/queue', signedIn, async (req, res) => {
    res.send(200, await deps.desk.queue(agentOf(req)));
  });
  server.get('/agent/api/conversations/:id', signedIn, async (req, res) => {
    answer(res, await deps.desk.view(id(req), agentOf(req)), (conversation) => ({ conversation }));
  });
  server.post('/agent/api/conversations/:id/take', fromOurPage, signedIn, json, async (req, res) => {
    answer(res, await deps.desk.take(id(req), agentOf(req)), (conversation) => ({ conversation }));
  });
  server.post('/agent/api/conversations/:id/messages', fromOurPage, signedIn, json, async (req, res) => {
    const body = MessageBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'badRequest');
    answer(res, await deps.desk.reply(id(req), agentOf(req), body.data.text), (entry) => ({ entry }));
  });
  server.post('/agent/api/conversations/:id/transfer', fromOurPage, signedIn, json, async (req, res) => {
    const body = TransferBody.safeParse(req.body);
    if (!body.success || !deps.directory.has(body.data.to)) return sendError(res, 400, 'badRequest');
    answer(res, await deps.desk.transfer(id(req), agentOf(req), body.data.to, body.data.note), () => ({}));
  });
  server.post('/agent/api/conversations/:id/end', fromOurPage, signedIn, json, async (req, res) => {
    const body = EndBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'badRequest');
    answer(res, await deps.desk.end(id(req), agentOf(req), body.data.mode), () => ({}));
  });

  const streams = new Set<Response>();
  // Server-sent events: what happens on any instance (Redis pub/sub behind `events`) reaches the
  // pages whose agent it concerns, while their session lasts.
  server.get('/agent/api/events', signedIn, (req, res, next) => {
    const agentId = agentOf(req);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const write = (text: string): void => {
      if (!res.writableEnded) res.write(text);
    };
    // Signed out, expired, or removed from AGENTS: the stream ends rather than carry one more line.
    const stillSignedIn = async (): Promise<boolean> => {
      if ((await agentFromRequest(req, deps.sessions, deps.directory)) === agentId) return true;
      res.end();
      return false;
    };
    // One step at a time, so events keep their order while each waits for its checks; a store that fails ends the stream.
    let steps = Promise.resolve();
    const inTurn = (step: () => Promise<void>) => {
      steps = steps.then(step).catch(() => void res.end());
    };
    const stop = deps.events.subscribe((event) =>
      inTurn(async () => {
        if (event.type === 'signedOut') {
          if (event.agentId === agentId) await stillSignedIn();
        } else if ((await deps.scope.concerns(event, agentId)) && (await stillSignedIn())) {
          write(`data: ${JSON.stringify(event)}\n\n`);
        }
      }),
    );
    const heartbeat = setInterval(
      () =>
        inTurn(async () => {
          if (await stillSignedIn()) write(': ping\n\n');
        }),
      HEARTBEAT_MS,
    );
    // The response's close, not the request's: a request emits 'close' once its (empty) body is read.
    res.on('close', () => {
      clearInterval(heartbeat);
      stop();
      streams.delete(res);
      next(false);
    });
  });
  return {
    closeAll: () => {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

function answer<T>(res: Response, outcome: DeskOutcome<T>, body: (value: T) => object): void {
  noStore(res);
  if (outcome.ok) res.send(200, body(outcome.value));
  else sendError(res, STATUS[outcome.error], outcome.error);
}
