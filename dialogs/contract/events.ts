/**
 * What the recognizer makes of a customer's activity: the only input the flow machines know.
 * The bot stamps each with the time of the turn (`at`, ms since epoch), because timeouts are
 * timestamps checked on the next turn, not timers.
 */
import type { Language, VerifiedIdentity } from './domain';
import type { SecureInput } from './secure';

export type { Language } from './domain';

export type RecognizedInput =
  | { type: 'START' } // first contact: the customer (not the bot) joined the conversation
  | { type: 'ISSUE' } // 인증서 발급
  | { type: 'REGISTER'; manage?: true } // 타기관·타행 인증서 등록, or (manage) seeing and releasing the registered ones
  | { type: 'REISSUE'; text: string; renewal?: true } // 재발급 (incl. forgotten password, lost certificate), or 갱신 (renewal)
  | { type: 'WHAT_IS' } // 공동인증서란?
  | { type: 'AGENT' } // 상담원 연결
  | { type: 'HELP' } // 도움말
  | { type: 'CANCEL' } // 취소
  | { type: 'RESTART' } // 처음으로 / 메뉴
  | { type: 'LANGUAGE'; language?: Language } // 언어 변경, with the target when the customer named one
  | { type: 'YES' }
  | { type: 'NO' }
  | { type: 'CHOICE'; choice: string } // one of the choices the question offered (by number, button title or its words): its label key, or a listed item's value
  | { type: 'JOURNEY'; journey: string } // a journey named by its own words (dialogs/journeys), beyond the intents above
  | { type: 'TEXT'; text: string } // anything else; a journey step may still make sense of it
  | { type: 'ATTACHMENTS'; attachments: readonly { readonly name?: string; readonly contentUrl?: string }[] };

/**
 * Personal data the bot recognized and made safe before the flow sees it: the flow gets the
 * customer id (a keyed hash), masked forms and sealed values, never the digits.
 */
export type ProtectedInput =
  | { type: 'RRN'; masked: string }
  | { type: 'RRN_INVALID'; problem: 'format' | 'birthDate' | 'genderDigit' }
  | { type: 'PHONE'; masked: string }
  | { type: 'PASSWORD_LIKE' }; // one token mixing letters, digits and symbols, as a certificate password does: never read as a command

/**
 * Sent by the bot: IDLE_EXPIRED before a customer's event when the conversation sat idle past the
 * limit; RESUME when an agent hands the conversation back to the flow.
 */
export type SystemInput =
  | { type: 'IDLE_EXPIRED' }
  | { type: 'RESUME' }
  // The customer the bank's app passed with the chat's token (sent before their first input).
  | { type: 'APP_CUSTOMER'; identity: VerifiedIdentity };

export type FlowEvent = (RecognizedInput | ProtectedInput | SystemInput | SecureInput) & { at: number };
