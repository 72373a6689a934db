import type { FunnelReport } from '../../journeyFunnel';
import { ApiError } from '../api';
import type { Period } from './period';

/**
 * Each journey's funnel over `period`, as the server counts it (its answer is typed by the module
 * that builds it, not parsed again). Throws an ApiError; status 0, `network`, when unreachable.
 */
export async function fetchFunnel({ from, to }: Period): Promise<FunnelReport> {
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  let response: Response;
  try {
    response = await fetch(`/agent/api/ops/funnel?${query.toString()}`, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as FunnelReport;
  const code = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : undefined;
  throw new ApiError(response.status, code);
}
