import { randomInt } from 'node:crypto';
import type Redis from 'ioredis';
import ko from '../../locales/ko/translation.json';
import { normalizeSerial } from '../../src/certificates/ca/certificateRevocationList';
import { createTranslator } from '../../src/i18n/translator';
import type { HttpCustomer } from './httpCustomer';
import { CUSTOMER } from './journeys';
import { keysMatching } from './redisCleanup';

export const CERT_PASSWORD = 'Gildong#2026!';

/** A customer of their own for each drill: nobody already holds a certificate under this 주민등록번호. */
export function freshRrn(): string {
  return `900101-1${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** The start of a Korean reply as the locales have it (up to its first parameter or line break), to recognize it. */
export function promptOf(key: string): string {
  const template = key
    .split('.')
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), ko);
  if (typeof template !== 'string') throw new Error(`no Korean text for ${key}`);
  return template.split(/\{\{|\[\[|\n/)[0]?.trim() ?? template;
}

/** What the customer sees for `issuance.interrupted` now: its Korean text once translated, the key itself until then. */
export async function interruptedText(): Promise<string> {
  return (await createTranslator()).forLanguage('ko')('issuance.interrupted');
}

export function expectReply(texts: readonly string[], key: string): void {
  const prompt = promptOf(key);
  if (!texts.some((text) => text.startsWith(prompt) || text.includes(prompt))) {
    throw new Error(`expected the reply "${key}" (${prompt}…), got:\n${texts.join('\n---\n')}`);
  }
}

export const downloadLinkIn = (texts: readonly string[]): string | undefined =>
  /(https?:\/\/\S+\/certificates\/download\/[\w-]+)/.exec(texts.join('\n'))?.[1];

/**
 * 발급 over HTTP up to the question that asks for the password a second time, checking every
 * step's question: `botUrl(i)` picks the instance for the i-th turn (round robin in a drill).
 */
export async function issuanceUntilConfirmation(customer: HttpCustomer, botUrl: (turn: number) => string, rrn: string): Promise<void> {
  let turn = 0;
  const say = (text: string) => customer.say(botUrl(turn++), text);
  expectReply(await say('인증서 발급'), 'identity.askName');
  expectReply(await say(CUSTOMER.name), 'identity.askRrn');
  expectReply(await say(rrn), 'identity.askCarrier');
  expectReply(await say(CUSTOMER.carrier), 'identity.askPhone');
  const sent = await say(CUSTOMER.phone);
  expectReply(sent, 'identity.sandboxCode');
  const code = /인증번호: (\d{6})/.exec(sent.join('\n'))?.[1];
  if (code === undefined) throw new Error(`no sandbox code in: ${sent.join(' | ')}`);
  expectReply(await say(code), 'issuance.terms');
  expectReply(await say('동의합니다'), 'issuance.chooseType');
  expectReply(await say('은행·신용카드·보험용 (무료)'), 'issuance.askPassword');
  expectReply(await say(CERT_PASSWORD), 'issuance.confirmPassword');
}

export interface JournaledIssuance {
  readonly key: string;
  readonly fields: Record<string, string>;
}

/** The issuance journal's records under `prefix` (src/certificates/issuanceJournal.ts). */
export async function journaledIssuances(redis: Redis, prefix: string): Promise<JournaledIssuance[]> {
  const keys = await keysMatching(redis, `${prefix}issuance/*`);
  return Promise.all(keys.map(async (key) => ({ key, fields: await redis.hgetall(key) })));
}

/** Polls `probe` until it returns something (not undefined or false), or fails after the deadline: no fixed sleeps in tests. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The CA ledger's entry for a serial (RedisCaLedger), as stored. */
export async function ledgerEntry(
  redis: Redis,
  prefix: string,
  serialNumber: string,
): Promise<{ revokedAt?: string; reason?: string } | undefined> {
  const raw = await redis.hget(`${prefix}ca/bank/certificates`, normalizeSerial(serialNumber));
  return raw === null ? undefined : (JSON.parse(raw) as { revokedAt?: string; reason?: string });
}
