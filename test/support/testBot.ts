import { randomBytes } from 'node:crypto';
import { MemoryStorage, Storage, TestAdapter } from 'botbuilder';
import pino from 'pino';
import { createCertificateBot } from '../../src/app';
import { createLogger, Logger } from '../../src/logging/logger';
import { MemoryLockout, OtpSender } from '../../src/identity/identityProvider';
import { CapturingOtpSender, SandboxIdentityProvider } from '../../src/identity/sandboxIdentityProvider';
import { ActivityDeduplicator, MemoryActivityDeduplicator } from '../../src/state/activityDeduplicator';
import { SecretBox } from '../../src/state/secretBox';

export interface TestBotOptions {
  storage?: Storage;
  deduplicator?: ActivityDeduplicator;
  logger?: Logger;
  clock?: () => number;
  /** Where the sandbox "sends" one-time codes; tests read them from a CapturingOtpSender. */
  otpSender?: OtpSender;
}

/** The real bot on a TestAdapter; storage defaults to memory, logs are silent unless given a logger. */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestAdapter> {
  const bot = await createCertificateBot({
    storage: options.storage ?? new MemoryStorage(),
    deduplicator: options.deduplicator ?? new MemoryActivityDeduplicator({ ttlSeconds: 600 }),
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock,
    box: new SecretBox(randomBytes(32)),
    identity: new SandboxIdentityProvider({ sender: options.otpSender ?? new CapturingOtpSender(), key: randomBytes(32) }),
    lockout: new MemoryLockout({ now: options.clock }),
  });
  return new TestAdapter((context) => bot.run(context));
}

/** A logger whose JSON lines are kept in memory, so a test can read what was logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}
