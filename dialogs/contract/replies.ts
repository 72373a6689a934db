import type { VerifiedIdentity } from './domain';
import type { SecureStepKind, SecureStepSpec } from './secure';

/**
 * What a machine says: translation keys plus parameters, never sentences. The renderer turns
 * them into activities in the customer's language.
 */
export type ReplyParam = string | number | { readonly key: string };

export type ReplyParams = Readonly<Record<string, ReplyParam>>;

/**
 * A choice offered after a reply: a label key, or a label built from data (a certificate in a
 * list) that answers with its own short value ("1"), since the flow cannot read translated labels.
 */
export type ReplyChoice = string | { readonly key: string; readonly params: ReplyParams; readonly value: string };

export interface Reply {
  readonly key: string;
  readonly params?: ReplyParams;
  /** The choices offered after this reply (suggested actions, or numbered choices). */
  readonly choices?: readonly ReplyChoice[];
  /** A result (an issued or registered certificate): its "- label: value" lines become a card where the channel shows cards. */
  readonly card?: 'facts';
  /** A link the channel can show as a button: the label key and the parameter holding the URL. */
  readonly button?: { readonly key: string; readonly param: string };
}

/**
 * What the flow awaits, kept in its context by every question it asks: the choices offered. The
 * bot reads it before decoding the customer's next message, so that "2", a button's title or
 * "범용" becomes the choice.
 */
export interface Awaiting {
  readonly choices: readonly string[];
}

/** Events a machine emits for the bot; they are not persisted, which is right for replies. */
/** Why a conversation goes to a person; shown to the agent. */
export type HandoffReason = 'customerAsked' | 'misunderstood' | 'lockout' | 'error';

export type FlowEmitted =
  | ({ type: 'reply' } & Reply)
  | { type: 'languageChanged'; language: 'ko' | 'en' }
  // The bot queues the conversation for an agent; the flow stays where it is, to resume there.
  | { type: 'handoff'; reason: HandoffReason }
  // A step that needs a secret: the bot opens the secure page for it and sends the customer there.
  // `customer`: who the RA already knows (the verified identity), sealed, for the page.
  | { type: 'secureStep'; step: SecureStepSpec; customer?: VerifiedIdentity };

/** The choice that opens a secure step's page again (a fresh link). */
export const REOPEN_CHOICE = 'secureStep.reopen';

/** The chat's side of a secure step: a link to the page (the bot fills in `url`), with the choice to open it again. */
export function securePageQuestion(kind: SecureStepKind): Reply {
  return { key: `secureStep.open.${kind}`, choices: [REOPEN_CHOICE], button: { key: `secureStep.button.${kind}`, param: 'url' } };
}

export const YES_NO_CHOICES = ['yesNo.yes', 'yesNo.no'] as const;
export const LANGUAGE_CHOICES = ['language.choices.ko', 'language.choices.en'] as const;
