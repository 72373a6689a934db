import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, SeenReply, lastChoices, texts } from '../support/customer';
import { verifyIdentity, verifyWithAdditionalCode } from '../support/journeys';
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

/** A 발급 through the bot, so the customer has a certificate here; returns its serial and expiry. */
async function issueOne(type = '은행·신용카드·보험용 (무료)'): Promise<{ serial: string; notAfter: string }> {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  await customer.say(type);
  await customer.say(PASSWORD);
  const card = texts(await customer.say(PASSWORD))[0] ?? '';
  return cardFacts(card);
}

function cardFacts(card: string): { serial: string; notAfter: string } {
  const serial = /일련번호: (\S+)/.exec(card)?.[1];
  const notAfter = /~ (\d{4}-\d{2}-\d{2})/.exec(card)?.[1];
  if (serial === undefined || notAfter === undefined) throw new Error(`not a certificate card: ${card}`);
  return { serial, notAfter };
}

/** openssl's reading of the bank CA's CRL: the revoked serials with their reasons. */
async function revokedByCrl(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'jca-crl-'));
  writeFileSync(join(folder, 'bank.crl'), await (await testCertificateService()).crl());
  return execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(folder, 'bank.crl'), '-noout', '-text'], { encoding: 'utf8' });
}

const hex = (serial: string) => serial.replace(/[^0-9a-f]/gi, '').toUpperCase().replace(/^0+/, '');

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
  expect(lastChoices(list)).toEqual([`금융결제원(yessign) 은행·신용카드·보험용 (만료일 ${old.notAfter})`]);
  const reasons = await customer.say('1');
  expect(reasons[0]?.text).toContain('재발급 사유');
  expect(lastChoices(reasons)).toEqual(['인증서 분실', '비밀번호 분실', '유출 의심', '기타']);
  const confirm = await customer.say('인증서 분실');
  expect(confirm[0]?.text).toContain(`일련번호 ${old.serial})는 폐기되어`);
  expect(confirm[0]?.text).toContain(`기존과 같아요(${old.notAfter})`);
  expect((await customer.say('네'))[0]?.text).toContain('비밀번호를 정해 주세요');
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  expect(done[0]).toContain('인증서를 재발급했어요');
  const renewed = cardFacts(done[0] ?? '');
  expect(renewed.notAfter).toBe(old.notAfter);
  expect(renewed.serial).not.toBe(old.serial);
  expect(done[1]).toMatch(/http:\/\/127\.0\.0\.1:3978\/certificates\/download\/\S+/);
  expect(done[2]).toContain('기존 인증서는 폐기되었어요');
  expect(done[3]).toContain('다른 PC나 휴대폰');
  expect(crlEntry(await revokedByCrl(), old.serial)).toContain('Superseded');
  // The old certificate is gone from the customer's list; only the new one is offered next time.
  const next = await startReissue();
  expect(lastChoices(next)).toEqual([`금융결제원(yessign) 은행·신용카드·보험용 (만료일 ${old.notAfter})`]);
});

test('유출 의심 revokes the old certificate for key compromise', async () => {
  const old = await issueOne('범용 (4,400원)');
  await startReissue();
  await customer.say('1');
  expect((await customer.say('유출 의심'))[0]?.text).toContain('폐기되어');
  await customer.say('네');
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  expect(done[0]).toMatch(/인증서를 재발급했어요[\s\S]*범용/);
  expect(crlEntry(await revokedByCrl(), old.serial)).toContain('Key Compromise');
});

test('a reason typed in the customer’s own words, even one that reads as a reissue request, answers the question', async () => {
  await issueOne();
  await startReissue();
  await customer.say('1');
  expect((await customer.say('비밀번호를 잊어버렸어요'))[0]?.text).toContain('폐기되어');
});

test('갱신: a certificate expiring within 30 days is offered renewal, which runs a year past the old expiry', async () => {
  const old = await issueOne();
  now += 340 * DAY_MS;
  await startReissue();
  const offer = await customer.say('1');
  expect(offer[0]?.text).toMatch(/이 인증서는 \d+일 뒤\(.+\) 만료돼요/);
  expect(offer[0]?.text).toContain('갱신할까요?');
  expect((await customer.say('네'))[0]?.text).toContain('비밀번호를 정해 주세요');
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  expect(done[0]).toContain('인증서를 갱신했어요');
  const oldYear = Number(old.notAfter.slice(0, 4));
  expect(cardFacts(done[0] ?? '').notAfter).toBe(`${oldYear + 1}${old.notAfter.slice(4)}`);
  expect(done[2]).toContain('기존 인증서는 폐기되었어요');
  expect(crlEntry(await revokedByCrl(), old.serial)).toContain('Superseded');
});

test('declining renewal leads to a reissue instead, which keeps the expiry', async () => {
  const old = await issueOne();
  now += 340 * DAY_MS;
  await startReissue();
  await customer.say('1');
  expect((await customer.say('아니요'))[0]?.text).toContain('재발급 사유');
  expect((await customer.say('기타'))[0]?.text).toContain(`기존과 같아요(${old.notAfter})`);
});

test('renewal vs reissue: far from expiry there is no renewal offer, only the reason', async () => {
  await issueOne();
  now += 300 * DAY_MS;
  await startReissue();
  expect((await customer.say('1'))[0]?.text).toContain('재발급 사유');
});

test('an expired certificate cannot be reissued or renewed: the customer is sent to issuance', async () => {
  await issueOne();
  now += 400 * DAY_MS;
  await startReissue();
  const replies = await customer.say('1');
  expect(replies[0]?.text).toContain('만료되어 재발급이나 갱신을 할 수 없어요');
  expect(lastChoices(replies)).toContain('인증서 발급');
});

test('a customer with no certificate here is offered issuance', async () => {
  const replies = await startReissue();
  expect(texts(replies).join('\n')).toContain('인증서가 없어요');
  expect(lastChoices(replies)).toContain('인증서 발급');
});

test('declining the revocation keeps the old certificate and issues nothing', async () => {
  const old = await issueOne();
  await startReissue();
  await customer.say('1');
  await customer.say('기타');
  expect((await customer.say('아니요'))[0]?.text).toContain('기존 인증서는 그대로');
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
  expect(cancelled[0]?.text).toContain('취소했어요');
  expect(lastChoices(cancelled)).toContain('인증서 발급');
  expect(crlEntry(await revokedByCrl(), old.serial)).toBeUndefined();
  // and a new reissue starts again from 본인 인증
  expect(texts(await customer.say('재발급'))[0]).toContain('본인 인증');
});

test('in English', async () => {
  const old = await issueOne();
  await customer.say('English');
  const list = await startReissue('Reissue');
  expect(lastChoices(list)).toEqual([`KFTC (yessign) banking, credit card and insurance (expires ${old.notAfter})`]);
  expect(lastChoices(await customer.say('1'))).toEqual(['Lost certificate', 'Forgot password', 'Suspected leak', 'Other']);
  expect((await customer.say('Forgot password'))[0]?.text).toContain('stop working');
  await customer.say('yes');
  await customer.say(NEW_PASSWORD);
  const done = texts(await customer.say(NEW_PASSWORD));
  expect(done[0]).toContain('Your certificate was reissued');
  expect(done[2]).toContain('revoked');
});
