import type { TFunction } from 'i18next';
import type { ProtectedInput, RecognizedInput, SystemInput } from '../../dialogs/contract/events';
import { translateReply } from '../i18n/replyText';
import { redactFreeText } from '../identity/freeTextRedaction';
import type { Reply } from '../../dialogs/contract/replies';
import type { TranscriptEntry } from '../state/transcriptEntry';

/** Replies that must never be kept: the sandbox's one-time code. Links are single-use secrets too. */
const DROPPED_REPLIES = new Set(['identity.sandboxCode']);
const LINK_PARAMS = new Set(['url']);

export function botEntry(replies: readonly Reply[], at: number): TranscriptEntry | undefined {
  const kept = replies
    .filter((reply) => !DROPPED_REPLIES.has(reply.key))
    .map((reply) => ({
      ...reply,
      params:
        reply.params &&
        Object.fromEntries(Object.entries(reply.params).map(([name, value]) => [name, LINK_PARAMS.has(name) ? '[link]' : value])),
    }));
  return kept.length === 0 ? undefined : { from: 'bot', replies: kept, at };
}

/**
 * What the customer said, as an agent may see it: personal data the guard recognized shows
 * masked, a secret step's answer shows only that something was typed, and free text is redacted.
 */
export function customerEntry(
  input: RecognizedInput | ProtectedInput | SystemInput,
  options: { secretStep: boolean; typed?: string },
  at: number,
): TranscriptEntry {
  return { from: 'customer', text: customerText(input, options), at };
}

function customerText(input: RecognizedInput | ProtectedInput | SystemInput, options: { secretStep: boolean; typed?: string }): string {
  if (options.secretStep) return '[비밀번호 입력됨 · password entered]';
  switch (input.type) {
    case 'RRN':
      return input.masked;
    case 'RRN_INVALID':
      return '[주민등록번호 형식 오류 · invalid RRN]';
    case 'PHONE':
      return input.masked;
    case 'FILES':
    case 'ATTACHMENTS':
      return '[파일 · files]';
    case 'START':
      return '[대화 시작 · joined]';
    case 'TEXT':
      return redactFreeText(input.text);
    default:
      // A recognized request: what the customer typed says more to an agent than its intent.
      return options.typed === undefined ? `[${input.type}]` : redactFreeText(options.typed);
  }
}

/** A transcript as people read it, in one language: what the agent sees, and what a hub receives. */
export function renderTranscript(entries: readonly TranscriptEntry[], t: TFunction): RenderedLine[] {
  return entries.flatMap((entry): RenderedLine[] => {
    switch (entry.from) {
      case 'customer':
        return [{ from: 'customer', text: entry.text, at: entry.at }];
      case 'agent':
        return [{ from: 'agent', text: entry.text, at: entry.at, agentId: entry.agentId }];
      case 'system':
        return [
          {
            from: 'system',
            text: t(entry.key, { agent: entry.agentId ?? '', reference: entry.reference ?? '' }),
            at: entry.at,
            agentId: entry.agentId,
          },
        ];
      case 'bot':
        return entry.replies.map((reply) => ({ from: 'bot' as const, text: translateReply(reply, t), at: entry.at }));
    }
  });
}

export interface RenderedLine {
  readonly from: TranscriptEntry['from'];
  readonly text: string;
  readonly at: number;
  readonly agentId?: string;
}
