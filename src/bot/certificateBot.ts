import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { FlowEvent, Language, ProtectedInput, RecognizedInput } from '../../dialogs/events';
import type { Reply } from '../../dialogs/replies';
import { DEFAULT_LANGUAGE, Translator } from '../i18n/translator';
import type { Logger } from '../logging/logger';
import type { ActivityDeduplicator } from '../state/activityDeduplicator';
import { ConversationStore, StateAddress, StateConflictError, stateAddress } from '../state/conversationStore';
import { activityToInput, cardSecretOf } from './activityToInput';
import type { AttachmentDownloader } from './attachmentDownloader';
import { PersonalDataGuard } from './personalDataGuard';
import type { FlowRunner } from './flowRunner';
import { renderReplies } from './replyRenderer';

export interface CertificateBotDependencies {
  readonly store: ConversationStore;
  readonly deduplicator: ActivityDeduplicator;
  readonly flow: FlowRunner;
  readonly translator: Translator;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly guard: PersonalDataGuard;
  /** A journey idle longer than this is ended on the next turn. */
  readonly flowIdleMs: number;
  readonly attachments: AttachmentDownloader;
}

interface TurnOutcome {
  readonly replies: readonly Reply[];
  readonly language: Language;
  /** The message carried a secret (주민등록번호, phone, password) and should leave the channel's history. */
  readonly sensitive?: boolean;
}

/** One turn: load state, recognize, step the flow, save, then render and send the replies. */
export class CertificateBot {
  constructor(private readonly deps: CertificateBotDependencies) {}

  async run(context: TurnContext): Promise<void> {
    const activity = await this.deps.attachments.inline(context.activity);
    const recognized = activityToInput(activity);
    if (recognized === undefined) return;
    // A password card posts the password in `value`, not `text`; it is a secret wherever it arrives.
    const cardSecret = cardSecretOf(activity);
    const input = this.deps.guard.protect(recognized);
    const log = this.deps.logger.child({ channel: activity.channelId, conversation: activity.conversation.id });
    let outcome: TurnOutcome;
    try {
      if (activity.id !== undefined && !(await this.deps.deduplicator.claim(`${activity.channelId}/${activity.conversation.id}/${activity.id}`))) {
        // A channel retried an activity we already answered: acknowledge it and do nothing twice.
        log.info({ activityId: activity.id }, 'duplicate activity skipped');
        return;
      }
      const address = stateAddress(activity.channelId, activity.conversation.id, activity.from.id);
      const at = this.deps.clock();
      outcome = await this.step(address, (awaitingSecret) => ({ ...(awaitingSecret ? asSecret(cardSecret ?? activity.text, input) : input), at }), log);
    } catch (err) {
      const reference = randomUUID().slice(0, 8);
      log.error({ reference, err: describe(err) }, 'turn failed');
      outcome = { replies: [{ key: 'system.error', params: { reference }, choices: ['menu.choices.agent'] }], language: DEFAULT_LANGUAGE };
    }
    if (outcome.replies.length > 0) await context.sendActivities(renderReplies(outcome.replies, this.deps.translator.forLanguage(outcome.language), activity.channelId));
    if ((outcome.sensitive || cardSecret !== undefined || PersonalDataGuard.isSensitive(input)) && activity.id !== undefined) {
      // Best effort and not awaited: many channels cannot delete a customer's message, and the
      // connector's retries must neither fail nor slow the turn.
      context.deleteActivity(activity.id).catch(() => log.debug('channel could not delete a sensitive message'));
    }
  }

  /** Steps the flow and saves it; a turn that lost a race is replayed once on fresh state. */
  private async step(address: StateAddress, event: (awaitingSecret: boolean) => FlowEvent, log: Logger): Promise<TurnOutcome> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.deps.store.load(address);
      const now = this.deps.clock();
      const lastTurnAt = loaded.conversation?.lastTurnAt;
      const idleSince = lastTurnAt !== undefined && now - lastTurnAt > this.deps.flowIdleMs ? lastTurnAt : undefined;
      const step = await this.deps.flow.step(loaded.conversation?.flow, event, { idleSince });
      const language = step.language ?? loaded.user?.language ?? DEFAULT_LANGUAGE;
      try {
        await this.deps.store.save(address, loaded, { conversation: { flow: step.persisted, lastTurnAt: now }, language: step.language });
        return { replies: step.replies, language, sensitive: step.receivedSecret };
      } catch (err) {
        if (!(err instanceof StateConflictError)) throw err;
        log.warn({ attempt }, 'concurrent turn detected');
        if (attempt >= 2) return { replies: [{ key: 'system.sayAgain' }], language };
      }
    }
  }
}

/**
 * While a password is awaited, a message with a digit is the password as typed, even if it
 * looks like a command ("Help#2026x"); a valid password has digits, so a bare "취소" still cancels.
 */
function asSecret(text: string | undefined, recognized: RecognizedInput | ProtectedInput): RecognizedInput | ProtectedInput {
  return text !== undefined && /\d/.test(text) ? { type: 'TEXT', text } : recognized;
}

/** Errors are logged by name and message only; ours never carry customer input. */
function describe(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'NonError', message: String(err) };
}
