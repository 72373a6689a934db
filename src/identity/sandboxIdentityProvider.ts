import type { Logger } from '../logging/logger';
import type { IdentityProvider, OtpSender, ResendRequest, VerificationRequest, VerificationStarted } from './identityProvider';
import { createOtpChallenge, verifyOtp } from './oneTimePassword';
import type { OtpChallenge, OtpPurpose, OtpVerification } from './oneTimePassword';
import type { MobileNumber } from './phoneNumber';

export interface SandboxIdentityProviderOptions {
  /** Where codes go: `CapturingOtpSender` in tests, `PageDisplayOtpSender` in the sandbox. */
  sender: OtpSender;
  /** Secret for the code hashes in challenges (at least 16 bytes), from configuration. */
  key: Buffer;
  /**
   * Return each code as `sandboxCode` so the chat can show it, labelled as sandbox.
   * ONLY in the sandbox (`config.sandbox`): anywhere else it hands the second factor to
   * whoever holds the chat, which defeats 본인 인증. Off by default.
   */
  revealCodes?: boolean;
}

/**
 * The embedded 본인 인증 and 추가 인증 (전자금융사기 예방서비스) provider. It accepts any name
 * and any well-formed 주민등록번호 (the types already guarantee that), and "sends" a 6-digit
 * code through the injected sender. 추가 인증 is the same with purpose `additional`: a second
 * code sent the same way.
 */
export class SandboxIdentityProvider implements IdentityProvider {
  private readonly sender: OtpSender;
  private readonly key: Buffer;
  private readonly revealCodes: boolean;

  constructor(options: SandboxIdentityProviderOptions) {
    this.sender = options.sender;
    this.key = options.key;
    this.revealCodes = options.revealCodes ?? false;
  }

  async startVerification(request: VerificationRequest, now: Date): Promise<VerificationStarted> {
    return this.sendCode(request.phone, request.purpose, now);
  }

  async resend(previous: OtpChallenge, request: ResendRequest, now: Date): Promise<VerificationStarted> {
    return this.sendCode(request.phone, previous.purpose, now);
  }

  async checkCode(challenge: OtpChallenge, code: string, now: Date): Promise<OtpVerification> {
    return verifyOtp(challenge, code, now, this.key);
  }

  private async sendCode(phone: MobileNumber, purpose: OtpPurpose, now: Date): Promise<VerificationStarted> {
    const { code, challenge } = createOtpChallenge({ purpose, now, key: this.key });
    await this.sender.send({ phone, code, purpose });
    return this.revealCodes ? { challenge, sandboxCode: code } : { challenge };
  }
}

/**
 * For tests: keeps the codes sent to each phone, in memory, so a test can type them. Never
 * wire it into a running bot.
 */
export class CapturingOtpSender implements OtpSender {
  private readonly sent = new Map<string, Array<{ code: string; purpose: OtpPurpose }>>();

  async send(message: { phone: MobileNumber; code: string; purpose: OtpPurpose }): Promise<void> {
    const list = this.sent.get(message.phone.digits) ?? [];
    list.push({ code: message.code, purpose: message.purpose });
    this.sent.set(message.phone.digits, list);
  }

  /** The last code sent to this phone (digits, hyphens allowed), optionally of one purpose. */
  lastCodeFor(phoneDigits: string, purpose?: OtpPurpose): string | undefined {
    const list = this.sent.get(phoneDigits.replace(/\D/gu, '')) ?? [];
    const matching = purpose === undefined ? list : list.filter((m) => m.purpose === purpose);
    return matching[matching.length - 1]?.code;
  }

  /** How many codes were sent to this phone. */
  countFor(phoneDigits: string): number {
    return this.sent.get(phoneDigits.replace(/\D/gu, ''))?.length ?? 0;
  }
}

/**
 * The sandbox's sender: delivers and stores nothing. The code reaches the customer through
 * `sandboxCode`, which the secure page shows labelled as sandbox; so pair it with
 * `SandboxIdentityProvider({ revealCodes: true })`, in the sandbox only. It logs that a code was
 * "sent" (masked phone, purpose), never the code.
 */
export class PageDisplayOtpSender implements OtpSender {
  constructor(private readonly logger?: Logger) {}

  async send(message: { phone: MobileNumber; code: string; purpose: OtpPurpose }): Promise<void> {
    this.logger?.info({ phone: message.phone.masked, purpose: message.purpose }, 'sandbox OTP shown on the secure page');
  }
}
