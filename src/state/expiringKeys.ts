/** Where a Redis-backed store keeps its keys, and how long they live. */
export interface ExpiringKeys {
  readonly prefix: string;
  readonly ttlSeconds: number;
}

/** Redis EX takes whole seconds; a zero or fractional TTL is a configuration mistake to catch at start. */
export function expiringKeys(options: ExpiringKeys): ExpiringKeys {
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new RangeError('ttlSeconds must be a positive integer');
  }
  return { prefix: options.prefix, ttlSeconds: options.ttlSeconds };
}
