import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry of this app's own (not prom-client's global one, so apps started side by side in
 * one process each count their own), holding the process's metrics: CPU, memory, event loop
 * lag, open handles. The app's counters are added to it.
 */
export function createProcessMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
