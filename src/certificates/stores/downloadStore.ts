import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { SecretBox } from '../../state/secretBox';

/** One file offered for download. */
export interface DownloadFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** The formats one link can serve; the customer picks one, and the link is then spent. */
export type DownloadFormats = Readonly<Record<string, DownloadFile>>;

export type DownloadOutcome =
  { readonly status: 'ok'; readonly formats: DownloadFormats } | { readonly status: 'gone' } | { readonly status: 'unknown' };

/**
 * Single-use download links for issued certificates. The files are held only encrypted and only
 * until the link expires; a link that was used or expired answers 'gone' for a day afterwards.
 */
export interface DownloadStore {
  offer(formats: DownloadFormats, ttlMs: number): Promise<{ token: string; expiresAt: Date }>;
  take(token: string): Promise<DownloadOutcome>;
  /** Drops an offer that will not be delivered (a cancelled or failed flow). */
  withdraw(token: string): Promise<void>;
}

const SEAL_PURPOSE = 'download';
const SPENT_MEMORY_MS = 24 * 3600 * 1000;

const Stored = z.record(z.object({ fileName: z.string(), contentType: z.string(), bytes: z.string() }));

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored hashed, so a Redis dump does not hold working links. */
function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function seal(box: SecretBox, formats: DownloadFormats): string {
  const plain = Object.fromEntries(Object.entries(formats).map(([name, f]) => [name, { ...f, bytes: f.bytes.toString('base64') }]));
  return box.seal(SEAL_PURPOSE, Buffer.from(JSON.stringify(plain)));
}

function open(box: SecretBox, sealed: string): DownloadFormats | undefined {
  const plain = box.open(SEAL_PURPOSE, sealed);
  if (plain === undefined) return undefined;
  const parsed = Stored.safeParse(JSON.parse(plain.toString('utf8')));
  if (!parsed.success) return undefined;
  return Object.fromEntries(Object.entries(parsed.data).map(([name, f]) => [name, { ...f, bytes: Buffer.from(f.bytes, 'base64') }]));
}

export class RedisDownloadStore implements DownloadStore {
  constructor(
    private readonly redis: Redis,
    private readonly box: SecretBox,
    private readonly prefix: string,
  ) {}

  async offer(formats: DownloadFormats, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    const token = newToken();
    const id = tokenId(token);
    await this.redis
      .multi()
      .set(`${this.prefix}download/${id}`, seal(this.box, formats), 'PX', ttlMs)
      .set(`${this.prefix}download-issued/${id}`, '1', 'PX', ttlMs + SPENT_MEMORY_MS)
      .exec();
    return { token, expiresAt: new Date(Date.now() + ttlMs) };
  }

  async take(token: string): Promise<DownloadOutcome> {
    const id = tokenId(token);
    // GETDEL: two clicks racing on two instances cannot both get the files.
    const sealed = await this.redis.getdel(`${this.prefix}download/${id}`);
    const formats = sealed === null ? undefined : open(this.box, sealed);
    if (formats !== undefined) return { status: 'ok', formats };
    return (await this.redis.exists(`${this.prefix}download-issued/${id}`)) ? { status: 'gone' } : { status: 'unknown' };
  }

  async withdraw(token: string): Promise<void> {
    await this.redis.del(`${this.prefix}download/${tokenId(token)}`);
  }
}

export class MemoryDownloadStore implements DownloadStore {
  private readonly offers = new Map<string, { sealed?: string; expiresAt: number; forgetAt: number }>();

  constructor(
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async offer(formats: DownloadFormats, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    this.prune();
    const token = newToken();
    const expiresAt = this.now() + ttlMs;
    this.offers.set(tokenId(token), { sealed: seal(this.box, formats), expiresAt, forgetAt: expiresAt + SPENT_MEMORY_MS });
    return { token, expiresAt: new Date(expiresAt) };
  }

  async take(token: string): Promise<DownloadOutcome> {
    this.prune();
    const entry = this.offers.get(tokenId(token));
    if (entry === undefined) return { status: 'unknown' };
    const sealed = entry.expiresAt > this.now() ? entry.sealed : undefined;
    entry.sealed = undefined;
    const formats = sealed === undefined ? undefined : open(this.box, sealed);
    return formats === undefined ? { status: 'gone' } : { status: 'ok', formats };
  }

  async withdraw(token: string): Promise<void> {
    const entry = this.offers.get(tokenId(token));
    if (entry !== undefined) entry.sealed = undefined;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.offers) if (entry.forgetAt <= now) this.offers.delete(id);
  }
}
