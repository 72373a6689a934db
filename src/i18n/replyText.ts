import type { TFunction } from 'i18next';
import type { Reply, ReplyParam } from '../../dialogs/contract/replies';

/** A reply's text alone, in one language: what a channel shows and what a transcript keeps for people. */
export function translateReply(reply: Pick<Reply, 'key' | 'params'>, t: TFunction): string {
  return t(reply.key, resolveParams(reply.params, t));
}

/** Parameters that are themselves keys (a CA's name, a certificate kind) are translated first. */
export function resolveParams(params: Reply['params'], t: TFunction): Record<string, string | number> {
  const resolved: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params ?? {})) resolved[name] = resolveParam(value, t);
  return resolved;
}

function resolveParam(value: ReplyParam, t: TFunction): string | number {
  return typeof value === 'object' ? t(value.key) : value;
}
