import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestAdapter } from 'botbuilder';
import { MemoryDownloadStore } from '../../src/certificates/stores/downloadStore';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { verifyIdentity } from '../support/journeys';
import { createTestBot } from '../support/testBot';
import { SecretBox } from '../../src/state/secretBox';
import { randomBytes } from 'node:crypto';

const PASSWORD = 'Gildong#2026!';
let otp: CapturingOtpSender;
let downloads: MemoryDownloadStore;
let adapter: TestAdapter;
let customer: Customer;

beforeEach(async () => {
  otp = new CapturingOtpSender();
  downloads = new MemoryDownloadStore(new SecretBox(randomBytes(32)));
  adapter = await createTestBot({ otpSender: otp, downloads });
  customer = new Customer(adapter);
  await customer.join();
});

async function upToThePassword(type = '은행·신용카드·보험용 (무료)'): Promise<void> {
  const terms = await verifyIdentity(customer, otp, '인증서 발급');
  expect(terms[1]?.text).toContain('약관');
  expect(lastChoices(terms)).toEqual(['동의합니다', '아니요']);
  const types = await customer.say('동의합니다');
  expect(lastChoices(types)).toEqual(['은행·신용카드·보험용 (무료)', '범용 (4,400원)']);
  expect(texts(await customer.say(type)).join('\n')).toContain('비밀번호를 정해 주세요');
}

test('발급: terms, type, password and confirmation, then a card, a one-time link and the advice', async () => {
  await upToThePassword();
  const deleted = jest.spyOn(adapter, 'deleteActivity');
  expect(texts(await customer.say(PASSWORD, 'password-1'))[0]).toContain('한 번 더');
  const issued = texts(await customer.say(PASSWORD, 'password-2'));
  expect(issued[0]).toMatch(/인증서가 발급되었어요[\s\S]*발급기관: 금융결제원\(yessign\)[\s\S]*은행·신용카드·보험용[\s\S]*이름: 홍\*동/);
  const url = /\/certificates\/download\/([\w-]+)/.exec(issued[1] ?? '');
  expect(url).not.toBeNull();
  expect(issued[2]).toContain('비밀번호는 다른 사람과 공유하지 마세요');
  // both password messages leave the channel's history where it allows
  expect(deleted.mock.calls.map(([, reference]) => reference.activityId)).toEqual(expect.arrayContaining(['password-1', 'password-2']));

  const taken = await downloads.take(url?.[1] ?? '');
  if (taken.status !== 'ok') throw new Error(`download ${taken.status}`);
  const files = readNpkiZip(taken.formats.zip?.bytes ?? Buffer.alloc(0));
  if (!('signPri' in files)) throw new Error('no NPKI pair in the zip');
  const dir = mkdtempSync(join(tmpdir(), 'jca-issued-'));
  writeFileSync(join(dir, 'signPri.key'), files.signPri);
  const key = execFileSync('openssl', ['pkcs8', '-inform', 'DER', '-in', join(dir, 'signPri.key'), '-passin', `pass:${PASSWORD}`, '-provider', 'legacy', '-provider', 'default'], { encoding: 'utf8' });
  expect(key).toContain('BEGIN PRIVATE KEY');
  expect(await downloads.take(url?.[1] ?? '')).toEqual({ status: 'gone' });
});

test('every broken password rule is named, and a mismatch asks for a new password', async () => {
  await upToThePassword('범용 (4,400원)');
  const refused = texts(await customer.say('abc900101'));
  expect(refused[0]).toContain('쓸 수 없어요');
  expect(refused).toEqual(expect.arrayContaining(['10자 이상이어야 해요.', '특수문자를 넣어 주세요.', '생년월일을 넣을 수 없어요.']));
  await customer.say(PASSWORD);
  expect(texts(await customer.say('Other#Pass2026'))[0]).toContain('두 비밀번호가 달라요');
});

test('a password that looks like a command is still a password; a bare 취소 cancels', async () => {
  await upToThePassword();
  expect(texts(await customer.say('Help#2096qz!'))[0]).toContain('한 번 더');
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toContain('취소했어요');
});

test('declining the terms ends the journey politely', async () => {
  await verifyIdentity(customer, otp, '인증서 발급');
  const declined = await customer.say('아니요');
  expect(declined[0]?.text).toContain('약관에 동의하지 않으시면');
  expect(lastChoices(declined)).toContain('인증서 발급');
});

test('in English', async () => {
  await customer.say('English');
  await verifyIdentity(customer, otp, 'Issue a certificate');
  await customer.say('I agree');
  await customer.say('General use (4,400 won)');
  await customer.say(PASSWORD);
  const issued = texts(await customer.say(PASSWORD));
  expect(issued[0]).toContain('Your certificate is issued.');
  expect(issued[0]).toContain('General use (4,400 won)');
});

describe('an idle journey', () => {
  /** A customer verified and at the terms, on a clock the test moves. */
  async function idleCustomer(): Promise<{ idle: Customer; wait: (ms: number) => void }> {
    let now = Date.UTC(2026, 10, 26, 3, 0, 0);
    const idleOtp = new CapturingOtpSender();
    const idle = new Customer(await createTestBot({ otpSender: idleOtp, clock: () => now }));
    await idle.join();
    await verifyIdentity(idle, idleOtp, '인증서 발급');
    return { idle, wait: (ms) => void (now += ms) };
  }

  test('a customer back after the idle limit is told the journey expired, and starts safely from the menu', async () => {
    const { idle, wait } = await idleCustomer();
    wait(10 * 60_000 + 1);
    const replies = texts(await idle.say('동의합니다'));
    expect(replies[0]).toContain('진행하던 일을 안전하게 종료했어요');
    expect(replies.join('\n')).not.toContain('어떤 인증서를 발급할까요');
  });

  test('within the limit the journey goes on', async () => {
    const { idle, wait } = await idleCustomer();
    wait(9 * 60_000);
    expect(texts(await idle.say('동의합니다'))[0]).toContain('어떤 인증서를 발급할까요');
  });
});

test('a customer who already has a valid certificate of that type is offered reissue instead', async () => {
  await upToThePassword();
  await customer.say(PASSWORD);
  await customer.say(PASSWORD);
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  const replies = await customer.say('은행·신용카드·보험용 (무료)');
  expect(replies[0]?.text).toContain('이미 이 은행에서 쓸 수 있는 같은 종류의 인증서가 있어요');
  expect(lastChoices(replies)).toContain('재발급');
  // another type is fine
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  expect(texts(await customer.say('범용 (4,400원)')).join('\n')).toContain('4,400원');
});

test.each([
  ['the terms', []],
  ['the type', ['동의합니다']],
  ['the password', ['동의합니다', '범용 (4,400원)']],
  ['the confirmation', ['동의합니다', '범용 (4,400원)', PASSWORD]],
])('취소 at %s returns to the menu, and a new issuance starts from 본인 인증', async (_step, inputs) => {
  await verifyIdentity(customer, otp, '인증서 발급');
  for (const input of inputs) await customer.say(input);
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toContain('취소했어요');
  expect(lastChoices(cancelled)).toContain('인증서 발급');
  expect(texts(await customer.say('인증서 발급'))[0]).toContain('본인 인증');
});

test('an answer a question cannot use asks it again; the third miss in a row offers an agent', async () => {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  const again = await customer.say('파란색이요');
  expect(again[0]?.text).toContain('어떤 인증서를 발급할까요?');
  expect(lastChoices(again)).toEqual(['은행·신용카드·보험용 (무료)', '범용 (4,400원)']);
  await customer.say('글쎄요');
  const offer = await customer.say('음');
  expect(texts(offer).join('\n')).toContain('상담원을 연결해 드릴까요?');
  expect(texts(await customer.say('네'))[0]).toContain('상담원 연결을 요청했어요');
});

test('misses at one question are forgotten once it is answered', async () => {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('글쎄요');
  await customer.say('음');
  const types = await customer.say('동의합니다');
  expect(lastChoices(types)).toEqual(['은행·신용카드·보험용 (무료)', '범용 (4,400원)']);
  expect((await customer.say('파란색이요'))[0]?.text).toContain('어떤 인증서를 발급할까요?');
});
