import { createHash, timingSafeEqual } from 'node:crypto';
import type { DirectLineErrorCode } from './directLineErrors';
import type { DirectLineTokens, TokenClaims } from './directLineTokens';

/** Who is calling: the bank's backend (the secret), or a page holding a token for one user in one conversation. */
export type Principal = { readonly kind: 'secret' } | { readonly kind: 'token'; readonly token: string; readonly claims: TokenClaims };

export type Identified = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly code: DirectLineErrorCode };

/**
 * `Authorization: Bearer <secret or token>`, as Direct Line takes it. Missing or malformed: 401;
 * a secret or token we did not issue: 403; a token of ours past its expiry: 403 TokenExpired,
 * which directlinejs knows to answer with a refresh or a new token.
 */
export class ClientAuth {
  private readonly secretDigest: Buffer | undefined;

  constructor(
    secret: string | undefined,
    private readonly tokens: DirectLineTokens,
  ) {
    this.secretDigest = secret === undefined ? undefined : digest(secret);
  }

  identify(header: string | undefined): Identified {
    const bearer = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header ?? '')?.[1];
    if (bearer === undefined) return { ok: false, code: 'Unauthorized' };
    // Compared as digests so the comparison takes the same time whatever the length given.
    if (this.secretDigest !== undefined && timingSafeEqual(digest(bearer), this.secretDigest))
      return { ok: true, principal: { kind: 'secret' } };
    const checked = this.tokens.verify(bearer);
    if (!checked.ok) return { ok: false, code: checked.reason === 'expired' ? 'TokenExpired' : 'Forbidden' };
    return { ok: true, principal: { kind: 'token', token: bearer, claims: checked.claims } };
  }
}

/** The secret may act on any conversation; a token only on its own. */
export function mayUse(principal: Principal, conversationId: string): boolean {
  return principal.kind === 'secret' || principal.claims.conversationId === conversationId;
}

/** The secret may post as any user (it is the bank's backend); a token only as the user it binds. */
export function mayPostAs(principal: Principal, userId: string): boolean {
  return principal.kind === 'secret' || principal.claims.userId === userId;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
