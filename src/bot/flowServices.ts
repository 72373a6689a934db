import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromPromise } from 'xstate';
import type * as Flow from '../../dialogs/serviceContracts';
import type { CertificateService } from '../certificates/certificateService';
import type { DownloadStore } from '../certificates/downloadStore';
import { brokenPasswordRules } from '../certificates/passwordPolicy';
import type { Logger } from '../logging/logger';
import { rootMachine } from '../../dialogs/rootMachine';
import type { IdentityProvider, Lockout } from '../identity/identityProvider';
import { OTP_LOCKOUT_MS } from '../identity/oneTimePassword';
import { MobileNumber } from '../identity/phoneNumber';
import { ResidentRegistrationNumber } from '../identity/residentRegistrationNumber';
import type { SecretBox } from '../state/secretBox';
import { SEAL } from './personalDataGuard';

export interface FlowServiceDependencies {
  readonly identity: IdentityProvider;
  readonly lockout: Lockout;
  readonly box: SecretBox;
  readonly certificates: CertificateService;
  readonly downloads: DownloadStore;
  /** Where customers reach this bot, for download links. */
  readonly publicBaseUrl: string;
  readonly logger: Logger;
  readonly now: () => Date;
}

const DOWNLOAD_TTL_MS = 10 * 60 * 1000;

/** The root machine with the bot's services behind its named actors. */
export function provideFlowServices(deps: FlowServiceDependencies) {
  return rootMachine.provide({
    actors: {
      sendVerificationCode: fromPromise<Flow.SendCodeOutput, Flow.SendCodeInput>(({ input }) => logged(deps, 'sendVerificationCode', sendVerificationCode(deps, input))),
      checkVerificationCode: fromPromise<Flow.CheckCodeOutput, Flow.CheckCodeInput>(({ input }) => logged(deps, 'checkVerificationCode', checkVerificationCode(deps, input))),
      checkNewPassword: fromPromise<Flow.CheckPasswordOutput, Flow.CheckPasswordInput>(async ({ input }) => checkNewPassword(deps, input)),
      issueCertificate: fromPromise<Flow.IssueOutput, Flow.IssueInput>(({ input }) => logged(deps, 'issueCertificate', issueCertificate(deps, input))),
    },
  });
}

async function sendVerificationCode(deps: FlowServiceDependencies, input: Flow.SendCodeInput): Promise<Flow.SendCodeOutput> {
  const now = deps.now();
  const lockedUntil = await deps.lockout.lockedUntil(input.customerId);
  if (lockedUntil !== undefined && lockedUntil > now.getTime()) return { status: 'locked', until: lockedUntil };
  const phone = unsealPhone(deps.box, input.sealedPhone);
  if (input.previous !== undefined) {
    const resent = await deps.identity.resend(input.previous, { carrier: input.carrier, phone }, now);
    if (resent.result === 'locked') return { status: 'locked', until: now.getTime() + OTP_LOCKOUT_MS };
    if (resent.result === 'tooSoon') return { status: 'tooSoon' };
    return { status: 'sent', challenge: resent.challenge, sandboxCode: resent.sandboxCode };
  }
  const rrn = unsealRrn(deps.box, input.sealedRrn, now);
  const started = await deps.identity.startVerification({ name: input.name, rrn, carrier: input.carrier, phone, purpose: input.purpose }, now);
  return { status: 'sent', challenge: started.challenge, sandboxCode: started.sandboxCode };
}

async function checkVerificationCode(deps: FlowServiceDependencies, input: Flow.CheckCodeInput): Promise<Flow.CheckCodeOutput> {
  const now = deps.now();
  const outcome = await deps.identity.checkCode(input.challenge, input.code, now);
  // The lock holds across conversations and instances, not just this challenge.
  if (outcome.result === 'locked') await deps.lockout.lock(input.customerId, now.getTime() + OTP_LOCKOUT_MS);
  return outcome;
}

/** Our failures are logged here, by name only; the flow then apologizes and offers an agent. */
async function logged<T>(deps: FlowServiceDependencies, service: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    deps.logger.error({ service, err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'flow service failed');
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

async function issueCertificate(deps: FlowServiceDependencies, input: Flow.IssueInput): Promise<Flow.IssueOutput> {
  const expected = Buffer.from(input.fingerprint, 'hex');
  const given = Buffer.from(passwordFingerprint(deps.box, input.password), 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'mismatch' };
  const rrn = unsealRrn(deps.box, input.sealedRrn, deps.now());
  const issued = await deps.certificates.issue({
    customerId: input.customerId,
    realName: input.name,
    idn: rrn.revealDigits(),
    type: input.type,
    password: input.password,
    actor: 'customer',
  });
  const { token } = await deps.downloads.offer(
    {
      zip: { fileName: 'NPKI.zip', contentType: 'application/zip', bytes: issued.npkiZip },
      pfx: { fileName: 'certificate.pfx', contentType: 'application/x-pkcs12', bytes: issued.pfx },
    },
    DOWNLOAD_TTL_MS,
  );
  const day = (date: Date) => date.toISOString().slice(0, 10);
  return {
    status: 'issued',
    type: input.type,
    caName: issued.summary.issuerOrganization ?? issued.summary.issuerCommonName,
    serialNumber: issued.summary.serialNumber,
    notBefore: day(issued.summary.notBefore),
    notAfter: day(issued.summary.notAfter),
    maskedName: issued.summary.maskedName,
    downloadUrl: `${deps.publicBaseUrl}/certificates/download/${token}`,
  };
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
