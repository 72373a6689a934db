import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter } from 'botbuilder';
import { MemoryStateStorage, StateStorage } from '../../src/state/stateStorage';
import pino from 'pino';
import { createCertificateBot } from '../../src/app';
import { CertificateService, createCertificateService } from '../../src/certificates/certificateService';
import { memoryCertificateStores } from '../../src/stores';
import { DownloadStore, MemoryDownloadStore } from '../../src/certificates/stores/downloadStore';
import { createLogger, Logger } from '../../src/logging/logger';
import type { OtpSender } from '../../src/identity/identityProvider';
import { MemoryVerificationLimits, VerificationLimits } from '../../src/identity/verificationLimits';
import { CapturingOtpSender, SandboxIdentityProvider } from '../../src/identity/sandboxIdentityProvider';
import { ActivityDeduplicator, MemoryActivityDeduplicator } from '../../src/state/activityDeduplicator';
import { SecretBox } from '../../src/state/secretBox';
import { Customer } from './customer';

export interface TestBotOptions {
  storage?: StateStorage;
  deduplicator?: ActivityDeduplicator;
  logger?: Logger;
  clock?: () => number;
  /** Where the sandbox "sends" one-time codes; tests read them from a CapturingOtpSender. */
  otpSender?: OtpSender;
  downloads?: DownloadStore;
  /** Where codes sent and typed are counted; in memory, one per bot, unless given (Redis, to outlive a bot). */
  verificationLimits?: VerificationLimits;
  /** The bot's SECRETS_KEY, which customer and phone ids derive from; random per bot unless given (a restarted bot keeps it). */
  secretsKey?: Buffer;
  /** Channels that play an external handoff hub (none by default). */
  hubChannels?: readonly string[];
}

let certificates: Promise<CertificateService> | undefined;

/** One sandbox CA for the test run, kept in a shared temporary folder (created once, like CA_DIR). */
export function testCertificateService(): Promise<CertificateService> {
  certificates ??= createCertificateService({
    caDirectory: join(tmpdir(), 'jca-test-ca'),
    crlUrl: (caId) => `http://127.0.0.1:3978/ca/${caId}.crl`,
    stores: memoryCertificateStores(),
  });
  return certificates;
}

/** The real bot on a TestAdapter; storage defaults to memory, logs are silent unless given a logger. */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestAdapter> {
  const box = new SecretBox(options.secretsKey ?? randomBytes(32));
  const bot = await createCertificateBot({
    storage: options.storage ?? new MemoryStateStorage(),
    deduplicator: options.deduplicator ?? new MemoryActivityDeduplicator({ ttlSeconds: 600 }),
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock,
    box,
    identity: new SandboxIdentityProvider({ sender: options.otpSender ?? new CapturingOtpSender(), key: randomBytes(32) }),
    verificationLimits: options.verificationLimits ?? new MemoryVerificationLimits(),
    certificates: await testCertificateService(),
    downloads: options.downloads ?? new MemoryDownloadStore(box),
    publicBaseUrl: 'http://127.0.0.1:3978',
    flowIdleMs: 10 * 60_000,
    uploadHosts: [],
    hubChannels: options.hubChannels,
  });
  return new TestAdapter((context) => bot.run(context));
}

/** A logger whose JSON lines are kept in memory, so a test can read what was logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** A customer who has joined a fresh bot, with the sender that captures the sandbox's codes. */
export async function joinedCustomer(
  options: TestBotOptions = {},
): Promise<{ otp: CapturingOtpSender; adapter: TestAdapter; customer: Customer }> {
  const otp = new CapturingOtpSender();
  const adapter = await createTestBot({ otpSender: otp, ...options });
  const customer = new Customer(adapter);
  await customer.join();
  return { otp, adapter, customer };
}
