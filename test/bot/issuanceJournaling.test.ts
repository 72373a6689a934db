/**
 * Issuances settled by the turns that make them (src/bot/issuanceTracking.ts): delivered once
 * the turn carrying the link is saved; revoked when the turn's result will not reach the
 * customer. The process-level cases (a kill, Redis lost) are drills in test/drills.
 */
import { randomBytes } from 'node:crypto';
import { MemoryDownloadStore } from '../../src/certificates/stores/downloadStore';
import { SecretBox } from '../../src/state/secretBox';
import type { IssuedCertificate } from '../../src/certificates/certificateService';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, texts } from '../support/customer';
import { FaultyStorage } from '../support/faultyStorage';
import { verifyIdentity } from '../support/journeys';
import { says, saysPattern } from '../support/replyTexts';
import { joinedCustomer, testCertificateService } from '../support/testBot';

const PASSWORD = 'Gildong#2026!';

async function toConfirmation(customer: Customer, otp: CapturingOtpSender): Promise<void> {
  await verifyIdentity(customer, otp, '인증서 발급');
  await customer.say('동의합니다');
  await customer.say('은행·신용카드·보험용 (무료)');
  expect(texts(await customer.say(PASSWORD))[0]).toBe(says('issuance.confirmPassword'));
}

async function issuedSerials(issue: jest.SpyInstance): Promise<string[]> {
  const results = await Promise.all(issue.mock.results.map((r) => (r.value as Promise<IssuedCertificate>).catch(() => undefined)));
  return results.filter((r): r is IssuedCertificate => r !== undefined).map((r) => r.summary.serialNumber);
}

afterEach(() => jest.restoreAllMocks());

test('a turn replayed after losing the race: the certificate of the lost attempt is revoked, the customer gets one link', async () => {
  const storage = new FaultyStorage();
  const { otp, customer } = await joinedCustomer({ storage });
  await toConfirmation(customer, otp);
  const service = await testCertificateService();
  const issue = jest.spyOn(service, 'issue');

  storage.loseNextWrite = true;
  const replies = texts(await customer.say(PASSWORD));
  expect(replies.filter((t) => t.includes('/certificates/download/'))).toHaveLength(1);
  const [lost, kept] = await issuedSerials(issue);
  expect(await service.bankCa.revocationStatus(lost as string)).toBe('revoked');
  expect(await service.bankCa.revocationStatus(kept as string)).toBe('good');
  const customerId = (issue.mock.calls[0]?.[0] as { customerId: string }).customerId;
  const statuses = Object.fromEntries((await service.list(customerId)).map((c) => [c.serialNumber, c.status]));
  expect(statuses[lost as string]).toBe('revoked');
  expect(statuses[kept as string]).toBe('active');
  // The replay's own answer was the news; nothing more to tell on the next turn.
  expect(texts(await customer.say('처음으로'))).not.toContain(says('issuance.interrupted'));
});

test('a turn that fails after issuing: the certificate is revoked, and the next turn says so and goes on from the saved step', async () => {
  const storage = new FaultyStorage();
  const { otp, customer } = await joinedCustomer({ storage });
  await toConfirmation(customer, otp);
  const service = await testCertificateService();
  const issue = jest.spyOn(service, 'issue');

  storage.failNextWrite = true;
  expect(texts(await customer.say(PASSWORD))[0]).toMatch(saysPattern('system.error', {}, ['reference']));
  const [failed] = await issuedSerials(issue);
  expect(await service.bankCa.revocationStatus(failed as string)).toBe('revoked');

  const next = texts(await customer.say(PASSWORD));
  expect(next[0]).toBe(says('issuance.interrupted'));
  expect(next.some((t) => t.includes('/certificates/download/'))).toBe(true);
  const [, delivered] = await issuedSerials(issue);
  expect(await service.bankCa.revocationStatus(delivered as string)).toBe('good');
  // Told once.
  expect(texts(await customer.say('처음으로'))[0]).not.toBe(says('issuance.interrupted'));
});

test('an issuance that fails within its turn (the link cannot be offered): the certificate is revoked at once and the turn apologizes', async () => {
  const box = new SecretBox(randomBytes(32));
  const downloads = new MemoryDownloadStore(box);
  const { otp, customer } = await joinedCustomer({ downloads });
  await toConfirmation(customer, otp);
  const service = await testCertificateService();
  const issue = jest.spyOn(service, 'issue');
  jest.spyOn(downloads, 'offer').mockRejectedValueOnce(new Error('download store unavailable'));

  const replies = texts(await customer.say(PASSWORD));
  expect(replies[0]).toBe(says('system.stepFailed'));
  const [failed] = await issuedSerials(issue);
  expect(await service.bankCa.revocationStatus(failed as string)).toBe('revoked');
  // The apology was the news: the next turn is not told again.
  expect(texts(await customer.say('처음으로'))).not.toContain(says('issuance.interrupted'));
});
