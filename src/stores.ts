import type Redis from 'ioredis';
import { MemoryAgentSessions, RedisAgentSessions, type AgentSessions } from './agentDesk/agentSessions';
import { MemorySignInThrottle, RedisSignInThrottle, type SignInThrottle } from './agentDesk/signInThrottle';
import { MemoryAuditLog } from './certificates/stores/auditLog';
import { MemoryCaLedger } from './certificates/ca/caLedger';
import { type CaRegistrations, MemoryCaRegistrations, RedisCaRegistrations } from './certificates/ca/caRegistrations';
import { MemoryCaSubscribers } from './certificates/ca/caSubscribers';
import { type CertificateStores, UNDELIVERED_REVOCATION_REASON } from './certificates/certificateService';
import { MemoryCertificateRegistry } from './certificates/stores/certificateRegistry';
import { MemoryIssuanceJournal } from './certificates/ca/issuanceJournal';
import { StepwiseIssuanceRecording } from './certificates/stores/issuanceRecording';
import { MemoryStaffAccessLog, type StaffAccessLog } from './agentDesk/staffAccessLog';
import { ACTIVITY_FEED, type ActivityFeed } from './directLine/activityFeed';
import { MemoryDirectLineStore, type DirectLineStore } from './directLine/directLineStore';
import { RedisDirectLineStore } from './directLine/redisDirectLineStore';
import { MemoryHandoffAudit, type HandoffAudit } from './handoff/handoffAudit';
import { MemoryHandoffBoard, RedisHandoffBoard, type HandoffBoard } from './handoff/handoffBoard';
import { MemoryConsentLog, type ConsentLog } from './secure/consentLog';
import { MemorySecureStore, RedisSecureStore, type SecureStore } from './secure/secureStore';
import { DESK_EVENTS, type DeskEvents } from './handoff/handoffEvents';
import { MemoryVerificationLimits, RedisVerificationLimits, type VerificationLimits } from './identity/verificationLimits';
import type { Logger } from './logging/logger';
import { MemoryActivityDeduplicator, RedisActivityDeduplicator, type ActivityDeduplicator } from './state/activityDeduplicator';
import { MemoryBroadcast, RedisBroadcast, RedisPubSub } from './state/broadcast';
import { RedisStorage } from './state/redisStorage';
import type { SecretBox } from './state/secretBox';
import type { Database } from './records/database';
import { SqlCaLedger } from './records/sqlCaLedger';
import { SqlCertificateRegistry } from './records/sqlCertificateRegistry';
import { SqlAuditLog, SqlHandoffAudit } from './records/sqlAuditLog';
import { SqlIssuanceJournal } from './records/sqlIssuanceJournal';
import { SqlCaSubscribers } from './records/sqlCaSubscribers';
import { SqlIssuanceRecording } from './records/sqlIssuanceRecording';
import { SqlConsentLog } from './records/sqlConsentLog';
import { SqlStaffAccessLog } from './records/sqlStaffAccessLog';
import { MemoryStateStorage, type StateStorage } from './state/stateStorage';

/**
 * Every store the app keeps. The system of record (certificates, the CA's ledger, the journal,
 * consents, the audit, staff access) is the database: PostgreSQL, or PGlite in one process. The
 * rest (conversations, tickets, dedupe, pub/sub) is Redis, shared by every instance and surviving
 * restarts, or memory, for one process.
 */
export interface Stores {
  /** Conversations' flows and transcripts, and customers' preferences. */
  readonly state: StateStorage;
  readonly deduplicator: ActivityDeduplicator;
  readonly verificationLimits: VerificationLimits;
  readonly certificates: CertificateStores;
  readonly handoffBoard: HandoffBoard;
  readonly handoffAudit: HandoffAudit;
  readonly staffAccess: StaffAccessLog;
  readonly deskEvents: DeskEvents;
  readonly agentSessions: AgentSessions;
  readonly signInThrottle: SignInThrottle;
  readonly directLine: DirectLineStore;
  readonly activityFeed: ActivityFeed;
  /** The secure step's tickets and their links. */
  readonly secure: SecureStore;
  readonly consents: ConsentLog;
  /** Ends the broadcasts' subscriber connection; the Redis client and the database are their givers' to close. */
  close(): void;
}

export interface StoreSettings {
  /** Prepended to every Redis key and channel, e.g. `jca:`. */
  readonly prefix: string;
  /** How long a conversation's state, and a Direct Line conversation, live untouched. */
  readonly stateTtlSeconds: number;
  /** How long a claimed activity is remembered, so a channel's redelivery is skipped. */
  readonly dedupTtlSeconds: number;
  readonly agentSessionTtlSeconds: number;
  /** Seals the CA's registrations and subscriber records, and keys the sign-in throttle's hashes of agent ids. */
  readonly box: SecretBox;
  readonly logger: Logger;
}

/** The records a database keeps, or memory's stand-ins for tests and tools. */
type Records = Pick<Stores, 'handoffAudit' | 'staffAccess' | 'consents'> & {
  readonly certificates: Omit<CertificateStores, 'caRegistrations'>;
};

/** The one place that chooses: the database for the records whenever given, Redis for the rest whenever given. */
export function createStores(redis: Redis | undefined, database: Database | undefined, settings: StoreSettings): Stores {
  const records = database === undefined ? memoryRecords() : databaseRecords(database, settings.box);
  const rest = redis === undefined ? memoryStores(settings) : redisStores(redis, settings);
  return { ...rest, ...records, certificates: { ...records.certificates, caRegistrations: rest.caRegistrations } };
}

type Rest = Omit<Stores, keyof Records | 'certificates'> & { readonly caRegistrations: CaRegistrations };

function memoryStores(settings: StoreSettings): Rest {
  return {
    state: new MemoryStateStorage(),
    deduplicator: new MemoryActivityDeduplicator({ ttlSeconds: settings.dedupTtlSeconds }),
    verificationLimits: new MemoryVerificationLimits(),
    caRegistrations: new MemoryCaRegistrations(),
    handoffBoard: new MemoryHandoffBoard(),
    deskEvents: new MemoryBroadcast(DESK_EVENTS),
    agentSessions: new MemoryAgentSessions({ ttlSeconds: settings.agentSessionTtlSeconds }),
    signInThrottle: new MemorySignInThrottle(),
    directLine: new MemoryDirectLineStore(settings.stateTtlSeconds),
    activityFeed: new MemoryBroadcast(ACTIVITY_FEED),
    secure: new MemorySecureStore(),
    close: () => undefined,
  };
}

function redisStores(redis: Redis, settings: StoreSettings): Rest {
  const { prefix, logger } = settings;
  const pubSub = new RedisPubSub(redis, prefix);
  return {
    state: new RedisStorage(redis, { prefix, ttlSeconds: settings.stateTtlSeconds, logger }),
    deduplicator: new RedisActivityDeduplicator(redis, { prefix: `${prefix}seen/`, ttlSeconds: settings.dedupTtlSeconds }),
    verificationLimits: new RedisVerificationLimits(redis, { prefix }),
    caRegistrations: new RedisCaRegistrations(redis, settings.box, prefix),
    handoffBoard: new RedisHandoffBoard(redis, prefix),
    deskEvents: new RedisBroadcast(pubSub, DESK_EVENTS),
    agentSessions: new RedisAgentSessions(redis, { prefix, ttlSeconds: settings.agentSessionTtlSeconds }),
    signInThrottle: new RedisSignInThrottle(redis, { prefix, idKey: settings.box.hashKey('agent-sign-in') }),
    directLine: new RedisDirectLineStore(redis, { prefix, ttlSeconds: settings.stateTtlSeconds }),
    activityFeed: new RedisBroadcast(pubSub, ACTIVITY_FEED),
    secure: new RedisSecureStore(redis, prefix),
    close: () => pubSub.close(),
  };
}

function databaseRecords(db: Database, box: SecretBox): Records {
  return {
    certificates: {
      caLedger: (caId) => new SqlCaLedger(db, caId),
      registry: new SqlCertificateRegistry(db),
      audit: new SqlAuditLog(db),
      issuances: new SqlIssuanceJournal(db),
      caSubscribers: new SqlCaSubscribers(db, box),
      recording: new SqlIssuanceRecording(db, UNDELIVERED_REVOCATION_REASON),
    },
    handoffAudit: new SqlHandoffAudit(db),
    staffAccess: new SqlStaffAccessLog(db),
    consents: new SqlConsentLog(db),
  };
}

function memoryRecords(): Records {
  return {
    certificates: memoryCertificateStores(),
    handoffAudit: new MemoryHandoffAudit(),
    staffAccess: new MemoryStaffAccessLog(),
    consents: new MemoryConsentLog(),
  };
}

/** The certificate core's records alone, in a database (benches, tools), the CA's short-lived registrations in memory. */
export function databaseCertificateStores(db: Database, box: SecretBox): CertificateStores {
  return { ...databaseRecords(db, box).certificates, caRegistrations: new MemoryCaRegistrations() };
}

/** The certificate core's records alone, in memory (tests, benches, the sandbox's tools); `createStores` gives them with the rest. */
export function memoryCertificateStores(): CertificateStores {
  const ledgers = new Map<string, MemoryCaLedger>();
  const caLedger = (caId: string): MemoryCaLedger => {
    const ledger = ledgers.get(caId) ?? new MemoryCaLedger();
    ledgers.set(caId, ledger);
    return ledger;
  };
  const registry = new MemoryCertificateRegistry();
  const audit = new MemoryAuditLog();
  const issuances = new MemoryIssuanceJournal();
  return {
    caLedger,
    registry,
    audit,
    issuances,
    caRegistrations: new MemoryCaRegistrations(),
    caSubscribers: new MemoryCaSubscribers(),
    recording: new StepwiseIssuanceRecording({ caLedger, issuances, registry, audit }, UNDELIVERED_REVOCATION_REASON),
  };
}
