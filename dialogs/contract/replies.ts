import type { IssuanceJournalEntry } from './services';

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
  /** What the reply asks for: how a channel collects it (a masked field, an upload) and how the answer is read. */
  readonly asks?: Asks;
  /** A result (an issued or registered certificate): its "- label: value" lines become a card where the channel shows cards. */
  readonly card?: 'facts';
  /** A link the channel can show as a button: the label key and the parameter holding the URL. */
  readonly button?: { readonly key: string; readonly param: string };
}

export type Asks = 'password' | 'files' | 'carrier';

/**
 * What the flow awaits, kept in its context by every question it asks: the choices offered and
 * what kind of answer. The bot reads it before decoding the customer's next message, so that "2",
 * a button's title or "범용" becomes the choice, and a password is never read as a command.
 */
export interface Awaiting {
  readonly choices: readonly string[];
  readonly asks?: Asks;
}

/** Events a machine emits for the bot; they are not persisted, which is right for replies. */
/** Why a conversation goes to a person; shown to the agent. */
export type HandoffReason = 'customerAsked' | 'misunderstood' | 'lockout' | 'error';

export type FlowEmitted =
  | ({ type: 'reply' } & Reply)
  | { type: 'languageChanged'; language: 'ko' | 'en' }
  // The bot queues the conversation for an agent; the flow stays where it is, to resume there.
  | { type: 'handoff'; reason: HandoffReason }
  // An issuing step's journal: its link is delivered once the turn is saved (revoked if not), and what it told is acknowledged.
  | ({ type: 'issuance' } & IssuanceJournalEntry);

export const YES_NO_CHOICES = ['yesNo.yes', 'yesNo.no'] as const;
export const LANGUAGE_CHOICES = ['language.choices.ko', 'language.choices.en'] as const;
export const CARRIER_CHOICES = [
  'identity.carriers.SKT',
  'identity.carriers.KT',
  'identity.carriers.LGU',
  'identity.carriers.MVNO',
] as const;
