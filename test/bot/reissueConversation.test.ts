import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateType } from '../../dialogs/contract/domain';
import { Customer, SeenReply, lastChoices, texts } from '../support/customer';
import { appCustomer, issueOnPage, issuedOnRecord, verifiedCustomer, verifyIdentity } from '../support/journeys';
import { opensPage, says, saysInEnglish, saysPattern, titlesOf } from '../support/replyTexts';
import type { FakeSecurePages } from '../support/securePagesFake';
import { joinedCustomer, testCertificateService } from '../support/testBot';

const DAY_MS = 24 * 60 * 60 * 1000;
const REASONS = ['reissue.reasons.lost', 'reissue.reasons.forgotPassword', 'reissue.reasons.leaked', 'reissue.reasons.other'];

let customer: Customer;
let pages: FakeSecurePages;

beforeEach(async () => {
  ({ customer, pages } = await joinedCustomer());
});

type Held = Awaited<ReturnType<typeof issuedOnRecord>>;

/** A certificate this bank issued to the customer earlier, expiring `inDays` from now. */
function heldCertificate(type: CertificateType = 'personalBanking', inDays = 200): Promise<Held> {
  return issuedOnRecord(customer, { type, notAfter: new Date(Date.now() + inDays * DAY_MS) });
}

/** The serial and expiry on a certificate card (reissued or renewed), read by the locale's card. */
function cardFacts(card: string | undefined, key: string, language: 'ko' | 'en' = 'ko'): { serial: string; notAfter: string } {
  const facts = saysPattern(key, {}, ['ca', 'type', 'serial', 'from', 'to', 'name'], language).exec(card ?? '')?.groups;
  if (facts?.serial === undefined || facts.to === undefined) throw new Error(`not a ${key} card: ${card}`);
  return { serial: facts.serial, notAfter: facts.to };
}

/** A certificate of the bank's CA as the list offers it. */
const listed = (held: Held, language: 'ko' | 'en' = 'ko'): string =>
  says(
    'certificates.choice',
    {
      ca: says('certificates.cas.yessign', {}, language),
      kind: says(`certificates.kinds.${held.type}`, {}, language),
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
      kind: says(`certificates.kinds.${held.type}`, {}, language),
      serial: held.serialNumber,
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

/** The customer's certificates on record here, as [serial, status]. */
async function onRecord(): Promise<string[][]> {
  const listedHere = await (await testCertificateService()).list(verifiedCustomer(customer).customerId);
  return listedHere.map((c) => [c.serialNumber, c.status]);
}

/** 재발급 up to the list of the customer's certificates (본인 인증 done on its page). */
const startReissue = (start = '재발급'): Promise<SeenReply[]> => verifyIdentity(customer, start);

/** Picks the first certificate, gives the reason and confirms: the 추가 인증 page comes next. */
async function upToTheAdditionalPage(reason = 'reissue.reasons.lost'): Promise<void> {
  await startReissue();
  await customer.say('1');
  await customer.say(says(reason));
  await customer.say('네');
}

test('재발급 for a lost certificate: pick it, reason, confirm, 추가 인증, the page; then the same expiry and the old one revoked', async () => {
  const old = await heldCertificate();
  const list = await startReissue();
  expect(texts(list)).toEqual([says('identity.verified'), says('reissue.pick')]);
  expect(lastChoices(list)).toEqual([listed(old)]);
  const reasons = await customer.say('1');
  expect(reasons[0]?.text).toBe(says('reissue.askReason'));
  expect(lastChoices(reasons)).toEqual(titlesOf(REASONS));
  const confirm = await customer.say(says('reissue.reasons.lost'));
  expect(confirm[0]?.text).toBe(revocationNotice(old));

  const additional = await customer.say('네');
  expect(texts(additional)).toEqual([opensPage('additional', pages.last().url)]);
  expect(pages.last().step).toMatchObject({ kind: 'additional', journey: 'reissuing' });
  const offered = await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  expect(texts(offered)).toEqual([says('codes.additional.done'), opensPage('issuance', pages.last().url)]);
  expect(pages.last().step).toEqual({
    kind: 'issuance',
    journey: 'reissuing',
    certificateType: 'personalBanking',
    replaces: { mode: 'reissue', reason: 'superseded', fingerprint: old.fingerprint, notAfter: old.notAfter },
  });
  // nothing is revoked while the new certificate is not on the device
  expect(crlEntry(await revokedByCrl(), old.serialNumber)).toBeUndefined();

  const { issued, replies } = await issueOnPage(customer, { notAfter: new Date(`${old.notAfter}T12:00:00Z`) });
  const done = texts(replies);
  const reissued = cardFacts(done[0], 'reissue.done.reissue');
  expect(reissued).toEqual({ serial: issued.serialNumber, notAfter: old.notAfter });
  expect(done.slice(1)).toEqual([
    says('issuance.savedOnDevice'),
    says('reissue.oldRevoked'),
    says('reissue.otherDevices'),
    says('issuance.advice'),
    says('menu.prompt'),
  ]);
  expect(crlEntry(await revokedByCrl(), old.serialNumber)).toContain('Superseded');
  expect(await onRecord()).toEqual(
    expect.arrayContaining([
      [old.serialNumber, 'revoked'],
      [issued.serialNumber, 'active'],
    ]),
  );
  // only the new one is offered next time
  expect(lastChoices(await startReissue())).toEqual([listed({ ...old, notAfter: issued.notAfter })]);
});

test('유출 의심 revokes the old certificate for key compromise', async () => {
  const old = await heldCertificate('personalGeneral');
  await startReissue();
  await customer.say('1');
  expect((await customer.say(says('reissue.reasons.leaked')))[0]?.text).toBe(revocationNotice(old));
  await customer.say('네');
  await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  expect(pages.last().step.replaces?.reason).toBe('keyCompromise');
  const done = texts((await issueOnPage(customer, { type: 'personalGeneral' })).replies);
  cardFacts(done[0], 'reissue.done.reissue');
  expect(done[0]).toContain(says('issuance.types.personalGeneral'));
  expect(crlEntry(await revokedByCrl(), old.serialNumber)).toContain('Key Compromise');
});

test('a reason typed in the customer’s own words, even one that reads as a reissue request, answers the question', async () => {
  const old = await heldCertificate();
  await startReissue();
  await customer.say('1');
  expect((await customer.say('비밀번호를 잊어버렸어요'))[0]?.text).toBe(revocationNotice(old));
});

test('갱신: a certificate expiring within 30 days is offered renewal, on the renewal page, a year past the old expiry', async () => {
  const old = await heldCertificate('personalBanking', 20);
  await startReissue();
  const offer = await customer.say('1');
  expect(offer[0]?.text).toMatch(saysPattern('reissue.offerRenewal', { notAfter: old.notAfter }, ['days']));
  const renewing = await customer.say('네');
  // authorised on the page by the current certificate's key
  expect(texts(renewing)).toEqual([opensPage('renewal', pages.last().url)]);
  expect(pages.last().step).toEqual({
    kind: 'renewal',
    journey: 'reissuing',
    certificateType: 'personalBanking',
    replaces: { mode: 'renewal', reason: 'superseded', fingerprint: old.fingerprint, notAfter: old.notAfter },
  });
  const nextYear = `${Number(old.notAfter.slice(0, 4)) + 1}${old.notAfter.slice(4)}`;
  const done = texts((await issueOnPage(customer, { notAfter: new Date(`${nextYear}T12:00:00Z`) })).replies);
  expect(cardFacts(done[0], 'reissue.done.renewal').notAfter).toBe(nextYear);
  expect(done).toContain(says('reissue.oldRevoked'));
  // The old certificate is revoked by the secure step on delivery (test/secure, test/e2e/renewal); the chat only says so.
});

test('declining renewal leads to a reissue instead, which keeps the expiry', async () => {
  const old = await heldCertificate('personalBanking', 20);
  await startReissue();
  await customer.say('1');
  expect((await customer.say('아니요'))[0]?.text).toBe(says('reissue.askReason'));
  expect((await customer.say(says('reissue.reasons.other')))[0]?.text).toBe(revocationNotice(old));
});

test('renewal vs reissue: far from expiry there is no renewal offer, only the reason', async () => {
  await heldCertificate('personalBanking', 60);
  await startReissue();
  expect((await customer.say('1'))[0]?.text).toBe(says('reissue.askReason'));
});

test('an expired certificate cannot be reissued or renewed: the customer is sent to issuance', async () => {
  await issuedOnRecord(customer, { notAfter: new Date(Date.now() - DAY_MS), now: new Date(Date.now() - 30 * DAY_MS) });
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

test('declining the revocation keeps the old certificate and opens no page', async () => {
  const old = await heldCertificate();
  await startReissue();
  await customer.say('1');
  await customer.say('기타');
  expect((await customer.say('아니요'))[0]?.text).toBe(says('reissue.kept'));
  expect(pages.opened.map((opened) => opened.step.kind)).toEqual(['identity']);
  expect(crlEntry(await revokedByCrl(), old.serialNumber)).toBeUndefined();
});

test.each([
  ['the list', []],
  ['the reason', ['1']],
  ['the confirmation', ['1', '분실']],
  ['the 추가 인증 page', ['1', '분실', '네']],
  ['the issuance page', ['1', '분실', '네', 'additional verified']],
])('취소 at %s returns to the menu and revokes nothing', async (_step, inputs) => {
  const old = await heldCertificate();
  await startReissue();
  for (const input of inputs)
    if (input === 'additional verified') await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
    else await customer.say(input);
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
  expect(crlEntry(await revokedByCrl(), old.serialNumber)).toBeUndefined();
  // and a new reissue starts again from 본인 인증
  expect(texts(await customer.say('재발급'))).toEqual([opensPage('identity', pages.last().url)]);
});

describe('the reissue’s pages ending without a certificate', () => {
  test('the CA refusing: told why, back to the menu, and the old certificate still works', async () => {
    const old = await heldCertificate();
    await upToTheAdditionalPage();
    await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
    const refused = await customer.finishStep({ type: 'SECURE_FAILED', step: 'issuance', reason: 'caRefused' });
    expect(texts(refused)).toEqual([says('secureStep.failed.caRefused'), says('menu.prompt')]);
    expect(crlEntry(await revokedByCrl(), old.serialNumber)).toBeUndefined();
    expect(await onRecord()).toEqual([[old.serialNumber, 'active']]);
  });

  test.each([
    ['SECURE_CANCELLED', 'secureStep.cancelled'],
    ['SECURE_EXPIRED', 'secureStep.expired'],
  ] as const)('%s: told so, and a new page for the same replacement', async (type, key) => {
    const old = await heldCertificate();
    await upToTheAdditionalPage();
    await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
    const first = pages.last();
    const back = await customer.finishStep({ type, step: 'issuance' });
    expect(texts(back)).toEqual([says(key), opensPage('issuance', pages.last().url)]);
    expect(pages.last().url).not.toBe(first.url);
    expect(pages.last().step).toEqual(first.step);
    expect(crlEntry(await revokedByCrl(), old.serialNumber)).toBeUndefined();
  });

  test('cancelled on the 추가 인증 page: back at 추가 인증, nothing revoked', async () => {
    const old = await heldCertificate();
    await upToTheAdditionalPage();
    const back = await customer.finishStep({ type: 'SECURE_CANCELLED', step: 'additional' });
    expect(texts(back)).toEqual([says('secureStep.cancelled'), opensPage('additional', pages.last().url)]);
    expect(crlEntry(await revokedByCrl(), old.serialNumber)).toBeUndefined();
  });
});

test('in English', async () => {
  const old = await heldCertificate();
  await customer.say('English');
  const list = await startReissue('Reissue');
  expect(lastChoices(list)).toEqual([listed(old, 'en')]);
  expect(lastChoices(await customer.say('1'))).toEqual(titlesOf(REASONS, 'en'));
  expect((await customer.say(saysInEnglish('reissue.reasons.forgotPassword')))[0]?.text).toBe(revocationNotice(old, 'en'));
  expect(texts(await customer.say('yes'))).toEqual([opensPage('additional', pages.last().url, 'en')]);
  expect(texts(await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' }))).toEqual([
    saysInEnglish('codes.additional.done'),
    opensPage('issuance', pages.last().url, 'en'),
  ]);
  const done = texts((await issueOnPage(customer)).replies);
  cardFacts(done[0], 'reissue.done.reissue', 'en');
  expect(done[2]).toBe(saysInEnglish('reissue.oldRevoked'));
});

test('in the bank’s app: no identity page; 추가 인증 still asked before the new certificate is made', async () => {
  ({ customer, pages } = await appCustomer());
  const old = await heldCertificate();
  expect(lastChoices(await customer.say('재발급'))).toEqual([listed(old)]);
  await customer.say('1');
  await customer.say(says('reissue.reasons.lost'));
  expect(texts(await customer.say('네'))).toEqual([opensPage('additional', pages.last().url)]);
  await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  expect(pages.opened.map((opened) => opened.step.kind)).toEqual(['additional', 'issuance']);
  await issueOnPage(customer);
  expect(crlEntry(await revokedByCrl(), old.serialNumber)).toContain('Superseded');
});
