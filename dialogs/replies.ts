/**
 * What a machine says: translation keys plus parameters, never sentences. The renderer turns
 * them into activities in the customer's language.
 */
export type ReplyParam = string | number | { readonly key: string };

export interface Reply {
  readonly key: string;
  readonly params?: Readonly<Record<string, ReplyParam>>;
  /** Keys of the choice labels offered after this reply (suggested actions, or numbered choices). */
  readonly choices?: readonly string[];
}

/** Events a machine emits for the bot; they are not persisted, which is right for replies. */
export type FlowEmitted =
  | ({ type: 'reply' } & Reply)
  | { type: 'languageChanged'; language: 'ko' | 'en' };

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
