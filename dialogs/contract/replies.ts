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
  /** What the reply asks for, when a channel can collect it better than as a plain message. */
  readonly asks?: 'password' | 'files';
  /** A result (an issued or registered certificate): its "- label: value" lines become a card where the channel shows cards. */
  readonly card?: 'facts';
  /** A link the channel can show as a button: the label key and the parameter holding the URL. */
  readonly button?: { readonly key: string; readonly param: string };
}

/** Events a machine emits for the bot; they are not persisted, which is right for replies. */
/** Why a conversation goes to a person; shown to the agent. */
export type HandoffReason = 'customerAsked' | 'misunderstood' | 'lockout' | 'error';

export type FlowEmitted =
  | ({ type: 'reply' } & Reply)
  | { type: 'languageChanged'; language: 'ko' | 'en' }
  // The bot queues the conversation for an agent; the flow stays where it is, to resume there.
  | { type: 'handoff'; reason: HandoffReason };

export const MENU_CHOICES = [
  'menu.choices.issue',
  'menu.choices.register',
  'menu.choices.reissue',
  'menu.choices.whatIs',
  'menu.choices.agent',
] as const;

export const YES_NO_CHOICES = ['yesNo.yes', 'yesNo.no'] as const;
export const LANGUAGE_CHOICES = ['language.choices.ko', 'language.choices.en'] as const;
export const CARRIER_CHOICES = ['identity.carriers.SKT', 'identity.carriers.KT', 'identity.carriers.LGU', 'identity.carriers.MVNO'] as const;
