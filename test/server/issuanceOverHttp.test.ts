import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { HttpCustomer } from '../support/httpCustomer';
import { CERT_PASSWORD, expectReply, freshRrn, HttpJourney, onInstance } from '../support/httpJourneys';
import { opensslDecryptsKey } from '../support/opensslFixtures';
import { secureLinkIn } from '../support/secureStepOverHttp';

let bot: RunningBot;
let customer: HttpCustomer;

beforeAll(async () => {
  bot = await startHttpBot({ CA_DIR: join(tmpdir(), 'jca-test-ca') });
  customer = await HttpCustomer.start();
});
afterAll(async () => {
  await customer.close();
  await bot.app.close();
});

test('a whole issuance over HTTP in the sandbox: the files the device kept are accepted by openssl and our reader, and the chat shows the card by itself', async () => {
  const journey = new HttpJourney(customer, onInstance(bot.url));
  const page = await journey.untilIssuancePage(freshRrn());
  const files = await page.issue(CERT_PASSWORD);
  const replies = await journey.hear('issuance.advice');
  expectReply(replies, 'issuance.issued');
  expectReply(replies, 'issuance.savedOnDevice');
  expect(replies.join('\n')).toContain(files.serialNumber);

  const kept = readNpkiZip(files.npkiZip);
  if (!('signCert' in kept)) throw new Error('no pair in the zip');
  expect(Buffer.from(kept.signPri)).toEqual(Buffer.from(files.signPri));
  const dir = mkdtempSync(join(tmpdir(), 'jca-http-issued-'));
  writeFileSync(join(dir, 'signCert.der'), kept.signCert);
  writeFileSync(join(dir, 'signPri.key'), kept.signPri);
  expect(
    execFileSync(
      'openssl',
      ['x509', '-inform', 'DER', '-in', join(dir, 'signCert.der'), '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb,utf8'],
      { encoding: 'utf8' },
    ),
  ).toContain('CN=홍길동()');
  expect(opensslDecryptsKey(join(dir, 'signPri.key'), CERT_PASSWORD)).toContain('BEGIN PRIVATE KEY');
});

test('a secure step link works once: another browser gets 410 used, a made-up ticket 404', async () => {
  const journey = new HttpJourney(customer, onInstance(bot.url));
  const link = secureLinkIn(await journey.say('인증서 발급', 'secureStep.open.identity'));
  const open = (ticket: string) =>
    fetch(`${bot.url}/secure/api/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(bot.url).origin },
      body: JSON.stringify({ ticket }),
    });
  // A link preview (a GET) uses nothing up.
  expect((await fetch(link)).status).toBe(200);
  expect((await open(new URL(link).pathname.split('/').at(-1) ?? '')).status).toBe(200);
  const again = await open(new URL(link).pathname.split('/').at(-1) ?? '');
  expect({ status: again.status, body: await again.json() }).toEqual({ status: 410, body: { error: 'used' } });
  expect((await open('A'.repeat(43))).status).toBe(404);
});
