import { Activity, MessageFactory } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Reply, ReplyParam } from '../../dialogs/replies';

/** Turns a flow's reply keys into message activities in one language. */
export function renderReplies(replies: readonly Reply[], t: TFunction): Partial<Activity>[] {
  return replies.map((reply) => {
    const text = t(reply.key, resolveParams(reply.params, t));
    if (reply.choices === undefined || reply.choices.length === 0) return MessageFactory.text(text);
    return MessageFactory.suggestedActions(
      reply.choices.map((key) => t(key)),
      text,
    );
  });
}

function resolveParams(params: Reply['params'], t: TFunction): Record<string, string | number> {
  const resolved: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params ?? {})) resolved[name] = resolveParam(value, t);
  return resolved;
}

function resolveParam(value: ReplyParam, t: TFunction): string | number {
  return typeof value === 'object' ? t(value.key) : value;
}
