import type { Server } from 'restify';

/** A year; includeSubDomains is left to the bank, whose other hosts it would bind too. */
const HSTS = 'max-age=31536000';

/**
 * Headers on every response, API answers, errors, 404s and files included (a pre handler runs
 * before routing). Anything that is not a page loads nothing and may be framed by nobody; pages
 * replace that policy with their own (pageHeaders). No response names its referrer: links carry
 * one-time tokens. HSTS only where the public address is https (a browser ignores it over http).
 */
export function useSecurityHeaders(server: Server, publicBaseUrl: string): void {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...(publicBaseUrl.startsWith('https:') ? { 'strict-transport-security': HSTS } : {}),
  };
  server.pre((_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  });
}

export interface PagePolicy {
  /** Who may frame the page: nobody, or this origin and the origins listed (the bank's app). */
  readonly framing: 'nobody' | { readonly sameOriginAnd: readonly string[] };
  /** Sources a page needs beyond its own origin, by directive (e.g. images from `data:`). */
  readonly also?: Readonly<Record<string, string>>;
}

/**
 * A page's Content-Security-Policy: everything from its own origin only, no inline script, no
 * plugins, no <base>, no form posting anywhere, and framing as the policy says. X-Frame-Options
 * for browsers without frame-ancestors, when it can say the same (it cannot list origins).
 */
export function pageHeaders({ framing, also = {} }: PagePolicy): Record<string, string> {
  const ancestors = framing === 'nobody' ? "'none'" : ["'self'", ...framing.sameOriginAnd].join(' ');
  const directives: Record<string, string> = {
    'default-src': "'self'",
    ...Object.fromEntries(Object.entries(also).map(([directive, sources]) => [directive, `'self' ${sources}`])),
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': ancestors,
  };
  const frameOptions = framing === 'nobody' ? 'DENY' : framing.sameOriginAnd.length === 0 ? 'SAMEORIGIN' : undefined;
  return {
    'content-security-policy': Object.entries(directives)
      .map(([directive, sources]) => `${directive} ${sources}`)
      .join('; '),
    ...(frameOptions === undefined ? {} : { 'x-frame-options': frameOptions }),
  };
}
