import { fromPromise, emit } from 'xstate';
import type * as Flow from '../../../dialogs/contract/services';
import { rootMachine } from '../../../dialogs/rootMachine';
import type { CertificateService } from '../../certificates/certificateService';
import { lookupPolicy } from '../../certificates/npki/certificatePolicies';
import type { ServiceHours } from '../../handoff/serviceHours';
import type { Logger } from '../../logging/logger';

export interface FlowServiceDependencies {
  readonly certificates: CertificateService;
  readonly logger: Logger;
  readonly now: () => Date;
  /** When agents take conversations; a customer asking for one outside these hours is told when to come back. */
  readonly serviceHours: ServiceHours;
}

/**
 * The root machine with the bot's services behind its named actors, and the service hours behind
 * its guard. Whatever needs a secret happens on the secure page (src/secure), not here.
 */
export function provideFlowServices(deps: FlowServiceDependencies) {
  return rootMachine.provide({
    guards: {
      agentsOnDuty: ({ event }) => deps.serviceHours.isOpen(new Date(event.at)),
    },
    actions: {
      tellAgentHours: emit({ type: 'reply', key: 'handoff.outOfHours', params: { hours: deps.serviceHours.description } }),
    },
    actors: {
      findValidCertificate: fromPromise<Flow.FindCertificateOutput, Flow.FindCertificateInput>(({ input }) =>
        logged(deps, 'findValidCertificate', findValidCertificate(deps, input)),
      ),
      listCertificates: fromPromise<Flow.ListCertificatesOutput, Flow.ListCertificatesInput>(({ input }) =>
        logged(deps, 'listCertificates', listCertificates(deps, input)),
      ),
      releaseCertificate: fromPromise<Flow.ReleaseOutput, Flow.ReleaseInput>(({ input }) =>
        logged(deps, 'releaseCertificate', releaseCertificate(deps, input)),
      ),
      revokeReplaced: fromPromise<Flow.RevokeReplacedOutput, Flow.RevokeReplacedInput>(({ input }) =>
        logged(deps, 'revokeReplaced', revokeReplaced(deps, input)),
      ),
    },
  });
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

/** Reissue and renewal: the old certificate is revoked only once its successor is on the customer's device. */
async function revokeReplaced(deps: FlowServiceDependencies, input: Flow.RevokeReplacedInput): Promise<Flow.RevokeReplacedOutput> {
  await deps.certificates.revoke(input.customerId, input.replaces.fingerprint, input.replaces.reason, { actor: 'customer' });
  return { issued: input.issued, replaced: input.replaces.mode };
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
