import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { naturalNumberOf, octetsOf, oidOf, parseDer, sequenceOf } from '../../src/certificates/npki/der';
import { readPkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { verifyVirtualId } from '../../src/certificates/npki/virtualId';
import { shownIn } from '../directLine/directLineJourney';
import { launchChromium } from '../support/browser';
import { opensslDecryptsKey } from '../support/opensslFixtures';
import {
  CERTIFICATE_PASSWORD,
  ChatCustomer,
  codePattern,
  E2E_CUSTOMER,
  type E2eApp,
  encodingsOf,
  type IssuedThroughChat,
  issueThroughChat,
  openPage,
  redisDump,
  requestsText,
  secretsIn,
  type SentRequest,
  startE2eApp,
  verifyIdentityOnPage,
} from '../support/secureE2e';

// 발급 end to end on a desktop: the chat, the secure page in Chromium, the device's keys, the CA,
// the files the browser saved, and what the server kept.
const IDN = `${E2E_CUSTOMER.rrnFront}${E2E_CUSTOMER.rrnBack}`;
const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SEED_CBC = '1.2.410.200004.1.4';

let app: E2eApp;
let browser: Browser;
const folder = mkdtempSync(join(tmpdir(), 'jca-e2e-issuance-'));

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** What the issuance journey left, for the scan of what the page sent, the logs and Redis. */
let journey:
  { issued: IssuedThroughChat; sent: SentRequest[]; transcript: string; signPri: Buffer; privateKeyInfo: Uint8Array } | undefined;

/** openssl's own reading of a file. */
const openssl = (args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('발급 on a desktop: the page makes the key, the browser saves the NPKI folder and the PFX, openssl and our reader open them, the chat shows the card', async () => {
  const customer = await ChatCustomer.connect(app.url);
  const { page, sent, violations } = await openPage(browser);
  const issued = await issueThroughChat(customer, page);
  const { zip, pfx } = issued.files;
  expect([zip.name, pfx.name]).toEqual(['NPKI.zip', 'certificate.pfx']);

  // The NPKI folder as NPKI programs keep it.
  const entries = unzipSync(readFileSync(zip.path));
  const names = Object.keys(entries).filter((name) => !name.endsWith('/'));
  expect(names).toEqual([
    expect.stringMatching(/^NPKI\/yessign\/USER\/[^/]+\/signCert\.der$/),
    expect.stringMatching(/^NPKI\/yessign\/USER\/[^/]+\/signPri\.key$/),
  ]);
  const signCert = Buffer.from(entries[names[0]!]!);
  const signPri = Buffer.from(entries[names[1]!]!);
  writeFileSync(join(folder, 'signCert.der'), signCert);
  writeFileSync(join(folder, 'signPri.key'), signPri);

  // openssl reads the certificate, and decrypts the key with the password chosen on the page (SEED: the legacy provider).
  const certificateText = openssl([
    ...['x509', '-inform', 'DER', '-in', join(folder, 'signCert.der')],
    ...['-noout', '-serial', '-subject', '-nameopt', 'RFC2253,-esc_msb'],
  ]);
  expect(BigInt(`0x${/serial=([0-9A-F]+)/i.exec(certificateText)?.[1]}`)).toBe(BigInt(`0x${issued.serialNumber}`));
  expect(certificateText).toMatch(/^subject=CN=홍길동\(\)\d+,OU=SANDBOXBANK,OU=personal4IB,O=yessign,C=kr$/m);
  const keyPem = opensslDecryptsKey(join(folder, 'signPri.key'), CERTIFICATE_PASSWORD);
  expect(keyPem).toContain('-----BEGIN PRIVATE KEY-----');
  expect(new X509Certificate(signCert).checkPrivateKey(createPrivateKey(keyPem))).toBe(true);

  // Our reader opens it too; R in the key and the 주민등록번호 make the certificate's VID.
  const privateKeyInfo = await decryptPrivateKeyFile(signPri, CERTIFICATE_PASSWORD);
  const randomNum = readPrivateKeyInfo(privateKeyInfo).randomNum;
  expect(randomNum).toHaveLength(20);
  expect(await verifyVirtualId(signCert, IDN, randomNum!)).toBe(true);
  expect(await verifyVirtualId(signCert, '9001012345678', randomNum!)).toBe(false);

  // The key's profile, as NPKI programs read it: PBES2, PBKDF2 with no PRF field and 2048 iterations, SEED-CBC with a 16-byte IV.
  const [algorithm] = sequenceOf(parseDer(signPri), 'EncryptedPrivateKeyInfo', 2, 2);
  const [scheme, parameters] = sequenceOf(algorithm, 'encryptionAlgorithm', 2, 2);
  expect(oidOf(scheme, 'scheme')).toBe(PBES2);
  const [kdf, cipher] = sequenceOf(parameters, 'PBES2-params', 2, 2);
  const [kdfOid, kdfParameters] = sequenceOf(kdf, 'keyDerivationFunc', 2, 2);
  expect(oidOf(kdfOid, 'kdf')).toBe(PBKDF2);
  const pbkdf2 = sequenceOf(kdfParameters, 'PBKDF2-params');
  expect(pbkdf2).toHaveLength(2);
  expect(octetsOf(pbkdf2[0], 'salt').length).toBeGreaterThanOrEqual(8);
  expect(naturalNumberOf(pbkdf2[1], 'iterationCount')).toBe(2048);
  const [cipherOid, iv] = sequenceOf(cipher, 'encryptionScheme', 2, 2);
  expect(oidOf(cipherOid, 'cipher')).toBe(SEED_CBC);
  expect(octetsOf(iv, 'iv')).toHaveLength(16);

  // The PFX holds the same certificate and key, with R, and openssl reads it.
  const fromPfx = await readPkcs12(readFileSync(pfx.path), CERTIFICATE_PASSWORD);
  expect(Buffer.from(fromPfx.certificate)).toEqual(signCert);
  expect(readPrivateKeyInfo(fromPfx.privateKeyInfo).randomNum).toEqual(randomNum);
  const pfxText = openssl([
    'pkcs12',
    '-in',
    pfx.path,
    '-passin',
    `pass:${CERTIFICATE_PASSWORD}`,
    '-nodes',
    '-provider',
    'legacy',
    '-provider',
    'default',
  ]);
  expect(pfxText).toContain('-----BEGIN PRIVATE KEY-----');
  expect(pfxText).toContain('-----BEGIN CERTIFICATE-----');

  // The chat: the card with what was issued, then the word that the key stays on the device.
  expect(issued.card).toContain('인증서가 발급되었어요.');
  for (const fact of ['금융결제원(yessign)', '은행·신용카드·보험용 (무료)', '홍*동']) expect(issued.card).toContain(fact);
  const after = shownIn(await customer.waitForText('menu.prompt'));
  expect(after).toContain('인증서와 개인키는 고객님 기기에만 저장되었어요');

  // The real page under the server's own policy: nothing it does is blocked.
  expect(violations).toEqual([]);
  journey = { issued, sent, transcript: customer.transcript(), signPri, privateKeyInfo };
  customer.end();
  await page.context().close();
}, 120_000);

test('nothing the page sent, the app logged or Redis keeps holds the password or the key; nor R, the 주민등록번호, the phone or a code in the logs or Redis', async () => {
  if (journey === undefined) throw new Error('the issuance journey did not run');
  const { sent, issued, signPri, privateKeyInfo, transcript } = journey;
  const randomNum = readPrivateKeyInfo(privateKeyInfo).randomNum!;
  const keySecrets = {
    password: [CERTIFICATE_PASSWORD, encodeURIComponent(CERTIFICATE_PASSWORD), Buffer.from(CERTIFICATE_PASSWORD).toString('base64')],
    privateKey: encodingsOf(privateKeyInfo),
    signPri: encodingsOf(signPri),
    randomNum: encodingsOf(randomNum),
  };
  const personal = {
    rrn: [IDN, E2E_CUSTOMER.rrnBack],
    phone: ['01024681357', '2468-1357', '24681357'],
    codes: issued.codes.map(codePattern),
  };
  // The scan sees each secret inside longer text, in any of its forms.
  const around = (bytes: Uint8Array) => Buffer.concat([Buffer.from([7]), bytes, Buffer.from([9, 9])]);
  expect(secretsIn(around(privateKeyInfo).toString('base64'), keySecrets)).toEqual(['privateKey', 'randomNum']);
  expect(secretsIn(around(randomNum).toString('hex').toUpperCase(), keySecrets)).toEqual(['randomNum']);
  const pem = `-----BEGIN PRIVATE KEY-----\n${around(privateKeyInfo).toString('base64').replace(/.{64}/g, '$&\n')}`;
  expect(secretsIn(JSON.stringify({ pem }), keySecrets)).toEqual(['privateKey', 'randomNum']);
  const pageSent = requestsText(sent);
  expect(secretsIn(pageSent, personal)).toEqual(['rrn', 'phone', 'codes']);
  // The page did send what a customer types for 본인 인증 (to its own server), and R only inside the CA's encrypted request.
  expect(pageSent).toContain('/secure/api/identity/start');
  expect(pageSent).toContain('/ca/v1/certificates');
  expect(secretsIn(pageSent, keySecrets)).toEqual([]);
  expect(secretsIn(transcript, { ...keySecrets, ...personal })).toEqual([]);
  const logs = app.logLines.join('\n');
  expect(logs).toContain('secure step ended');
  expect(secretsIn(logs, { ...keySecrets, ...personal })).toEqual([]);
  const stored = (await redisDump(app.redis, app.prefix)).join('\n');
  expect(stored).toContain(`${app.prefix}secure/ticket/`);
  expect(secretsIn(stored, { ...keySecrets, ...personal })).toEqual([]);
});

test('a link preview (a GET without the page’s script) uses nothing up: the customer opens the same link afterwards and the chat goes on', async () => {
  const customer = await ChatCustomer.connect(app.url);
  await customer.say('인증서 발급');
  const { url } = await customer.secureLink('identity');
  for (const agent of ['facebookexternalhit/1.1', 'Mozilla/5.0 (compatible; kakaotalk-scrap/1.0)']) {
    const preview = await fetch(url, { headers: { 'user-agent': agent } });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('/secure/assets/secure.js');
  }
  const { page } = await openPage(browser);
  await verifyIdentityOnPage(page, url);
  // The chat goes on by itself, past 본인 인증.
  await customer.waitForText('identity.verified');
  customer.end();
  await page.context().close();
}, 60_000);
