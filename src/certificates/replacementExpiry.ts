import type { Replacement } from '../../dialogs/contract/domain';

/** A reissue keeps the old expiry; a renewal runs a year past it (end of that day, like the old one). */
export function replacementExpiry(replaces: Pick<Replacement, 'mode' | 'notAfter'>): Date {
  const old = new Date(`${replaces.notAfter}T23:59:59Z`);
  if (replaces.mode === 'reissue') return old;
  const renewed = new Date(old);
  renewed.setUTCFullYear(old.getUTCFullYear() + 1);
  return renewed;
}
