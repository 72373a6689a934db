import type { IssuedCertificate } from './secure';
import type { CertificateType, Replacement } from './domain';

/**
 * What the flow machines ask of the bot's services (their named actors). Nothing secret goes in:
 * whatever needs a secret happens on the secure page (./secure.ts).
 */

/** Whether the customer already holds a valid certificate of this type here (issued or registered). */
export interface FindCertificateInput {
  readonly customerId: string;
  readonly type: CertificateType;
}

export interface FindCertificateOutput {
  /** The expiry (YYYY-MM-DD) of the valid one, if there is one. */
  readonly notAfter?: string;
}

/** A customer's certificate as the journeys show it in a list; the fingerprint names it, nothing secret. */
export interface CertificateChoice {
  readonly fingerprint: string;
  readonly origin: 'issued' | 'registered';
  /** The CA's id from the policy table, or 'unknown'. */
  readonly ca: string;
  /** The kind from the policy table (personalBanking, personalGeneral …), or 'other'. */
  readonly kind: string;
  readonly serialNumber: string;
  /** YYYY-MM-DD */
  readonly notAfter: string;
  /** Days until it expires, counted up (a part day is a day), from the time of the listing; 0 or less once expired. */
  readonly daysLeft: number;
}

export interface ListCertificatesInput {
  readonly customerId: string;
  /** Registered ones only (해제), or every active one issued or registered here (재발급). */
  readonly origin: 'registered' | 'any';
}

export interface ListCertificatesOutput {
  readonly certificates: readonly CertificateChoice[];
}

export interface ReleaseInput {
  readonly customerId: string;
  readonly fingerprint: string;
}

export interface ReleaseOutput {
  readonly released: boolean;
}

/** Reissue and renewal: the old certificate is revoked once its successor was issued on the device. */
export interface RevokeReplacedInput {
  readonly customerId: string;
  readonly replaces: Replacement;
  readonly issued: IssuedCertificate;
}

export interface RevokeReplacedOutput {
  readonly issued: IssuedCertificate;
  readonly replaced: Replacement['mode'];
}
