import { join } from 'node:path';
import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { JourneyEventLog } from '../metrics/journeyEvents';
import { noStore, refuse, sendError } from '../server/routeHelpers';
import { pageHeaders } from '../server/securityHeaders';
import { builtPage, pageFiles, serveStatic } from '../server/staticFiles';
import type { AgentDirectory } from './agentAccounts';
import { type AgentRequest, requireAgent } from './agentAuth';
import type { AgentSessions } from './agentSessions';
import type { DeskScope } from './deskScope';
import { type FunnelReport, journeyFunnels } from './journeyFunnel';

export interface OpsRouteDependencies {
  readonly sessions: AgentSessions;
  readonly directory: AgentDirectory;
  /** Who is a supervisor: only they see the funnel. */
  readonly scope: Pick<DeskScope, 'isSupervisor'>;
  readonly journeyEvents: Pick<JourneyEventLog, 'counts'>;
  /** Now, in ms: the default period ends here. */
  readonly clock?: () => number;
}

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_PERIOD_DAYS = 7;
/** A year, leap day included: longer periods would scan the table for a chart nobody can read. */
const MAX_PERIOD_DAYS = 366;

/** An instant with its offset (what the page sends: local midnights), or a date, taken as UTC midnight. */
const Instant = z.union([z.string().datetime({ offset: true }), z.string().date()]).transform((value) => new Date(value));
const PeriodQuery = z.object({ from: Instant.optional(), to: Instant.optional() });

/**
 * The supervisors' view: GET /agent/ops (the page) and GET /agent/api/ops/funnel?from=&to= (the
 * funnel of each journey over [from, to), by default the last 7 days). Signed-in agents who are
 * not supervisors are refused the numbers (403).
 */
export function registerOpsRoutes(server: Server, deps: OpsRouteDependencies): void {
  const clock = deps.clock ?? Date.now;
  const signedIn = requireAgent(deps.sessions, deps.directory);
  const supervisorsOnly = (req: Request, res: Response, next: Next): void => {
    if (deps.scope.isSupervisor((req as AgentRequest).agentId)) next();
    else refuse(res, next, 403, 'supervisorsOnly');
  };

  serveStatic(
    server,
    pageFiles(builtPage(join('agentDesk', 'ops')), 'ops', { page: '/agent/ops', assets: '/agent' }),
    pageHeaders({ framing: 'nobody' }),
  );

  server.get('/agent/api/ops/funnel', signedIn, supervisorsOnly, async (req, res) => {
    noStore(res);
    const query = PeriodQuery.safeParse(req.query ?? {});
    if (!query.success) return sendError(res, 400, 'badPeriod');
    const to = query.data.to ?? new Date(clock());
    const from = query.data.from ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) return sendError(res, 400, 'badPeriod');
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) return sendError(res, 400, 'periodTooLong');
    let report: FunnelReport;
    try {
      report = { from: from.toISOString(), to: to.toISOString(), journeys: journeyFunnels(await deps.journeyEvents.counts(from, to)) };
    } catch {
      return sendError(res, 503, 'recordsUnavailable');
    }
    res.send(200, report);
  });
}
