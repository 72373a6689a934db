import type { OtpChallenge, OtpPurpose, OtpVerification } from './oneTimePassword';
import type { MobileCarrier, MobileNumber } from './phoneNumber';
import type { ResidentRegistrationNumber } from './residentRegistrationNumber';

/** Delivers a one-time code to the customer's phone (SMS, push, or nothing in the sandbox). */
export interface OtpSender {
  send(message: { phone: MobileNumber; code: string; purpose: OtpPurpose }): Promise<void>;
}

/** What the customer gave for 본인 인증 (or, with purpose `additional`, 추가 인증). */
export interface VerificationRequest {
  name: string;
  rrn: ResidentRegistrationNumber;
  carrier: MobileCarrier;
  phone: MobileNumber;
  purpose: OtpPurpose;
}

/** Where a resent code goes; the purpose comes from the previous challenge. */
export interface ResendRequest {
  carrier: MobileCarrier;
  phone: MobileNumber;
}

export interface VerificationStarted {
  /** Keep this (plain JSON) until the customer types the code. */
  challenge: OtpChallenge;
  /**
   * The code itself, only from a sandbox provider constructed with `revealCodes: true`
   * (the sandbox, SANDBOX), so the chat can show it labelled as sandbox. Never present otherwise.
   */
  sandboxCode?: string;
}

/**
 * 본인 인증 and 추가 인증 (전자금융사기 예방서비스) behind one interface: the embedded sandbox
 * by default, a real provider (PASS, NICE, KCB …) by configuration. Stateless between calls:
 * everything the provider needs later is in the returned challenge.
 *
 * A provider that finds the details do not belong together (name, 주민등록번호, carrier, phone)
 * rejects `startVerification` with `VerificationRejectedError`; any other rejection is a
 * service error.
 *
 * The limits are the caller's (`VerificationLimits`): the lockout after 5 wrong codes, and how
 * often a code may go to a phone, across challenges, conversations and customers.
 */
export interface IdentityProvider {
  startVerification(request: VerificationRequest, now: Date): Promise<VerificationStarted>;
  /** A new code and challenge for the same purpose as `previous`. */
  resend(previous: OtpChallenge, request: ResendRequest, now: Date): Promise<VerificationStarted>;
  checkCode(challenge: OtpChallenge, code: string, now: Date): Promise<OtpVerification>;
}

/** The provider says the details do not identify one person (e.g. the phone is someone else's). */
export class VerificationRejectedError extends Error {
  override name = 'VerificationRejectedError';

  constructor(readonly reason: 'mismatch' | 'unsupportedCarrier' | 'other') {
    super(`identity verification rejected: ${reason}`);
  }
}
