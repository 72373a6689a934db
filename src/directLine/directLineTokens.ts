import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseStored } from '../state/storedJson';

/** What a token grants: one user in one conversation, until it expires. */
export interface TokenClaims {
  readonly conversationId: string;
  readonly userId: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface IssuedToken {
  readonly token: string;
  /** Seconds, as Direct Line's `expires_in`. */
  readonly expiresIn: number;
}

export type TokenCheck =
  { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

// JWT-shaped (HS256) because botframework-directlinejs and Web Chat decode a token's `user`
// claim to learn that the user id is bound to it (Direct Line's enhanced authentication).
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const Payload = z.object({
  conv: z.string().min(1),
  user: z.string().min(1),
  exp: z.number().int(),
  iat: z.number().int(),
  jti: z.string(),
});

/**
 * Signs and checks Direct Line tokens with a key every instance shares (derived from
 * SECRETS_KEY by the app), so a client reconnecting to another instance is still recognised.
 * The clock is injectable so expiry can be tested without waiting.
 */
export class DirectLineTokens {
  constructor(
    private readonly key: Buffer,
    private readonly lifetimeSeconds: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (key.length < 32) throw new RangeError('the token key must be at least 32 bytes');
  }

  /** A token for the user in the conversation; it lives its lifetime, but never past `notAfter` (epoch ms: the app's session). */
  issue(conversationId: string, userId: string, notAfter?: number): IssuedToken {
    const iat = Math.floor(this.clock() / 1000);
    const exp = Math.min(iat + this.lifetimeSeconds, notAfter === undefined ? Infinity : Math.floor(notAfter / 1000));
    // jti: two tokens made in the same second still differ (a refresh always gives a new one).
    const payload = Buffer.from(
      JSON.stringify({
        conv: conversationId,
        user: userId,
        iat,
        exp,
        jti: randomBytes(9).toString('base64url'),
      }),
    ).toString('base64url');
    return { token: `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`, expiresIn: exp - iat };
  }

  verify(token: string): TokenCheck {
    const [header, payload, signature, extra] = token.split('.');
    if (header !== HEADER || payload === undefined || signature === undefined || extra !== undefined)
      return { ok: false, reason: 'invalid' };
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
    const claims = parseStored(Payload, Buffer.from(payload, 'base64url').toString('utf8'));
    if (claims === undefined) return { ok: false, reason: 'invalid' };
    const expiresAt = claims.exp * 1000;
    // Only a genuine token is told it expired, so a forged one learns nothing about the key.
    if (expiresAt <= this.clock()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { conversationId: claims.conv, userId: claims.user, expiresAt } };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
