/**
 * What the recognizer makes of a customer's activity: the only input the flow machines know.
 * The bot stamps each with the time of the turn (`at`, ms since epoch), because timeouts are
 * timestamps checked on the next turn, not timers.
 */
import type { Language, MobileCarrier } from './domain';

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
  | { type: 'RESEND' } // 인증번호 재전송
  | { type: 'YES' }
  | { type: 'NO' }
  | { type: 'CHOICE'; choice: string } // one of the choices the question offered (by number, button title or its words): its label key, or a listed item's value
  | { type: 'CARRIER'; carrier: MobileCarrier } // a mobile carrier, where the question asked for one
  | { type: 'JOURNEY'; journey: string } // a journey named by its own words (dialogs/journeys), beyond the intents above
  | { type: 'TEXT'; text: string } // anything else; a journey step may still make sense of it
  | { type: 'SECRET_TYPED' } // a password typed into the open message box where the channel offers a masked field
  | { type: 'ATTACHMENTS'; attachments: readonly { readonly name?: string; readonly contentUrl?: string }[] };

/**
 * Personal data the bot recognized and made safe before the flow sees it: the flow gets the
 * customer id (a keyed hash), masked forms and sealed values, never the digits.
 */
export type ProtectedInput =
  | { type: 'RRN'; customerId: string; masked: string; birthDate: readonly string[]; sealed: string }
  | { type: 'RRN_INVALID'; problem: 'format' | 'birthDate' | 'genderDigit' }
  | { type: 'PHONE'; masked: string; sealed: string }
  | { type: 'FILES'; files: SealedFiles; refused: readonly ('tooLarge' | 'unknownKind' | 'unreadable')[] };

/** Certificate files a customer sent, sealed: they are held only encrypted, and only until the journey ends. */
export interface SealedFiles {
  readonly signCert?: string;
  readonly signPri?: string;
  readonly pfx?: string;
  readonly zip?: string;
}

/**
 * Sent by the bot: IDLE_EXPIRED before a customer's event when the conversation sat idle past the
 * limit; RESUME when an agent hands the conversation back to the flow.
 */
export type SystemInput = { type: 'IDLE_EXPIRED' } | { type: 'RESUME' };

export type FlowEvent = (RecognizedInput | ProtectedInput | SystemInput) & { at: number };
