import type { CertificateAuthority, IssuedNotice } from '../certificates/ca/certificateAuthority';
import type { CertificateService } from '../certificates/certificateService';
import type { CodeVerification } from '../identity/codeVerification';
import type { Logger } from '../logging/logger';
import type { SecretBox } from '../state/secretBox';
import { CodeSteps } from './codeSteps';
import type { ConsentLog } from './consentLog';
import { recordConsents } from './consentStep';
import { IssuanceSteps } from './issuanceSteps';
import { PossessionSteps, type PossessionVerifier } from './possessionSteps';
import type { ConsentTerm, SecureView } from './secureApi';
import { SecureSessions, type SecureSession } from './secureSessions';
import type { SecureStore } from './secureStore';
import { viewOf } from './stepView';
import { TicketBook } from './ticketBook';
import { TICKET_GRACE_MS, TicketLifecycle, type OpenRequest, type SecureDelivery } from './ticketLifecycle';
import type { TicketRecord } from './ticketRecord';

export interface SecureStepsDependencies {
  readonly store: SecureStore;
  readonly consents: ConsentLog;
  /** Seals tickets' records (and the identities the page verifies). */
  readonly box: SecretBox;
  /** 본인 인증 and 추가 인증 codes within the limits. */
  readonly codes: CodeVerification;
  /** The CA behind its gateway: the RA registers customers with it. */
  readonly ca: CertificateAuthority;
  /**
   * Possession checks, and the issuance journal: what the device kept is delivered, what nobody
   * received revoked; and the certificate a renewal replaced, revoked once its successor is delivered.
   */
  readonly certificates: PossessionVerifier & Pick<CertificateService, 'confirmDelivery' | 'abandonIssuance' | 'revoke'>;
  /** How a step's outcome reaches its conversation (the app wires it to the bot). */
  readonly deliver: SecureDelivery;
  /** SECURE_ORIGIN, as the customer's browser reaches it (known once the server listens). */
  readonly origin: () => string;
  /** BANK_APP_LINK, with `{ticket}`. */
  readonly appLink: string;
  /** The sandbox: the page shows codes, labelled as such. */
  readonly sandbox: boolean;
  readonly logger: Logger;
  readonly clock?: () => number;
}

/**
 * The secure step (docs/secure-step.md), without HTTP: the bot opens a step and links the
 * customer to its page; the page redeems the ticket and does the step; its outcome is delivered
 * to the conversation once. `secureRoutes` puts it on the server.
 */
export class SecureSteps {
  readonly sessions: SecureSessions;
  readonly codes: CodeSteps;
  readonly issuance: IssuanceSteps;
  readonly possession: PossessionSteps;
  private readonly lifecycle: TicketLifecycle;
  private readonly clock: () => number;

  constructor(private readonly deps: SecureStepsDependencies) {
    const clock = (this.clock = deps.clock ?? Date.now);
    const { store, box, logger, certificates } = deps;
    const book = new TicketBook(store, box, TICKET_GRACE_MS);
    const lifecycle = (this.lifecycle = new TicketLifecycle({
      book,
      store,
      deliver: deps.deliver,
      certificates,
      origin: deps.origin,
      logger,
      clock,
    }));
    this.sessions = new SecureSessions({ book, store, lifecycle, appLink: deps.appLink, clock });
    this.codes = new CodeSteps({ codes: deps.codes, box, clock });
    this.issuance = new IssuanceSteps({ ca: deps.ca, box, store, lifecycle, certificates, logger, clock });
    this.possession = new PossessionSteps({ verifier: certificates, box, clock });
  }

  /** A ticket for the step, replacing the conversation's older one: the page's URL for the chat's button. */
  async open(request: OpenRequest): Promise<{ readonly url: string }> {
    const { url } = await this.lifecycle.open(request);
    return { url };
  }

  /** The CA's notice of what it issued for a registration (the app routes the CA's notices here). */
  onIssued(notice: IssuedNotice): Promise<void> {
    return this.issuance.onIssued(notice);
  }

  view(record: TicketRecord): SecureView {
    return viewOf(record, this.deps.sandbox);
  }

  /** `POST /secure/api/consent`. */
  consent(session: SecureSession, accepted: readonly ConsentTerm[]): Promise<{ readonly accepted: readonly ConsentTerm[] }> {
    return recordConsents(session, accepted, { consents: this.deps.consents, clock: this.clock });
  }

  /** `POST /secure/api/cancel`: the customer left the page; the chat goes on at that step. */
  async cancel(session: SecureSession): Promise<void> {
    const step = session.record.step.kind;
    await session.change(() => ({ result: undefined, end: { how: 'cancelled', event: { type: 'SECURE_CANCELLED', step } } }));
  }

  /** Ends expired tickets now (the app sweeps every 30 s; tests call it). */
  sweep(): Promise<void> {
    return this.lifecycle.sweep();
  }

  startSweeping(): void {
    this.lifecycle.startSweeping();
  }

  stopSweeping(): void {
    this.lifecycle.stopSweeping();
  }
}
