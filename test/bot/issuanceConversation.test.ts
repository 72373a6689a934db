import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestAdapter } from 'botbuilder';
import { MemoryDownloadStore } from '../../src/certificates/stores/downloadStore';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { promptOf } from '../support/httpJourneys';
import { verifyIdentity } from '../support/journeys';
import { says, saysInEnglish, titlesOf } from '../support/replyTexts';
import { createTestBot } from '../support/testBot';
import { SecretBox } from '../../src/state/secretBox';
import { randomBytes } from 'node:crypto';
import { opensslDecryptsKey } from '../support/opensslFixtures';

const PASSWORD = 'Gildong#2026!';
const TYPES = ['issuance.types.personalBanking', 'issuance.types.personalGeneral'];
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

/** Up to the new password, choosing the type by its button. */
async function upToThePassword(type = 'issuance.types.personalBanking'): Promise<void> {
  const terms = await verifyIdentity(customer, otp, '인증서 발급');
  expect(terms[1]?.text).toBe(says('issuance.terms'));
  expect(lastChoices(terms)).toEqual(titlesOf(['issuance.agree', 'yesNo.no']));
  const types = await customer.say(says('issuance.agree'));
  expect(lastChoices(types)).toEqual(titlesOf(TYPES));
  expect(texts(await customer.say(says(type)))).toContain(says('issuance.askPassword'));
}

test('발급: terms, type, password and confirmation, then a card, a one-time link and the advice', async () => {
  await upToThePassword();
  const deleted = jest.spyOn(adapter, 'deleteActivity');
  expect(texts(await customer.say(PASSWORD, 'password-1'))[0]).toBe(says('issuance.confirmPassword'));
  const issued = texts(await customer.say(PASSWORD, 'password-2'));
  const [card] = issued;
  for (const line of [says('certificates.cas.yessign'), says('issuance.types.personalBanking'), '홍*동']) expect(card).toContain(line);
  expect(card?.split('\n')[0]).toBe(says('issuance.issued').split('\n')[0]);
  const url = /\/certificates\/download\/([\w-]+)/.exec(issued[1] ?? '');
  expect(url).not.toBeNull();
  expect(issued[2]).toBe(says('issuance.advice'));
  // both password messages leave the channel's history where it allows
  expect(deleted.mock.calls.map(([, reference]) => reference.activityId)).toEqual(expect.arrayContaining(['password-1', 'password-2']));

  const taken = await downloads.take(url?.[1] ?? '');
  if (taken.status !== 'ok') throw new Error(`download ${taken.status}`);
  const files = readNpkiZip(taken.formats.zip?.bytes ?? Buffer.alloc(0));
  if (!('signPri' in files)) throw new Error('no NPKI pair in the zip');
  const dir = mkdtempSync(join(tmpdir(), 'jca-issued-'));
  writeFileSync(join(dir, 'signPri.key'), files.signPri);
  const key = opensslDecryptsKey(join(dir, 'signPri.key'), PASSWORD);
  expect(key).toContain('BEGIN PRIVATE KEY');
  expect(await downloads.take(url?.[1] ?? '')).toEqual({ status: 'gone' });
});

test('every broken password rule is named, and a mismatch asks for a new password', async () => {
  await upToThePassword('issuance.types.personalGeneral');
  const refused = texts(await customer.say('abc900101'));
  expect(refused[0]).toBe(says('issuance.passwordRules'));
  expect(refused).toEqual(
    expect.arrayContaining(
      ['passwordRules.tooShort', 'passwordRules.missingSpecial', 'passwordRules.containsBirthDate'].map((key) => says(key)),
    ),
  );
  await customer.say(PASSWORD);
  expect(texts(await customer.say('Other#Pass2026'))[0]).toBe(says('issuance.passwordMismatch'));
});

test('a password that looks like a command is still a password; a bare 취소 cancels', async () => {
  await upToThePassword();
  expect(texts(await customer.say('Help#2096qz!'))[0]).toBe(says('issuance.confirmPassword'));
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
});

test('declining the terms ends the journey politely', async () => {
  await verifyIdentity(customer, otp, '인증서 발급');
  const declined = await customer.say('아니요');
  expect(declined[0]?.text).toBe(says('issuance.termsDeclined'));
  expect(lastChoices(declined)).toContain(says('menu.choices.issue'));
});

test('in English', async () => {
  await customer.say('English');
  await verifyIdentity(customer, otp, 'Issue a certificate');
  await customer.say(saysInEnglish('issuance.agree'));
  await customer.say(saysInEnglish('issuance.types.personalGeneral'));
  await customer.say(PASSWORD);
  const issued = texts(await customer.say(PASSWORD));
  expect(issued[0]?.split('\n')[0]).toBe(saysInEnglish('issuance.issued').split('\n')[0]);
  expect(issued[0]).toContain(saysInEnglish('issuance.types.personalGeneral'));
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
    expect(replies[0]).toBe(says('flow.expired'));
    expect(replies).not.toContain(says('issuance.chooseType'));
  });

  test('within the limit the journey goes on', async () => {
    const { idle, wait } = await idleCustomer();
    wait(9 * 60_000);
    expect(texts(await idle.say('동의합니다'))[0]).toBe(says('issuance.chooseType'));
  });
});

test('a customer who already has a valid certificate of that type is offered reissue instead', async () => {
  await upToThePassword();
  await customer.say(PASSWORD);
  await customer.say(PASSWORD);
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  const replies = await customer.say(says('issuance.types.personalBanking'));
  expect(replies[0]?.text).toContain(promptOf('issuance.alreadyHave'));
  expect(lastChoices(replies)).toContain(says('menu.choices.reissue'));
  // another type is fine
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  expect(texts(await customer.say(says('issuance.types.personalGeneral')))).toEqual([
    says('issuance.feeNotice'),
    says('issuance.askPassword'),
  ]);
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
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
  expect(texts(await customer.say('인증서 발급'))[0]).toBe(says('identity.askName'));
});

test('an answer a question cannot use asks it again; the third miss in a row offers an agent', async () => {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  const again = await customer.say('파란색이요');
  expect(again[0]?.text).toBe(says('issuance.chooseType'));
  expect(lastChoices(again)).toEqual(titlesOf(TYPES));
  await customer.say('글쎄요');
  const offer = await customer.say('음');
  expect(texts(offer)).toContain(says('misunderstood.offerAgent'));
  expect(texts(await customer.say('네'))[0]).toBe(says('handoff.queued', { position: 1 }));
});

test('misses at one question are forgotten once it is answered', async () => {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('글쎄요');
  await customer.say('음');
  const types = await customer.say('동의합니다');
  expect(lastChoices(types)).toEqual(titlesOf(TYPES));
  expect((await customer.say('파란색이요'))[0]?.text).toBe(says('issuance.chooseType'));
});
