import type { z } from 'zod';

/**
 * JSON text that was stored or sent (a Redis value, a pub/sub message, a token's payload), read
 * through its schema: undefined when there is none, when it is not JSON, or not of that shape.
 * Never throws: what comes back from storage is input like any other.
 */
export function parseStored<S extends z.ZodTypeAny>(schema: S, raw: string | null | undefined): z.output<S> | undefined {
  if (raw === null || raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? (parsed.data as z.output<S>) : undefined;
}
