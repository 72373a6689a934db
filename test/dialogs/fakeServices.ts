import { fromPromise } from 'xstate';
import type { OtpChallenge } from '../../dialogs/contract/domain';
import type {
  CertificateChoice,
  CheckCodeInput,
  CheckCodeOutput,
  CheckPasswordInput,
  CheckPasswordOutput,
  CompleteRegistrationInput,
  CompleteRegistrationOutput,
  FindCertificateInput,
  FindCertificateOutput,
  IssuanceJournalEntry,
  IssueInput,
  IssueOutput,
  ListCertificatesInput,
  ListCertificatesOutput,
  ReleaseInput,
  ReleaseOutput,
  SendCodeInput,
  SendCodeOutput,
  UnlockInput,
  UnlockOutput,
} from '../../dialogs/contract/services';
import type { FlowActorName } from '../../dialogs/flowSetup';
import { rootMachine } from '../../dialogs/rootMachine';

/** What each service is given and answers, by the contract (dialogs/contract/services.ts). */
interface ServiceInputs {
  sendVerificationCode: SendCodeInput;
  checkVerificationCode: CheckCodeInput;
  checkNewPassword: CheckPasswordInput;
  issueCertificate: IssueInput;
  findValidCertificate: FindCertificateInput;
  unlockUploadedCertificate: UnlockInput;
  completeRegistration: CompleteRegistrationInput;
  listCertificates: ListCertificatesInput;
  releaseCertificate: ReleaseInput;
}

interface ServiceOutputs {
  sendVerificationCode: SendCodeOutput;
  checkVerificationCode: CheckCodeOutput;
  checkNewPassword: CheckPasswordOutput;
  issueCertificate: IssueOutput;
  findValidCertificate: FindCertificateOutput;
  unlockUploadedCertificate: UnlockOutput;
  completeRegistration: CompleteRegistrationOutput;
  listCertificates: ListCertificatesOutput;
  releaseCertificate: ReleaseOutput;
}

/** A service's answer: its output, or a failure (the service threw). */
export type Outcome<TOutput> = { readonly output: TOutput } | { readonly error: string };

/** Agents are at the desk from 09:00 to 18:00 (UTC here: the fake needs no time zone). */
export const ON_DUTY_AT = Date.UTC(2026, 2, 2, 10);
export const OFF_DUTY_AT = Date.UTC(2026, 2, 2, 22);
const onDuty = (at: number): boolean => new Date(at).getUTCHours() >= 9 && new Date(at).getUTCHours() < 18;

const CHALLENGE: OtpChallenge = { id: 'challenge-1', purpose: 'identity', codeHash: 'code-hash', expiresAt: ON_DUTY_AT + 180_000 };
const JOURNAL: IssuanceJournalEntry = { owner: 'journal-owner', key: 'issuance-1', told: [] };

const certificate = (n: number, origin: CertificateChoice['origin'], daysLeft: number, kind = 'personalBanking'): CertificateChoice => ({
  fingerprint: `fingerprint-${n}`,
  origin,
  ca: origin === 'issued' ? 'yessign' : 'KICA',
  kind,
  serialNumber: `0${n}`,
  notAfter: '2027-03-02',
  daysLeft,
});

/** One of each kind a reissue tells apart: valid here, about to expire, expired, and registered from elsewhere. */
export const LISTED_CERTIFICATES: readonly CertificateChoice[] = [
  certificate(1, 'issued', 200, 'personalGeneral'),
  certificate(2, 'issued', 12),
  certificate(3, 'issued', 0),
  certificate(4, 'registered', 300, 'personalGeneral'),
];

const issued = (replaced?: 'renewal' | 'reissue', told: readonly string[] = []): Outcome<IssueOutput> => ({
  output: {
    journal: { ...JOURNAL, told },
    status: 'issued',
    type: 'personalBanking',
    ca: 'yessign',
    serialNumber: '0a1b',
    notBefore: '2026-03-02',
    notAfter: '2027-03-02',
    maskedName: '홍*동',
    downloadUrl: 'https://bank.example/certificates/download/d-1',
    replaced,
  },
});

/**
 * Every answer each service can give, by name: the first is the one it gives unless a test plans
 * another. Failures are thrown, as a broken dependency would.
 */
export const OUTCOMES = {
  sendVerificationCode: {
    sent: { output: { status: 'sent', challenge: CHALLENGE } },
    sentInSandbox: { output: { status: 'sent', challenge: CHALLENGE, sandboxCode: '246810' } },
    tooSoon: { output: { status: 'tooSoon', retryAfterMs: 12_500 } },
    hourlyLimit: { output: { status: 'hourlyLimit', retryAt: ON_DUTY_AT + 3_600_000 } },
    locked: { output: { status: 'locked', until: ON_DUTY_AT + 1_800_000 } },
    unavailable: { error: 'the identity provider is down' },
  },
  checkVerificationCode: {
    ok: { output: { result: 'ok' } },
    wrong: { output: { result: 'wrong', attemptsLeft: 3 } },
    expired: { output: { result: 'expired' } },
    locked: { output: { result: 'locked', until: ON_DUTY_AT + 1_800_000 } },
    unavailable: { error: 'the identity provider is down' },
  },
  checkNewPassword: {
    acceptable: { output: { broken: [], fingerprint: 'password-fingerprint' } },
    weak: { output: { broken: ['tooShort', 'missingSpecial'], fingerprint: 'password-fingerprint' } },
    unavailable: { error: 'the password policy is down' },
  },
  issueCertificate: {
    issued: issued(),
    issuedAfterInterruption: issued(undefined, ['issuance-0']),
    reissued: issued('reissue'),
    renewed: issued('renewal'),
    mismatch: { output: { journal: JOURNAL, status: 'mismatch' } },
    unavailable: { error: 'the CA is down' },
  },
  findValidCertificate: {
    none: { output: {} },
    alreadyHeld: { output: { notAfter: '2027-01-31' } },
    unavailable: { error: 'the registry is down' },
  },
  unlockUploadedCertificate: {
    unlocked: { output: { status: 'unlocked', sealedCertificate: 'sealed-certificate', sealedRandomNum: 'sealed-random' } },
    wrongPassword: { output: { status: 'failed', reason: 'wrongPassword' } },
    excessiveKeyProtection: { output: { status: 'failed', reason: 'excessiveKeyProtection', file: 'privateKey' } },
    revoked: { output: { status: 'failed', reason: 'revoked' } },
    corruptKey: { output: { status: 'failed', reason: 'corruptFile', file: 'privateKey' } },
    budgetSpent: { output: { status: 'deferred', cause: 'budgetSpent', retryAfterMinutes: 15 } },
    busy: { output: { status: 'deferred', cause: 'busy', retryAfterMinutes: 1 } },
    unavailable: { error: 'the certificate core is down' },
  },
  completeRegistration: {
    registered: {
      output: { status: 'registered', ca: 'KICA', kind: 'personalGeneral', notAfter: '2027-03-02', registeredAt: '2026-03-02' },
    },
    ownerMismatch: { output: { status: 'failed', reason: 'ownerMismatch' } },
    unavailable: { error: 'the registry is down' },
  },
  listCertificates: {
    some: { output: { certificates: LISTED_CERTIFICATES } },
    none: { output: { certificates: [] } },
    unavailable: { error: 'the registry is down' },
  },
  releaseCertificate: {
    released: { output: { released: true } },
    alreadyGone: { output: { released: false } },
    unavailable: { error: 'the registry is down' },
  },
} as const satisfies { [S in FlowActorName]: Record<string, Outcome<ServiceOutputs[S]>> };

export type OutcomeName<S extends FlowActorName> = keyof (typeof OUTCOMES)[S] & string;

/** A service call the flow made: which service, and what it was given. */
export interface ServiceCall {
  readonly service: FlowActorName;
  readonly input: unknown;
}

/**
 * The fakes' script: the answers planned for the next calls, in order; a service called with
 * nothing planned gives its first (successful) answer. It records every call with its input.
 */
export class ServiceScript {
  private readonly planned: { service: FlowActorName; outcome: string }[] = [];
  readonly calls: ServiceCall[] = [];

  plan<S extends FlowActorName>(service: S, outcome: OutcomeName<S>): this {
    this.planned.push({ service, outcome });
    return this;
  }

  answer(service: FlowActorName, input: unknown): unknown {
    this.calls.push({ service, input });
    const next = this.planned[0]?.service === service ? this.planned.shift() : undefined;
    const outcomes: Record<string, Outcome<unknown>> = OUTCOMES[service];
    const outcome = next === undefined ? Object.values(outcomes)[0] : outcomes[next.outcome];
    if (outcome === undefined) throw new Error(`${service} has no outcome ${next?.outcome}`);
    if ('error' in outcome) throw new Error(outcome.error);
    return outcome.output;
  }

  /** What was planned and never asked for (a path the flow did not take), forgotten once told. */
  takeUnused(): readonly string[] {
    return this.planned.splice(0).map((p) => `${p.service}:${p.outcome}`);
  }
}

const fake = <S extends FlowActorName>(script: ServiceScript, service: S) =>
  fromPromise<ServiceOutputs[S], ServiceInputs[S]>(async ({ input }) => script.answer(service, input) as ServiceOutputs[S]);

/** The root machine alone: fake services that answer from the script, and agents on duty during the day. */
export function machineWith(script: ServiceScript) {
  return rootMachine.provide({
    actors: {
      sendVerificationCode: fake(script, 'sendVerificationCode'),
      checkVerificationCode: fake(script, 'checkVerificationCode'),
      checkNewPassword: fake(script, 'checkNewPassword'),
      issueCertificate: fake(script, 'issueCertificate'),
      findValidCertificate: fake(script, 'findValidCertificate'),
      unlockUploadedCertificate: fake(script, 'unlockUploadedCertificate'),
      completeRegistration: fake(script, 'completeRegistration'),
      listCertificates: fake(script, 'listCertificates'),
      releaseCertificate: fake(script, 'releaseCertificate'),
    },
    guards: { agentsOnDuty: ({ event }) => onDuty(event.at) },
  });
}

export type DialogMachine = ReturnType<typeof machineWith>;
