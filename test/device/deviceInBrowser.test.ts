import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import restify from 'restify';
import { CA_ISSUANCE_PATH } from '../../src/certificates/ca/issuanceEndpoint';
import type { CertificateService } from '../../src/certificates/certificateService';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { decryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { verifyVirtualId } from '../../src/certificates/npki/virtualId';
import { registerCaRoutes } from '../../src/server/caRoutes';
import { launchChromium } from '../support/browser';
import { FIXTURE_PASSWORD, fixture, opensslDecryptsKey } from '../support/opensslFixtures';
import type { Authorized, DeviceInPage } from './browser/deviceInPage';
import { certificateCore, CUSTOMER_ID, endpointOf, IDN, PASSWORD, registration } from './deviceSupport';
import { browserBundle } from '../support/browserBundle';

/**
 * The device client bundled for the browser (no Node module, no polyfill) runs a whole issuance in
 * Chromium against the CA's route on loopback, and proves possession there.
 */
const dir = mkdtempSync(join(tmpdir(), 'jca-device-browser-'));
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
let core: CertificateService;
let notices: ReturnType<typeof endpointOf>['notices'];
let server: restify.Server;
let origin: string;
let browser: Browser;
let page: Page;

function inBrowser<K extends keyof DeviceInPage>(
  name: K,
  ...args: Parameters<DeviceInPage[K]>
): Promise<Awaited<ReturnType<DeviceInPage[K]>>> {
  return page.evaluate(
    ([method, parameters]) => {
      const device = (globalThis as unknown as { device: Record<string, (...a: unknown[]) => unknown> }).device;
      return device[method]!(...parameters);
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<DeviceInPage[K]>>>;
}

async function authorized(overrides: Parameters<typeof registration>[0] = {}): Promise<Authorized> {
  const { referenceNumber, authCode } = await core.authority.register(registration(overrides));
  return { referenceNumber, authCode, caEndpoint: `${origin}${CA_ISSUANCE_PATH}`, caCertificate: b64(core.authority.endpoint.certificate) };
}

beforeAll(async () => {
  // Only the device client, npki/ and the entry.
  const bundle = await browserBundle(
    join(__dirname, 'browser', 'deviceInPage.ts'),
    (input) => /^src\/(device|certificates\/npki)\/[A-Za-z0-9]+\.ts$/.test(input) || input === 'test/device/browser/deviceInPage.ts',
  );

  core = await certificateCore();
  let endpoint;
  ({ endpoint, notices } = endpointOf(core));
  server = restify.createServer({ handleUncaughtExceptions: false });
  registerCaRoutes(server, { endpoint });
  server.get('/', async (_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.sendRaw(200, '<!doctype html><meta charset="utf-8"><script src="/device.js"></script>');
  });
  server.get('/device.js', async (_req, res) => {
    res.setHeader('content-type', 'text/javascript');
    res.sendRaw(200, bundle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  // A loopback origin is a secure context: WebCrypto is there as on an https page.
  await page.goto(`${origin}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

test('Chromium makes the key and R, gets the certificate from the CA, and writes files openssl and our reader accept', async () => {
  // Expiring within the renewal window, so that its renewal can be tried at the end.
  const auth = await authorized({ notAfter: new Date(Date.now() + 20 * 24 * 3600 * 1000) });
  const files = await inBrowser('issue', auth, PASSWORD);
  const [signCert, signPri] = [Buffer.from(files.signCert, 'base64'), Buffer.from(files.signPri, 'base64')];

  writeFileSync(join(dir, 'signCert.der'), signCert);
  writeFileSync(join(dir, 'root.pem'), core.bankCa.rootCertificate.toString());
  writeFileSync(join(dir, 'issuing.pem'), core.bankCa.issuingCertificate.toString());
  writeFileSync(join(dir, 'signCert.pem'), execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'signCert.der')]));
  expect(
    execFileSync(
      'openssl',
      ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), join(dir, 'signCert.pem')],
      {
        encoding: 'utf8',
      },
    ),
  ).toContain(': OK');

  writeFileSync(join(dir, 'signPri.key'), signPri);
  expect(opensslDecryptsKey(join(dir, 'signPri.key'), PASSWORD)).toContain('BEGIN PRIVATE KEY');
  const structure = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', join(dir, 'signPri.key')], { encoding: 'utf8' });
  expect(structure).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*INTEGER +:0800\s[\s\S]*:seed-cbc/);
  expect(structure).not.toContain('hmacWith');

  // R reached the CA only encrypted, and the key file: the VID is the registered 주민등록번호's with it.
  const { randomNum } = readPrivateKeyInfo(await decryptPrivateKeyFile(signPri, PASSWORD));
  expect(await verifyVirtualId(signCert, IDN, randomNum!)).toBe(true);
  const summary = await inspectCertificate(signCert);
  expect(notices.map((notice) => notice.serialNumber)).toContain(summary.serialNumber);
  expect(files).toMatchObject({ caDirectory: 'yessign', subjectDn: summary.subjectDn });
  expect(readNpkiZip(Buffer.from(files.npkiZip, 'base64'))).toEqual({
    signCert: new Uint8Array(signCert),
    signPri: new Uint8Array(signPri),
  });

  // The same reference again: the page sees the CA's reason.
  expect(await inBrowser('refusal', auth)).toBe('usedReference');

  // Renewal later: the PFX opened in the browser proves the key, R included.
  const challenge = randomBytes(32);
  const proof = await inBrowser('prove', { pfx: files.pfx }, PASSWORD, b64(challenge));
  expect(proof.status).toBe('signed');
  const { certificate, signature, randomNum: sentR } = proof as { certificate: string; signature: string; randomNum: string };
  const onRecord = await core.verifyPossession({
    certificate: Buffer.from(certificate, 'base64'),
    signature: Buffer.from(signature, 'base64'),
    randomNum: Buffer.from(sentR, 'base64'),
    challenge,
    customerId: CUSTOMER_ID,
    idn: IDN,
    purpose: 'renewal',
    actor: 'customer',
  });
  expect(onRecord.serialNumber).toBe(summary.serialNumber);
});

test('in the browser, an openssl-made PFX is signed but reported noRandom, and a wrong password is its own answer', async () => {
  const pfx = b64(fixture('personal.p12'));
  expect(await inBrowser('prove', { pfx }, FIXTURE_PASSWORD, b64(randomBytes(32)))).toMatchObject({ status: 'noRandom' });
  expect(await inBrowser('prove', { pfx }, 'Wrong#2026!', b64(randomBytes(32)))).toEqual({ status: 'wrongPassword' });
  const pair = { signCert: b64(fixture('personal.signCert.der')), signPri: b64(fixture('personal.signPri.key')) };
  expect(await inBrowser('prove', pair, FIXTURE_PASSWORD, b64(randomBytes(32)))).toMatchObject({ status: 'signed' });
});
