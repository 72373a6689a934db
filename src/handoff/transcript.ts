import type { TFunction } from 'i18next';
import type { ProtectedInput, RecognizedInput, SystemInput } from '../../dialogs/contract/events';
import { translateReply } from '../i18n/replyText';
import { redactFreeText } from '../identity/freeTextRedaction';
import type { Reply } from '../../dialogs/contract/replies';
import type { TranscriptEntry } from '../state/transcriptEntry';

/** A secure step's link is a one-use secret: the transcript keeps only that there was one. */
const LINK_PARAMS = new Set(['url']);

export function botEntry(replies: readonly Reply[], at: number): TranscriptEntry | undefined {
  const kept = replies.map((reply) => ({
    ...reply,
    params:
      reply.params &&
      Object.fromEntries(Object.entries(reply.params).map(([name, value]) => [name, LINK_PARAMS.has(name) ? '[link]' : value])),
  }));
  return kept.length === 0 ? undefined : { from: 'bot', replies: kept, at };
}

/**
 * What the customer said, as an agent may see it: personal data the guard recognized shows
 * masked, and free text is redacted.
 */
export function customerEntry(
  input: RecognizedInput | ProtectedInput | SystemInput,
  typed: string | undefined,
  at: number,
): TranscriptEntry {
  return { from: 'customer', text: customerText(input, typed), at };
}

function customerText(input: RecognizedInput | ProtectedInput | SystemInput, typed: string | undefined): string {
  switch (input.type) {
    case 'RRN':
      return input.masked;
    case 'RRN_INVALID':
      return '[주민등록번호 형식 오류 · invalid RRN]';
    case 'PHONE':
      return input.masked;
    case 'ATTACHMENTS':
      return '[파일 · files]';
    case 'START':
      return '[대화 시작 · joined]';
    case 'TEXT':
      return redactFreeText(input.text);
    default:
      // A recognized request: what the customer typed says more to an agent than its intent.
      return typed === undefined ? `[${input.type}]` : redactFreeText(typed);
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
