import type Redis from 'ioredis';
import { MemoryAgentSessions, RedisAgentSessions, type AgentSessions } from './agentDesk/agentSessions';
import { MemorySignInThrottle, RedisSignInThrottle, type SignInThrottle } from './agentDesk/signInThrottle';
import { MemoryAuditLog, RedisAuditLog } from './certificates/stores/auditLog';
import { MemoryCaLedger, RedisCaLedger } from './certificates/ca/caLedger';
import { MemoryCaRegistrations, RedisCaRegistrations } from './certificates/ca/caRegistrations';
import type { CertificateStores } from './certificates/certificateService';
import { MemoryCertificateRegistry, RedisCertificateRegistry } from './certificates/stores/certificateRegistry';
import { MemoryIssuanceJournal, RedisIssuanceJournal } from './certificates/ca/issuanceJournal';
import { ACTIVITY_FEED, type ActivityFeed } from './directLine/activityFeed';
import { MemoryDirectLineStore, type DirectLineStore } from './directLine/directLineStore';
import { RedisDirectLineStore } from './directLine/redisDirectLineStore';
import { MemoryHandoffAudit, RedisHandoffAudit, type HandoffAudit } from './handoff/handoffAudit';
import { MemoryHandoffBoard, RedisHandoffBoard, type HandoffBoard } from './handoff/handoffBoard';
import { MemoryConsentLog, RedisConsentLog, type ConsentLog } from './secure/consentLog';
import { MemorySecureStore, RedisSecureStore, type SecureStore } from './secure/secureStore';
import { DESK_EVENTS, type DeskEvents } from './handoff/handoffEvents';
import { MemoryVerificationLimits, RedisVerificationLimits, type VerificationLimits } from './identity/verificationLimits';
import type { Logger } from './logging/logger';
import { MemoryActivityDeduplicator, RedisActivityDeduplicator, type ActivityDeduplicator } from './state/activityDeduplicator';
import { MemoryBroadcast, RedisBroadcast, RedisPubSub } from './state/broadcast';
import { RedisStorage } from './state/redisStorage';
import type { SecretBox } from './state/secretBox';
import { MemoryStateStorage, type StateStorage } from './state/stateStorage';

/** Every store the app keeps: on Redis, shared by every instance and surviving restarts, or in memory, for one process. */
export interface Stores {
  /** Conversations' flows and transcripts, and customers' preferences. */
  readonly state: StateStorage;
  readonly deduplicator: ActivityDeduplicator;
  readonly verificationLimits: VerificationLimits;
  readonly certificates: CertificateStores;
  readonly handoffBoard: HandoffBoard;
  readonly handoffAudit: HandoffAudit;
  readonly deskEvents: DeskEvents;
  readonly agentSessions: AgentSessions;
  readonly signInThrottle: SignInThrottle;
  readonly directLine: DirectLineStore;
  readonly activityFeed: ActivityFeed;
  /** The secure step's tickets and their links, and the consents given on its page. */
  readonly secure: SecureStore;
  readonly consents: ConsentLog;
  /** Ends the broadcasts' subscriber connection; the Redis client is its giver's to close. */
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
  /** Seals the CA's registrations, and keys the sign-in throttle's hashes of agent ids. */
  readonly box: SecretBox;
  readonly logger: Logger;
}

/** The one place that chooses between Redis and memory: Redis whenever the app was given it. */
export function createStores(redis: Redis | undefined, settings: StoreSettings): Stores {
  return redis === undefined ? memoryStores(settings) : redisStores(redis, settings);
}

function memoryStores(settings: StoreSettings): Stores {
  return {
    state: new MemoryStateStorage(),
    deduplicator: new MemoryActivityDeduplicator({ ttlSeconds: settings.dedupTtlSeconds }),
    verificationLimits: new MemoryVerificationLimits(),
    certificates: memoryCertificateStores(),
    handoffBoard: new MemoryHandoffBoard(),
    handoffAudit: new MemoryHandoffAudit(),
    deskEvents: new MemoryBroadcast(DESK_EVENTS),
    agentSessions: new MemoryAgentSessions({ ttlSeconds: settings.agentSessionTtlSeconds }),
    signInThrottle: new MemorySignInThrottle(),
    directLine: new MemoryDirectLineStore(settings.stateTtlSeconds),
    activityFeed: new MemoryBroadcast(ACTIVITY_FEED),
    secure: new MemorySecureStore(),
    consents: new MemoryConsentLog(),
    close: () => undefined,
  };
}

function redisStores(redis: Redis, settings: StoreSettings): Stores {
  const { prefix, logger } = settings;
  const pubSub = new RedisPubSub(redis, prefix);
  return {
    state: new RedisStorage(redis, { prefix, ttlSeconds: settings.stateTtlSeconds, logger }),
    deduplicator: new RedisActivityDeduplicator(redis, { prefix: `${prefix}seen/`, ttlSeconds: settings.dedupTtlSeconds }),
    verificationLimits: new RedisVerificationLimits(redis, { prefix }),
    certificates: redisCertificateStores(redis, prefix, settings.box, logger),
    handoffBoard: new RedisHandoffBoard(redis, prefix),
    handoffAudit: new RedisHandoffAudit(redis, prefix),
    deskEvents: new RedisBroadcast(pubSub, DESK_EVENTS),
    agentSessions: new RedisAgentSessions(redis, { prefix, ttlSeconds: settings.agentSessionTtlSeconds }),
    signInThrottle: new RedisSignInThrottle(redis, { prefix, idKey: settings.box.hashKey('agent-sign-in') }),
    directLine: new RedisDirectLineStore(redis, { prefix, ttlSeconds: settings.stateTtlSeconds }),
    activityFeed: new RedisBroadcast(pubSub, ACTIVITY_FEED),
    secure: new RedisSecureStore(redis, prefix),
    consents: new RedisConsentLog(redis, prefix),
    close: () => pubSub.close(),
  };
}

/** The certificate core's records alone, in memory (tests, benches, the sandbox's tools); `createStores` gives them with the rest. */
export function memoryCertificateStores(): CertificateStores {
  return {
    caLedger: () => new MemoryCaLedger(),
    registry: new MemoryCertificateRegistry(),
    audit: new MemoryAuditLog(),
    issuances: new MemoryIssuanceJournal(),
    caRegistrations: new MemoryCaRegistrations(),
  };
}

/** The certificate core's records alone, on Redis (`box` seals the CA's registrations); `createStores` gives them with the rest. */
export function redisCertificateStores(redis: Redis, prefix: string, box: SecretBox, logger?: Logger): CertificateStores {
  return {
    caLedger: (caId) => new RedisCaLedger(redis, { prefix, caId }),
    registry: new RedisCertificateRegistry(redis, { prefix, logger }),
    audit: new RedisAuditLog(redis, { prefix }),
    issuances: new RedisIssuanceJournal(redis, prefix),
    caRegistrations: new RedisCaRegistrations(redis, box, prefix),
  };
}
