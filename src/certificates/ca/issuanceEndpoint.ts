/**
 * The sandbox CA's issuance endpoint, without HTTP (the route is src/server/caRoutes.ts): the device's
 * request is checked (the MAC under the registration's authorisation code, the registration one use
 * and unexpired, the request's signature, R), the certificate is issued for the device's key with
 * the VID from R and the registered 주민등록번호, recorded as every issuance is, and the RA is told.
 * Whom it named is kept sealed per serial (the subscriber record), for a renewal by key later.
 * Each refusal has its own reason and an audit entry. R never leaves this module.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { type IssuanceAnswer, type IssuanceRequestBody, issuanceMac } from '../../device/issuanceProtocol';
import { constantTimeEqual } from '../npki/bytes';
import type { CertificateSummary } from '../npki/certificateInspection';
import type { AuditLog } from '../stores/auditLog';
import type { IssuedNotice } from './certificateAuthority';
import { readCertificationRequest, CertificationRequestRefused } from './certificationRequestReader';
import type { CaRegistrations, StoredRegistration } from './caRegistrations';
import type { CaSubscribers } from './caSubscribers';
import type { SandboxCa, SignedCertificate } from './sandboxCa';

/** The route's path; the CA's endpoint URL is the public base URL and this. */
export const CA_ISSUANCE_PATH = '/ca/v1/certificates';

export type IssuanceRefusal =
  | 'malformedRequest'
  | 'unknownReference'
  | 'expiredReference'
  | 'usedReference'
  | 'badMac'
  | 'badCertificationRequest'
  | 'badProofOfPossession'
  | 'badRandom';

export type IssuanceResult =
  { readonly status: 'issued'; readonly answer: IssuanceAnswer } | { readonly status: 'refused'; readonly reason: IssuanceRefusal };

/**
 * How an issuance is recorded, whoever made the key (CertificateService): journaled under its key,
 * signed by `sign`, put in the registry and audited; revoked if it was given up on meanwhile.
 */
export interface IssuanceRecords {
  issueRecorded<T extends SignedCertificate>(
    request: { readonly actor: string; readonly customerId: string; readonly issuance?: IssuanceJournaling },
    sign: () => Promise<T>,
  ): Promise<{ readonly summary: CertificateSummary; readonly signed: T }>;
}

export interface IssuanceJournaling {
  readonly key: string;
  readonly owner: string;
}

export interface IssuanceEndpointDependencies {
  readonly ca: SandboxCa;
  readonly registrations: CaRegistrations;
  /** Whom each certificate named, for a renewal by key. */
  readonly subscribers: CaSubscribers;
  readonly records: IssuanceRecords;
  readonly audit: AuditLog;
  /** Validity of a certificate whose registration names no last day. */
  readonly validityDays: number;
  /** The RA learns what was issued: serial and dates, never R or the key. */
  readonly onIssued: (notice: IssuedNotice) => Promise<void>;
}

const base64 = z
  .string()
  .min(1)
  .max(8192)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/);

const RequestBody = z
  .object({
    referenceNumber: z.string().regex(/^[0-9a-f]{32}$/),
    certificationRequest: base64,
    encryptedRandom: base64,
    mac: base64,
  })
  .strict();

/** R's length: KISA's is 20 bytes; a little room either way, none for nonsense. */
const RANDOM_NUM_BYTES = { min: 16, max: 64 } as const;

/** What the device may act as, in the audit log. */
const ACTOR = 'customer';

class Refused extends Error {
  override name = 'IssuanceRefused';

  constructor(readonly reason: IssuanceRefusal) {
    super(reason);
  }
}

export class IssuanceEndpoint {
  constructor(private readonly deps: IssuanceEndpointDependencies) {}

  async handle(body: unknown): Promise<IssuanceResult> {
    let customerId: string | undefined;
    try {
      const parsed = RequestBody.safeParse(body);
      if (!parsed.success) throw new Refused('malformedRequest');
      const request = parsed.data;
      const registration = await this.openRegistration(request.referenceNumber);
      customerId = registration.customerId;
      await this.checkMac(registration, request);
      const publicKey = readCertificationRequest(Buffer.from(request.certificationRequest, 'base64'));
      const randomNum = this.decryptRandom(request.encryptedRandom);
      // Used up only now: a request that fails a check before leaves the registration to the one holding its code.
      if (!(await this.deps.registrations.use(request.referenceNumber))) throw new Refused('usedReference');
      return { status: 'issued', answer: await this.issue(request.referenceNumber, registration, publicKey, randomNum) };
    } catch (error) {
      const reason = error instanceof Refused || error instanceof CertificationRequestRefused ? error.reason : undefined;
      if (reason === undefined) throw error;
      await this.deps.audit.record({
        actor: ACTOR,
        action: 'issue',
        outcome: 'failure',
        ...(customerId !== undefined && { customerId }),
        reason,
      });
      return { status: 'refused', reason };
    }
  }

  private async openRegistration(referenceNumber: string): Promise<StoredRegistration> {
    const found = await this.deps.registrations.find(referenceNumber);
    switch (found.status) {
      case 'open':
        return found.registration;
      case 'used':
        throw new Refused('usedReference');
      case 'expired':
        throw new Refused('expiredReference');
      case 'unknown':
        throw new Refused('unknownReference');
    }
  }

  private async checkMac(registration: StoredRegistration, request: IssuanceRequestBody): Promise<void> {
    const expected = await issuanceMac(registration.macKey, request);
    if (!constantTimeEqual(expected, Buffer.from(request.mac, 'base64'))) throw new Refused('badMac');
  }

  private decryptRandom(encryptedRandom: string): Buffer {
    let randomNum: Buffer;
    try {
      randomNum = this.deps.ca.decryptFromDevice(Buffer.from(encryptedRandom, 'base64'));
    } catch {
      throw new Refused('badRandom');
    }
    if (randomNum.length < RANDOM_NUM_BYTES.min || randomNum.length > RANDOM_NUM_BYTES.max) throw new Refused('badRandom');
    return randomNum;
  }

  private async issue(
    referenceNumber: string,
    registration: StoredRegistration,
    publicKey: KeyObject,
    randomNum: Buffer,
  ): Promise<IssuanceAnswer> {
    const { ca, records, validityDays, onIssued } = this.deps;
    const { customerId, realName, idn, type } = registration;
    const notAfter = registration.notAfter ?? new Date(Date.now() + validityDays * 24 * 3600 * 1000);
    const { summary, signed } = await records.issueRecorded<SignedCertificate>(
      { actor: ACTOR, customerId, issuance: { key: referenceNumber, owner: customerId } },
      () => ca.sign({ realName, idn, type, notAfter, publicKey, randomNum }),
    );
    await this.deps.subscribers.keep(summary.serialNumber, { customerId, realName, idn, type }, summary.notAfter.getTime());
    await onIssued({
      referenceNumber,
      customerId,
      serialNumber: summary.serialNumber,
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
      certificate: new Uint8Array(signed.certificate),
    });
    return { certificate: signed.certificate.toString('base64'), chain: [ca.issuingCertificate.raw.toString('base64')] };
  }
}
