import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, SeenReply, lastChoices, texts } from '../support/customer';
import { verifyIdentity, verifyWithAdditionalCode } from '../support/journeys';
import { says, saysInEnglish, saysPattern, titlesOf } from '../support/replyTexts';
import { createTestBot, testCertificateService } from '../support/testBot';

const PASSWORD = 'Gildong#2026!';
const NEW_PASSWORD = 'Newpass#7319!';
const DAY_MS = 24 * 60 * 60 * 1000;

let otp: CapturingOtpSender;
let customer: Customer;
let now: number;

beforeEach(async () => {
  now = Date.now();
  otp = new CapturingOtpSender();
  customer = new Customer(await createTestBot({ otpSender: otp, clock: () => now }));
  await customer.join();
});

const REASONS = ['reissue.reasons.lost', 'reissue.reasons.forgotPassword', 'reissue.reasons.leaked', 'reissue.reasons.other'];

interface Held {
  readonly serial: string;
  readonly notAfter: string;
  readonly kind: 'personalBanking' | 'personalGeneral';
}

/** A 발급 through the bot, so the customer has a certificate here; returns its serial, expiry and kind. */
async function issueOne(kind: Held['kind'] = 'personalBanking'): Promise<Held> {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  await customer.say(says(`issuance.types.${kind}`));
  await customer.say(PASSWORD);
  const card = texts(await customer.say(PASSWORD))[0] ?? '';
  return { ...cardFacts(card), kind };
}

/** The serial and expiry on a certificate card (issued, reissued or renewed), read by the locale's card. */
function cardFacts(card: string, key = 'issuance.issued', language: 'ko' | 'en' = 'ko'): { serial: string; notAfter: string } {
  const facts = saysPattern(key, {}, ['ca', 'type', 'serial', 'from', 'to', 'name'], language).exec(card)?.groups;
  if (facts?.serial === undefined || facts.to === undefined) throw new Error(`not a ${key} card: ${card}`);
  return { serial: facts.serial, notAfter: facts.to };
}

/** A certificate of the bank's CA as the list offers it. */
const listed = (held: Held, language: 'ko' | 'en' = 'ko'): string =>
  says(
    'certificates.choice',
    {
      ca: says('certificates.cas.yessign', {}, language),
      kind: says(`certificates.kinds.${held.kind}`, {}, language),
      notAfter: held.notAfter,
    },
    language,
  );

/** What reissuing it will do to the old certificate, asked before anything happens. */
const revocationNotice = (held: Held, language: 'ko' | 'en' = 'ko'): string =>
  says(
    'reissue.confirmRevocation',
    {
      ca: says('certificates.cas.yessign', {}, language),
      kind: says(`certificates.kinds.${held.kind}`, {}, language),
      serial: held.serial,
      notAfter: held.notAfter,
    },
    language,
  );

/** openssl's reading of the bank CA's CRL: the revoked serials with their reasons. */
async function revokedByCrl(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'jca-crl-'));
  writeFileSync(join(folder, 'bank.crl'), await (await testCertificateService()).crl());
  return execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(folder, 'bank.crl'), '-noout', '-text'], { encoding: 'utf8' });
}

const hex = (serial: string) =>
  serial
    .replace(/[^0-9a-f]/gi, '')
    .toUpperCase()
    .replace(/^0+/, '');

/** The CRL entry of a serial, from openssl's text: the serial line and the reason line after it. */
function crlEntry(crlText: string, serial: string): string | undefined {
  const lines = crlText.split('\n');
  const at = lines.findIndex((line) => /Serial Number:/.test(line) && hex(line.split(':').slice(1).join('')) === hex(serial));
  return at < 0 ? undefined : lines.slice(at, at + 5).join('\n');
}

async function startReissue(start = '재발급'): Promise<SeenReply[]> {
  return verifyWithAdditionalCode(customer, otp, start);
}

test('재발급 for a lost certificate: pick it, give the reason, confirm, new password, then the same expiry and the old one revoked', async () => {
  const old = await issueOne();
  const list = await startReissue();
  expect(lastChoices(list)).toEqual([listed(old)]);
  const reasons = await customer.say('1');
  expect(reasons[0]?.text).toBe(says('reissue.askReason'));
  expect(lastChoices(reasons)).toEqual(titlesOf(REASONS));
  const confirm = await customer.say(says('reissue.reasons.lost'));
  expect(confirm[0]?.text).toBe(revocationNotice(old));
  expect((await customer.say('네'))[0]?.text).toBe(says('issuance.askPassword'));
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  const renewed = cardFacts(done[0] ?? '', 'reissue.done.reissue');
  expect(renewed.notAfter).toBe(old.notAfter);
  expect(renewed.serial).not.toBe(old.serial);
  expect(done[1]).toMatch(/http:\/\/127\.0\.0\.1:3978\/certificates\/download\/\S+/);
  expect(done[2]).toBe(says('reissue.oldRevoked'));
  expect(done[3]).toBe(says('reissue.otherDevices'));
  expect(crlEntry(await revokedByCrl(), old.serial)).toContain('Superseded');
  // The old certificate is gone from the customer's list; only the new one is offered next time.
  const next = await startReissue();
  expect(lastChoices(next)).toEqual([listed(old)]);
});

test('유출 의심 revokes the old certificate for key compromise', async () => {
  const old = await issueOne('personalGeneral');
  await startReissue();
  await customer.say('1');
  expect((await customer.say(says('reissue.reasons.leaked')))[0]?.text).toBe(revocationNotice(old));
  await customer.say('네');
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  cardFacts(done[0] ?? '', 'reissue.done.reissue');
  expect(done[0]).toContain(says('issuance.types.personalGeneral'));
  expect(crlEntry(await revokedByCrl(), old.serial)).toContain('Key Compromise');
});

test('a reason typed in the customer’s own words, even one that reads as a reissue request, answers the question', async () => {
  const old = await issueOne();
  await startReissue();
  await customer.say('1');
  expect((await customer.say('비밀번호를 잊어버렸어요'))[0]?.text).toBe(revocationNotice(old));
});

test('갱신: a certificate expiring within 30 days is offered renewal, which runs a year past the old expiry', async () => {
  const old = await issueOne();
  now += 340 * DAY_MS;
  await startReissue();
  const offer = await customer.say('1');
  expect(offer[0]?.text).toMatch(saysPattern('reissue.offerRenewal', { notAfter: old.notAfter }, ['days']));
  expect((await customer.say('네'))[0]?.text).toBe(says('issuance.askPassword'));
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  const oldYear = Number(old.notAfter.slice(0, 4));
  expect(cardFacts(done[0] ?? '', 'reissue.done.renewal').notAfter).toBe(`${oldYear + 1}${old.notAfter.slice(4)}`);
  expect(done[2]).toBe(says('reissue.oldRevoked'));
  expect(crlEntry(await revokedByCrl(), old.serial)).toContain('Superseded');
});

test('declining renewal leads to a reissue instead, which keeps the expiry', async () => {
  const old = await issueOne();
  now += 340 * DAY_MS;
  await startReissue();
  await customer.say('1');
  expect((await customer.say('아니요'))[0]?.text).toBe(says('reissue.askReason'));
  expect((await customer.say(says('reissue.reasons.other')))[0]?.text).toBe(revocationNotice(old));
});

test('renewal vs reissue: far from expiry there is no renewal offer, only the reason', async () => {
  await issueOne();
  now += 300 * DAY_MS;
  await startReissue();
  expect((await customer.say('1'))[0]?.text).toBe(says('reissue.askReason'));
});

test('an expired certificate cannot be reissued or renewed: the customer is sent to issuance', async () => {
  await issueOne();
  now += 400 * DAY_MS;
  await startReissue();
  const replies = await customer.say('1');
  expect(replies[0]?.text).toMatch(saysPattern('reissue.expired', {}, ['notAfter']));
  expect(lastChoices(replies)).toContain(says('menu.choices.issue'));
});

test('a customer with no certificate here is offered issuance', async () => {
  const replies = await startReissue();
  expect(texts(replies)).toContain(says('reissue.none'));
  expect(lastChoices(replies)).toContain(says('menu.choices.issue'));
});

test('declining the revocation keeps the old certificate and issues nothing', async () => {
  const old = await issueOne();
  await startReissue();
  await customer.say('1');
  await customer.say('기타');
  expect((await customer.say('아니요'))[0]?.text).toBe(says('reissue.kept'));
  expect(crlEntry(await revokedByCrl(), old.serial)).toBeUndefined();
});

test.each([
  ['the list', []],
  ['the reason', ['1']],
  ['the confirmation', ['1', '분실']],
  ['the new password', ['1', '분실', '네']],
  ['the confirmation of the password', ['1', '분실', '네', NEW_PASSWORD]],
])('취소 at %s returns to the menu and revokes nothing', async (_step, inputs) => {
  const old = await issueOne();
  await startReissue();
  for (const input of inputs) await customer.say(input);
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
  expect(crlEntry(await revokedByCrl(), old.serial)).toBeUndefined();
  // and a new reissue starts again from 본인 인증
  expect(texts(await customer.say('재발급'))[0]).toBe(says('identity.askName'));
});

test('in English', async () => {
  const old = await issueOne();
  await customer.say('English');
  const list = await startReissue('Reissue');
  expect(lastChoices(list)).toEqual([listed(old, 'en')]);
  expect(lastChoices(await customer.say('1'))).toEqual(titlesOf(REASONS, 'en'));
  expect((await customer.say(saysInEnglish('reissue.reasons.forgotPassword')))[0]?.text).toBe(revocationNotice(old, 'en'));
  await customer.say('yes');
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  cardFacts(done[0] ?? '', 'reissue.done.reissue', 'en');
  expect(done[2]).toBe(saysInEnglish('reissue.oldRevoked'));
});
