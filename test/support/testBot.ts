import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter } from 'botbuilder';
import pino from 'pino';
import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import { createCertificateBot } from '../../src/app';
import { CertificateService, createCertificateService } from '../../src/certificates/certificateService';
import { createTranslator } from '../../src/i18n/translator';
import type { HandoffBoard } from '../../src/handoff/handoffBoard';
import { createLogger, Logger } from '../../src/logging/logger';
import type { JourneyEventLog } from '../../src/metrics/journeyEvents';
import type { Metrics } from '../../src/metrics/metrics';
import { ActivityDeduplicator, MemoryActivityDeduplicator } from '../../src/state/activityDeduplicator';
import { SecretBox } from '../../src/state/secretBox';
import { MemoryStateStorage, StateStorage } from '../../src/state/stateStorage';
import { memoryCertificateStores } from '../../src/stores';
import { Customer } from './customer';
import { FakeSecurePages } from './securePagesFake';

export interface TestBotOptions {
  storage?: StateStorage;
  deduplicator?: ActivityDeduplicator;
  logger?: Logger;
  clock?: () => number;
  /** The bot's SECRETS_KEY, which customer ids derive from; random per bot unless given (a restarted bot keeps it). */
  secretsKey?: Buffer;
  /** Channels that play an external handoff hub (none by default). */
  hubChannels?: readonly string[];
  /** The customer the bank's app vouches for, by conversation id (none unless given). */
  appCustomers?: ReadonlyMap<string, VerifiedIdentity>;
  /** The agent desk's board, to share with a desk (in memory, the bot's own, unless given). */
  board?: HandoffBoard;
  /** Where turns and journeys are counted, and journey events kept (nowhere read unless given). */
  metrics?: Metrics;
  journeyLog?: JourneyEventLog;
}

export interface TestBot {
  readonly adapter: TestAdapter;
  /** Where the bot opens secure steps; a test completes them as the page would. */
  readonly pages: FakeSecurePages;
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

/** The real bot on a TestAdapter, with a fake secure page; storage defaults to memory, logs are silent unless given a logger. */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const box = new SecretBox(options.secretsKey ?? randomBytes(32));
  const pages = new FakeSecurePages(box);
  const bot = await createCertificateBot({
    storage: options.storage ?? new MemoryStateStorage(),
    deduplicator: options.deduplicator ?? new MemoryActivityDeduplicator({ ttlSeconds: 600 }),
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock,
    box,
    certificates: await testCertificateService(),
    securePages: pages,
    appCustomer: async (activity) => options.appCustomers?.get(activity.conversation.id),
    flowIdleMs: 10 * 60_000,
    hubChannels: options.hubChannels,
    board: options.board,
    metrics: options.metrics,
    journeyLog: options.journeyLog,
  });
  pages.connect(bot, await createTranslator());
  return { adapter: new TestAdapter((context) => bot.run(context)), pages };
}

/** A logger whose JSON lines are kept in memory, so a test can read what was logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** A customer who has joined a fresh bot, with the secure page the bot opens steps on. */
export async function joinedCustomer(options: TestBotOptions = {}): Promise<TestBot & { customer: Customer }> {
  const testBot = await createTestBot(options);
  const customer = new Customer(testBot.adapter, testBot.pages);
  await customer.join();
  return { ...testBot, customer };
}
