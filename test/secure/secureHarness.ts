import { randomBytes } from 'node:crypto';
import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { SecureInput, SecureStepSpec } from '../../dialogs/contract/secure';
import type { CaRegistration, CaRenewal, CertificateAuthority } from '../../src/certificates/ca/certificateAuthority';
import type { Actor } from '../../src/certificates/certificateService';
import type { RegisteredCertificate } from '../../src/certificates/stores/certificateRegistry';
import { CodeVerification } from '../../src/identity/codeVerification';
import { parseMobileNumber } from '../../src/identity/phoneNumber';
import { parseResidentRegistrationNumber } from '../../src/identity/residentRegistrationNumber';
import { CapturingOtpSender, SandboxIdentityProvider } from '../../src/identity/sandboxIdentityProvider';
import { sealIdentity } from '../../src/identity/sealedIdentity';
import { MemoryVerificationLimits, type VerificationLimits } from '../../src/identity/verificationLimits';
import { createLogger, type Logger } from '../../src/logging/logger';
import { MemoryConsentLog, type ConsentLog } from '../../src/secure/consentLog';
import type { PossessionRequest } from '../../src/secure/possessionSteps';
import type { SecureConversation } from '../../src/secure/ticketRecord';
import { SecureSteps } from '../../src/secure/secureSteps';
import { MemorySecureStore, type SecureStore } from '../../src/secure/secureStore';
import { stateAddress } from '../../src/state/conversationStore';
import { SecretBox } from '../../src/state/secretBox';

export const SECURE_ORIGIN = 'https://secure.bank.example';
export const CUSTOMER = { name: '홍길동', rrn: '900101-1234567', phone: '010-1234-5678', carrier: 'SKT' } as const;

/** What a test sees of a secure step: its deliveries, its revocations, the codes sent, and the clock. */
export interface Harness {
  readonly steps: SecureSteps;
  readonly box: SecretBox;
  readonly delivered: Array<{ conversation: SecureConversation; event: SecureInput }>;
  /** The issuance journal, faked: issuances confirmed delivered, and those abandoned (revoked), by reference number. */
  readonly confirmed: Array<{ referenceNumber: string; serialNumber: string }>;
  readonly abandoned: string[];
  /** Whether the journal still has an issuance to confirm (false once its window passed). */
  journalKeeps: boolean;
  /** Whether revoking through the certificate service fails (the CA down). */
  revokeFails: boolean;
  readonly codes: CapturingOtpSender;
  readonly consents: ConsentLog;
  readonly ca: CertificateAuthority & { registered: number };
  /** What the RA asked the CA, in order: a registration (with the 주민등록번호) or a renewal from the CA's own record. */
  readonly caRequests: Array<{ readonly register: CaRegistration } | { readonly renew: CaRenewal }>;
  /** Certificates revoked through the certificate service, and how many steps had been delivered by then. */
  readonly revoked: Array<{ customerId: string; fingerprint: string; reason: string; actor: Actor; deliveredBefore: number }>;
  /** What the possession check answers (the certificate core's, faked). */
  verify: (request: PossessionRequest) => Promise<RegisteredCertificate>;
  readonly possessionRequests: PossessionRequest[];
  now: number;
  advance(ms: number): void;
  /** The customer the bank knows, sealed as the flow keeps them. */
  readonly customer: VerifiedIdentity;
  /** Opens a step for conversation `conv-<n>`; the ticket (the URL's last part). */
  open(step: SecureStepSpec, options?: { conversation?: string; customer?: VerifiedIdentity }): Promise<string>;
}

export interface HarnessOptions {
  readonly store?: (clock: () => number) => SecureStore;
  readonly consents?: ConsentLog;
  readonly limits?: VerificationLimits;
  readonly logger?: Logger;
}

export function harness(options: HarnessOptions = {}): Harness {
  const box = new SecretBox(randomBytes(32));
  let registered = 0;
  const authorization = () => {
    registered += 1;
    return { referenceNumber: `reference-${registered}`, authCode: `authorisation-${registered}` };
  };
  const ca: Harness['ca'] = {
    endpoint: { url: 'https://ca.bank.example/ca/v1/certificates', certificate: new Uint8Array([48, 3, 2, 1, 1]) },
    async register(registration) {
      h.caRequests.push({ register: registration });
      return authorization();
    },
    async renew(renewal) {
      h.caRequests.push({ renew: renewal });
      return authorization();
    },
    get registered() {
      return registered;
    },
  };
  const customer = sealIdentity(box, {
    name: CUSTOMER.name,
    rrn: valueOf(parseResidentRegistrationNumber(CUSTOMER.rrn, new Date())),
    phone: valueOf(parseMobileNumber(CUSTOMER.phone)),
    carrier: CUSTOMER.carrier,
  });
  const codes = new CapturingOtpSender();
  const consents = options.consents ?? new MemoryConsentLog();
  const clock = () => h.now;
  const steps = new SecureSteps({
    store: options.store?.(clock) ?? new MemorySecureStore(clock),
    consents,
    box,
    codes: new CodeVerification({
      identity: new SandboxIdentityProvider({ sender: codes, key: box.hashKey('otp'), revealCodes: true }),
      limits: options.limits ?? new MemoryVerificationLimits(),
      box,
    }),
    ca,
    certificates: {
      verifyPossession: (request: PossessionRequest) => {
        h.possessionRequests.push(request);
        return h.verify(request);
      },
      confirmDelivery: async (referenceNumber: string, serialNumber: string) => {
        h.confirmed.push({ referenceNumber, serialNumber });
        return h.journalKeeps;
      },
      abandonIssuance: async (referenceNumber: string) => {
        h.abandoned.push(referenceNumber);
        return 'revoked' as const;
      },
      revoke: async (customerId: string, fingerprint: string, reason: string, actor: Actor) => {
        if (h.revokeFails) throw new Error('the CA is down');
        h.revoked.push({ customerId, fingerprint, reason, actor, deliveredBefore: h.delivered.length });
        return { customerId, fingerprintSha256: fingerprint, status: 'revoked', revocationReason: reason } as RegisteredCertificate;
      },
    },
    deliver: async (conversation, event) => void h.delivered.push({ conversation, event }),
    origin: () => SECURE_ORIGIN,
    appLink: 'bankapp://secure?ticket={ticket}',
    sandbox: true,
    logger: options.logger ?? createLogger('silent'),
    clock,
  });
  const h: Harness = {
    steps,
    box,
    codes,
    consents,
    ca,
    customer,
    delivered: [],
    confirmed: [],
    abandoned: [],
    caRequests: [],
    revoked: [],
    journalKeeps: true,
    revokeFails: false,
    possessionRequests: [],
    verify: async () => {
      throw new Error('no possession check was expected');
    },
    now: Date.UTC(2026, 11, 2, 3, 0, 0),
    advance(ms) {
      h.now += ms;
    },
    async open(step, { conversation = 'conv-1', customer: known } = {}) {
      const { url } = await steps.open({
        address: stateAddress('directline', conversation, 'user-1'),
        reference: {
          channelId: 'directline',
          serviceUrl: 'http://127.0.0.1:9/',
          conversation: { id: conversation },
          bot: { id: 'bot' },
          user: { id: 'user-1' },
        },
        language: 'ko',
        step,
        customer: known,
      });
      expect(url.startsWith(`${SECURE_ORIGIN}/secure/`)).toBe(true);
      return url.slice(`${SECURE_ORIGIN}/secure/`.length);
    },
  };
  return h;
}

function valueOf<T>(parsed: { ok: true; value: T } | { ok: false }): T {
  if (!parsed.ok) throw new Error('the fixture does not parse');
  return parsed.value;
}
