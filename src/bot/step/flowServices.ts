import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { emit, fromPromise } from 'xstate';
import type * as Flow from '../../../dialogs/contract/services';
import type { CertificateService } from '../../certificates/certificateService';
import type { DownloadStore } from '../../certificates/stores/downloadStore';
import { CertificateError } from '../../certificates/npki/certificateError';
import { KeyDerivationDeferred } from '../../certificates/keyDerivationLimiter';
import { lookupPolicy } from '../../certificates/npki/certificatePolicies';
import { brokenPasswordRules } from '../../certificates/npki/passwordPolicy';
import type { Logger } from '../../logging/logger';
import { rootMachine } from '../../../dialogs/rootMachine';
import type { IdentityProvider } from '../../identity/identityProvider';
import { MobileNumber, phoneIdOf } from '../../identity/phoneNumber';
import type { CustomerAndPhone, VerificationLimits } from '../../identity/verificationLimits';
import { ResidentRegistrationNumber } from '../../identity/residentRegistrationNumber';
import type { SecretBox } from '../../state/secretBox';
import type { ServiceHours } from '../../handoff/serviceHours';
import { SEAL } from '../decode/personalDataGuard';
import { UPLOAD_SEAL } from '../decode/uploadedFiles';
import type { IssuanceTracking } from './issuanceTracking';

export interface FlowServiceDependencies {
  readonly identity: IdentityProvider;
  readonly verificationLimits: VerificationLimits;
  readonly box: SecretBox;
  readonly certificates: CertificateService;
  readonly downloads: DownloadStore;
  /** Where customers reach this bot, for download links. */
  readonly publicBaseUrl: string;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Journals every issuance with a lease, for the turn to settle once the link is delivered. */
  readonly issuances: IssuanceTracking;
  /** When agents take conversations; a customer asking for one outside these hours is told when to come back. */
  readonly serviceHours: ServiceHours;
  /** Test drills only (JCA_TEST_ISSUE_DELAY_MS): a pause after the CA issued and before the link is offered. */
  readonly testIssueDelayMs?: number;
}

const DOWNLOAD_TTL_MS = 10 * 60 * 1000;

/** The root machine with the bot's services behind its named actors, and the service hours behind its guard. */
export function provideFlowServices(deps: FlowServiceDependencies) {
  return rootMachine.provide({
    guards: {
      agentsOnDuty: ({ event }) => deps.serviceHours.isOpen(new Date(event.at)),
    },
    actions: {
      tellAgentHours: emit({ type: 'reply', key: 'handoff.outOfHours', params: { hours: deps.serviceHours.description } }),
    },
    actors: {
      sendVerificationCode: fromPromise<Flow.SendCodeOutput, Flow.SendCodeInput>(({ input }) =>
        logged(deps, 'sendVerificationCode', sendVerificationCode(deps, input)),
      ),
      checkVerificationCode: fromPromise<Flow.CheckCodeOutput, Flow.CheckCodeInput>(({ input }) =>
        logged(deps, 'checkVerificationCode', checkVerificationCode(deps, input)),
      ),
      checkNewPassword: fromPromise<Flow.CheckPasswordOutput, Flow.CheckPasswordInput>(async ({ input }) => checkNewPassword(deps, input)),
      issueCertificate: fromPromise<Flow.IssueOutput, Flow.IssueInput>(({ input }) =>
        logged(deps, 'issueCertificate', issueCertificate(deps, input)),
      ),
      findValidCertificate: fromPromise<Flow.FindCertificateOutput, Flow.FindCertificateInput>(({ input }) =>
        logged(deps, 'findValidCertificate', findValidCertificate(deps, input)),
      ),
      unlockUploadedCertificate: fromPromise<Flow.UnlockOutput, Flow.UnlockInput>(({ input }) =>
        logged(deps, 'unlockUploadedCertificate', unlockUploaded(deps, input)),
      ),
      completeRegistration: fromPromise<Flow.CompleteRegistrationOutput, Flow.CompleteRegistrationInput>(({ input }) =>
        logged(deps, 'completeRegistration', completeRegistration(deps, input)),
      ),
      listCertificates: fromPromise<Flow.ListCertificatesOutput, Flow.ListCertificatesInput>(({ input }) =>
        logged(deps, 'listCertificates', listCertificates(deps, input)),
      ),
      releaseCertificate: fromPromise<Flow.ReleaseOutput, Flow.ReleaseInput>(({ input }) =>
        logged(deps, 'releaseCertificate', releaseCertificate(deps, input)),
      ),
    },
  });
}

/** Checks the limits (the lockout, then how often this phone may get a code) before a code goes out. */
async function sendVerificationCode(deps: FlowServiceDependencies, input: Flow.SendCodeInput): Promise<Flow.SendCodeOutput> {
  const now = deps.now();
  const phone = unsealPhone(deps.box, input.sealedPhone);
  const who = customerAndPhone(deps.box, input.customerId, phone);
  const lockedUntil = await deps.verificationLimits.lockedUntil(who, now.getTime());
  if (lockedUntil !== undefined) return { status: 'locked', until: lockedUntil };
  const permission = await deps.verificationLimits.reserveSend(who.phoneId, now.getTime());
  if (!permission.allowed) {
    return permission.reason === 'tooSoon'
      ? { status: 'tooSoon', retryAfterMs: permission.retryAt - now.getTime() }
      : { status: 'hourlyLimit', retryAt: permission.retryAt };
  }
  const started =
    input.previous === undefined
      ? await deps.identity.startVerification(
          { name: input.name, rrn: unsealRrn(deps.box, input.sealedRrn, now), carrier: input.carrier, phone, purpose: input.purpose },
          now,
        )
      : await deps.identity.resend(input.previous, { carrier: input.carrier, phone }, now);
  return { status: 'sent', challenge: started.challenge, sandboxCode: started.sandboxCode };
}

/** Wrong codes count per customer and per phone, whatever challenge they were typed for. */
async function checkVerificationCode(deps: FlowServiceDependencies, input: Flow.CheckCodeInput): Promise<Flow.CheckCodeOutput> {
  const now = deps.now();
  const who = customerAndPhone(deps.box, input.customerId, unsealPhone(deps.box, input.sealedPhone));
  // A lock set meanwhile (in another conversation) holds even against the right code.
  const lockedUntil = await deps.verificationLimits.lockedUntil(who, now.getTime());
  if (lockedUntil !== undefined) return { result: 'locked', until: lockedUntil };
  const outcome = await deps.identity.checkCode(input.challenge, input.code, now);
  if (outcome.result === 'ok') await deps.verificationLimits.recordRightCode(who);
  if (outcome.result !== 'wrong') return outcome;
  const counted = await deps.verificationLimits.recordWrongCode(who, now.getTime());
  return counted.locked ? { result: 'locked', until: counted.until } : { result: 'wrong', attemptsLeft: counted.attemptsLeft };
}

/** Whom the limits count: the customer, and the phone by a keyed hash, never its digits. */
function customerAndPhone(box: SecretBox, customerId: string, phone: MobileNumber): CustomerAndPhone {
  return { customerId, phoneId: phoneIdOf(phone, box.hashKey('phone-id')) };
}

/** Our failures are logged here, by name only; the flow then apologizes and offers an agent. */
async function logged<T>(deps: FlowServiceDependencies, service: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    deps.logger.error(
      { service, err: err instanceof Error ? { name: err.name, message: err.message } : String(err) },
      'flow service failed',
    );
    throw err;
  }
}

function passwordFingerprint(box: SecretBox, password: string): string {
  return createHmac('sha256', box.hashKey('password-confirmation')).update(password).digest('hex');
}

async function checkNewPassword(deps: FlowServiceDependencies, input: Flow.CheckPasswordInput): Promise<Flow.CheckPasswordOutput> {
  const phone = deps.box.open(SEAL.phone, input.sealedPhone)?.toString();
  return {
    broken: brokenPasswordRules(input.password, { birthDate: input.birthDate, phone }),
    fingerprint: passwordFingerprint(deps.box, input.password),
  };
}

/**
 * Issues under an idempotency key of its own, journaled with a lease; the flow reports the key
 * with the link, and the turn settles it once saved. The customer's earlier issuances that were
 * interrupted are revoked first, for this turn to tell.
 */
async function issueCertificate(deps: FlowServiceDependencies, input: Flow.IssueInput): Promise<Flow.IssueOutput> {
  const owner = input.customerId;
  const told = await deps.issuances.interrupted(owner);
  const expected = Buffer.from(input.fingerprint, 'hex');
  const given = Buffer.from(passwordFingerprint(deps.box, input.password), 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'mismatch', journal: { owner, told } };
  const rrn = unsealRrn(deps.box, input.sealedRrn, deps.now());
  const issuance = { key: randomUUID(), owner };
  deps.issuances.began(issuance.key);
  try {
    const issued = await deps.certificates.issue({
      customerId: input.customerId,
      realName: input.name,
      idn: rrn.revealDigits(),
      type: input.type,
      password: input.password,
      actor: 'customer',
      notAfter: input.replaces && replacementExpiry(input.replaces),
      issuance,
    });
    if (deps.testIssueDelayMs) await new Promise((resolve) => setTimeout(resolve, deps.testIssueDelayMs));
    const { token } = await deps.downloads.offer(
      {
        zip: { fileName: 'NPKI.zip', contentType: 'application/zip', bytes: issued.npkiZip },
        pfx: { fileName: 'certificate.pfx', contentType: 'application/x-pkcs12', bytes: issued.pfx },
      },
      DOWNLOAD_TTL_MS,
    );
    // Revoked only once its successor exists and is on offer, so a failure leaves the customer their old one.
    if (input.replaces !== undefined) {
      const replaces = input.replaces;
      await deps.certificates
        .revoke(input.customerId, replaces.fingerprint, replaces.reason, { actor: 'customer' })
        .catch(async (err: unknown) => {
          await deps.downloads.withdraw(token).catch(() => undefined);
          throw err;
        });
    }
    const day = (date: Date) => date.toISOString().slice(0, 10);
    return {
      status: 'issued',
      journal: { owner, key: issuance.key, told },
      type: input.type,
      ca: issued.summary.policy?.ca ?? 'unknown',
      serialNumber: issued.summary.serialNumber,
      notBefore: day(issued.summary.notBefore),
      notAfter: day(issued.summary.notAfter),
      maskedName: issued.summary.maskedName,
      downloadUrl: `${deps.publicBaseUrl}/certificates/download/${token}`,
      replaced: input.replaces?.mode,
    };
  } catch (err) {
    // The flow apologizes in this very turn; a certificate it issued must not stay valid with nobody holding it.
    await deps.issuances.giveUp(owner, issuance.key).catch(() => undefined);
    throw err;
  }
}

/** A reissue keeps the old expiry; a renewal runs a year past it (end of that day, like the old one). */
function replacementExpiry(replaces: Flow.Replacement): Date {
  const old = new Date(`${replaces.notAfter}T23:59:59Z`);
  if (replaces.mode === 'reissue') return old;
  const renewed = new Date(old);
  renewed.setUTCFullYear(old.getUTCFullYear() + 1);
  return renewed;
}

const DAY_MS = 24 * 60 * 60 * 1000;

async function listCertificates(deps: FlowServiceDependencies, input: Flow.ListCertificatesInput): Promise<Flow.ListCertificatesOutput> {
  const now = deps.now().getTime();
  const listed = await deps.certificates.list(input.customerId);
  const certificates = listed
    .filter((c) => c.status === 'active' && (input.origin === 'any' || c.origin === input.origin))
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter))
    .map((c) => {
      const policy = c.policyOid === undefined ? undefined : lookupPolicy(c.policyOid);
      return {
        fingerprint: c.fingerprintSha256,
        origin: c.origin,
        ca: policy?.ca ?? 'unknown',
        kind: policy?.kind ?? 'other',
        serialNumber: c.serialNumber,
        notAfter: c.notAfter.slice(0, 10),
        daysLeft: Math.ceil((Date.parse(c.notAfter) - now) / DAY_MS),
      };
    });
  return { certificates };
}

async function releaseCertificate(deps: FlowServiceDependencies, input: Flow.ReleaseInput): Promise<Flow.ReleaseOutput> {
  const released = await deps.certificates.release(input.customerId, input.fingerprint, { actor: 'customer' });
  return { released: released !== undefined };
}

async function findValidCertificate(deps: FlowServiceDependencies, input: Flow.FindCertificateInput): Promise<Flow.FindCertificateOutput> {
  const now = deps.now().toISOString();
  const valid = (await deps.certificates.list(input.customerId)).find(
    (c) => c.status === 'active' && c.notAfter > now && c.policyOid !== undefined && lookupPolicy(c.policyOid)?.kind === input.type,
  );
  return { notAfter: valid?.notAfter.slice(0, 10) };
}

const REGISTRATION_SEAL = { certificate: 'registration-certificate', randomNum: 'registration-r' } as const;

async function unlockUploaded(deps: FlowServiceDependencies, input: Flow.UnlockInput): Promise<Flow.UnlockOutput> {
  const open = (sealed: string | undefined) => (sealed === undefined ? undefined : deps.box.open(UPLOAD_SEAL, sealed));
  const [signCert, signPri, pfx, zip] = [
    open(input.files.signCert),
    open(input.files.signPri),
    open(input.files.pfx),
    open(input.files.zip),
  ];
  const files = zip ? { zip } : pfx ? { pfx } : signCert && signPri ? { signCert, signPri } : undefined;
  if (files === undefined) return { status: 'failed', reason: 'missingCertificate' };
  try {
    const unlocked = await deps.certificates.unlockForRegistration({
      files,
      password: input.password,
      customerId: input.customerId,
      actor: 'customer',
    });
    return {
      status: 'unlocked',
      sealedCertificate: deps.box.seal(REGISTRATION_SEAL.certificate, unlocked.certificate),
      sealedRandomNum: unlocked.randomNum && deps.box.seal(REGISTRATION_SEAL.randomNum, unlocked.randomNum),
    };
  } catch (err) {
    if (err instanceof CertificateError) return { status: 'failed', reason: err.reason, file: err.file };
    if (err instanceof KeyDerivationDeferred)
      return { status: 'deferred', cause: err.reason, retryAfterMinutes: Math.max(1, Math.ceil(err.retryAfterMs / 60_000)) };
    throw err;
  }
}

async function completeRegistration(
  deps: FlowServiceDependencies,
  input: Flow.CompleteRegistrationInput,
): Promise<Flow.CompleteRegistrationOutput> {
  const certificate = deps.box.open(REGISTRATION_SEAL.certificate, input.sealedCertificate);
  if (certificate === undefined) throw new Error('sealed certificate did not open');
  const randomNum = input.sealedRandomNum === undefined ? undefined : deps.box.open(REGISTRATION_SEAL.randomNum, input.sealedRandomNum);
  const rrn = unsealRrn(deps.box, input.sealedRrn, deps.now());
  try {
    const registered = await deps.certificates.completeRegistration({
      certificate,
      idn: rrn.revealDigits(),
      randomNum,
      customerId: input.customerId,
      actor: 'customer',
    });
    const policy = registered.policyOid === undefined ? undefined : lookupPolicy(registered.policyOid);
    return {
      status: 'registered',
      ca: policy?.ca ?? 'unknown',
      kind: policy?.kind ?? 'other',
      notAfter: registered.notAfter.slice(0, 10),
      registeredAt: registered.registeredAt.slice(0, 10),
    };
  } catch (err) {
    if (err instanceof CertificateError) return { status: 'failed', reason: err.reason };
    throw err;
  }
}

function unsealPhone(box: SecretBox, sealed: string): MobileNumber {
  const parsed = MobileNumber.parse(box.open(SEAL.phone, sealed)?.toString() ?? '');
  if (!parsed.ok) throw new Error('sealed phone number did not open');
  return parsed.value;
}

function unsealRrn(box: SecretBox, sealed: string, now: Date): ResidentRegistrationNumber {
  const parsed = ResidentRegistrationNumber.parse(box.open(SEAL.rrn, sealed)?.toString() ?? '', now);
  if (!parsed.ok) throw new Error('sealed resident registration number did not open');
  return parsed.value;
}
