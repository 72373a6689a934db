import type { Activity, ConversationReference } from 'botbuilder';
import type { MobileCarrier, VerifiedIdentity } from '../../dialogs/contract/domain';
import type { SecureInput, SecureStepSpec } from '../../dialogs/contract/secure';
import type { CertificateBot, SecurePages } from '../../src/bot/certificateBot';
import { renderReplies } from '../../src/bot/render/replyRenderer';
import type { Translator } from '../../src/i18n/translator';
import { MobileNumber } from '../../src/identity/phoneNumber';
import { ResidentRegistrationNumber } from '../../src/identity/residentRegistrationNumber';
import { sealIdentity } from '../../src/identity/sealedIdentity';
import type { SecretBox } from '../../src/state/secretBox';
import type { StateAddress } from '../../src/state/conversationStore';

/** A secure step the bot opened: what the page would be for, and where its outcome goes. */
export interface OpenedStep {
  readonly address: StateAddress;
  readonly reference: Partial<ConversationReference>;
  readonly step: SecureStepSpec;
  readonly customer?: VerifiedIdentity;
  readonly url: string;
}

/**
 * The secure page as a conversation test needs it: it records the steps the bot opens, and
 * completes the last one with the event the real page would deliver (src/secure does that in the
 * app); what the bot then says proactively is returned as the customer would see it.
 */
export class FakeSecurePages implements SecurePages {
  readonly opened: OpenedStep[] = [];
  private connected?: { readonly bot: CertificateBot; readonly translator: Translator };

  constructor(private readonly box: SecretBox) {}

  connect(bot: CertificateBot, translator: Translator): void {
    this.connected = { bot, translator };
  }

  async open(request: Omit<OpenedStep, 'url'>): Promise<{ readonly url: string }> {
    const url = `https://secure.bank.test/secure/ticket-${this.opened.length + 1}`;
    this.opened.push({ ...request, url });
    return { url };
  }

  /** The step the customer is on, as the bot last opened it. */
  last(): OpenedStep {
    const step = this.opened.at(-1);
    if (step === undefined) throw new Error('the bot opened no secure step');
    return step;
  }

  /** The page ends the last step with `event`; returns what the customer then sees in the chat. */
  async complete(event: SecureInput): Promise<Partial<Activity>[]> {
    if (this.connected === undefined) throw new Error('FakeSecurePages is not connected to a bot');
    const { address, reference } = this.last();
    const outcome = await this.connected.bot.secureStepEnded(address, reference, event);
    if (outcome === undefined) return [];
    return renderReplies(outcome.replies, this.connected.translator.forLanguage(outcome.language), reference.channelId ?? 'test');
  }

  /** A customer verified on the page (or vouched for by the bank's app), sealed with the bot's key. */
  identity(details: { name: string; rrn: string; phone: string; carrier: MobileCarrier }): VerifiedIdentity {
    const rrn = ResidentRegistrationNumber.parse(details.rrn, new Date());
    const phone = MobileNumber.parse(details.phone);
    if (!rrn.ok || !phone.ok) throw new Error('test identity does not parse');
    return sealIdentity(this.box, { name: details.name, rrn: rrn.value, phone: phone.value, carrier: details.carrier });
  }
}
