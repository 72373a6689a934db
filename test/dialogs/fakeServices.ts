import { fromPromise } from 'xstate';
import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { IssuedCertificate, RegisteredCertificate } from '../../dialogs/contract/secure';
import type {
  CertificateChoice,
  FindCertificateInput,
  FindCertificateOutput,
  ListCertificatesInput,
  ListCertificatesOutput,
  ReleaseInput,
  ReleaseOutput,
  RevokeReplacedInput,
  RevokeReplacedOutput,
} from '../../dialogs/contract/services';
import type { FlowActorName } from '../../dialogs/flowSetup';
import { rootMachine } from '../../dialogs/rootMachine';

/** What each service is given and answers, by the contract (dialogs/contract/services.ts). */
interface ServiceInputs {
  findValidCertificate: FindCertificateInput;
  listCertificates: ListCertificatesInput;
  releaseCertificate: ReleaseInput;
  revokeReplaced: RevokeReplacedInput;
}

interface ServiceOutputs {
  findValidCertificate: FindCertificateOutput;
  listCertificates: ListCertificatesOutput;
  releaseCertificate: ReleaseOutput;
  revokeReplaced: RevokeReplacedOutput;
}

/** A service's answer: its output, or a failure (the service threw). */
export type Outcome<TOutput> = { readonly output: TOutput } | { readonly error: string };

/** Agents are at the desk from 09:00 to 18:00 (UTC here: the fake needs no time zone). */
export const ON_DUTY_AT = Date.UTC(2026, 2, 2, 10);
export const OFF_DUTY_AT = Date.UTC(2026, 2, 2, 22);
const onDuty = (at: number): boolean => new Date(at).getUTCHours() >= 9 && new Date(at).getUTCHours() < 18;

/** The customer as the secure page's 본인 인증 verified them: masked, hashed and sealed values only. */
export const PAGE_CUSTOMER: VerifiedIdentity = {
  name: '홍길동',
  customerId: 'customer-1',
  maskedRrn: '900101-1******',
  birthDate: ['900101', '19900101'],
  sealedRrn: 'sealed-rrn',
  carrier: 'KT',
  maskedPhone: '010-****-1357',
  sealedPhone: 'sealed-phone',
};

/** The customer the bank's app passed with the chat's token: someone else than the page's, to tell them apart. */
export const APP_CUSTOMER: VerifiedIdentity = {
  name: '김영희',
  customerId: 'customer-app',
  maskedRrn: '850505-2******',
  birthDate: ['850505', '19850505'],
  sealedRrn: 'sealed-rrn-app',
  carrier: 'SKT',
  maskedPhone: '010-****-2468',
  sealedPhone: 'sealed-phone-app',
};

/** What the CA issued on the customer's device, as the page's completion carries it. */
export const ISSUED: IssuedCertificate = {
  serialNumber: '0a1b',
  notBefore: '2026-03-02',
  notAfter: '2027-03-02',
  ca: 'yessign',
  type: 'personalBanking',
  maskedName: '홍*동',
};

/** Another institution's certificate, registered by proof of possession on the page. */
export const REGISTERED: RegisteredCertificate = {
  ca: 'KICA',
  kind: 'personalGeneral',
  notAfter: '2027-03-02',
  registeredAt: '2026-03-02',
};

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

/**
 * Every answer each service can give, by name: the first is the one it gives unless a test plans
 * another. Failures are thrown, as a broken dependency would.
 */
export const OUTCOMES = {
  findValidCertificate: {
    none: { output: {} },
    alreadyHeld: { output: { notAfter: '2027-01-31' } },
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
  revokeReplaced: {
    reissued: { output: { issued: ISSUED, replaced: 'reissue' } },
    unavailable: { error: 'the CA is down' },
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
      findValidCertificate: fake(script, 'findValidCertificate'),
      listCertificates: fake(script, 'listCertificates'),
      releaseCertificate: fake(script, 'releaseCertificate'),
      revokeReplaced: fake(script, 'revokeReplaced'),
    },
    guards: { agentsOnDuty: ({ event }) => onDuty(event.at) },
  });
}

export type DialogMachine = ReturnType<typeof machineWith>;
