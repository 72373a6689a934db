import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { OTHER_BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { readNpkiZip, writeNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { readPkcs12, writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile, encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { buildPrivateKeyInfo, readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { seedCbcEncrypt } from '../../src/certificates/npki/seed';
import { computeVirtualId } from '../../src/certificates/npki/virtualId';
import { launchChromium } from '../support/browser';
import { FIXTURE_IDN, FIXTURE_PASSWORD, fixture, fixtureDir } from '../support/opensslFixtures';
import type { NpkiRoundTrips } from './browser/npkiRoundTrips';
import { browserBundle } from '../support/browserBundle';

/**
 * npki/ runs on the customer's device in issue I: bundled by esbuild for the browser, with no Node
 * module and no polyfill, its round trips run in Chromium and give what Node gives, byte for byte.
 */
const PASSWORD = 'Browser#2026!';
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));
const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');

let bundle: string;
let server: Server;
let browser: Browser;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'jca-npki-browser-'));

/** Calls one of the bundle's round trips in the page. */
function inBrowser<K extends keyof NpkiRoundTrips>(
  name: K,
  ...args: Parameters<NpkiRoundTrips[K]>
): Promise<Awaited<ReturnType<NpkiRoundTrips[K]>>> {
  return page.evaluate(
    ([method, parameters]) => {
      const npki = (globalThis as unknown as { npki: Record<string, (...a: unknown[]) => unknown> }).npki;
      return npki[method]!(...parameters);
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<NpkiRoundTrips[K]>>>;
}

beforeAll(async () => {
  // Only npki/ and the entry.
  bundle = await browserBundle(
    join(__dirname, 'browser', 'npkiRoundTrips.ts'),
    (input) => /^src\/certificates\/npki\/[A-Za-z0-9]+\.ts$/.test(input) || input === 'test/certificates/browser/npkiRoundTrips.ts',
  );

  // Not chained: restify, loaded by other test files in this worker, patches writeHead to return nothing.
  server = createServer((request, response) => {
    const script = request.url === '/npki.js';
    response.setHeader('content-type', script ? 'text/javascript' : 'text/html');
    response.end(script ? bundle : '<!doctype html><meta charset="utf-8"><script src="/npki.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium();
  page = await browser.newPage();
  // A loopback origin is a secure context, so WebCrypto is there as on an https page.
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  expect(await page.evaluate(() => typeof (globalThis as { npki?: unknown }).npki)).toBe('object');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('SEED-CBC gives the RFC 4269 vector and decrypts it back', async () => {
  // Appendix B: key 00…00, plaintext 00 01 … 0f. With a zero IV the first CBC block is the block cipher's output.
  const [key, iv, plaintext] = ['00'.repeat(16), '00'.repeat(16), '000102030405060708090a0b0c0d0e0f'];
  const { ciphertext, decrypted } = await inBrowser('seedCbc', key, iv, plaintext);
  expect(ciphertext.slice(0, 32)).toBe('5ebac6e0054e166819aff1cc6d346cdb');
  expect(decrypted).toBe(plaintext);
  expect(ciphertext).toBe(hex(seedCbcEncrypt(Buffer.from(key, 'hex'), Buffer.from(iv, 'hex'), Buffer.from(plaintext, 'hex'))));
});

describe('signPri.key', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const randomNum = randomBytes(20);
  const privateKeyInfo = buildPrivateKeyInfo(privateKey.export({ type: 'pkcs8', format: 'der' }), randomNum);

  test('written in the browser (PBES2, PBKDF2-SHA1 with no PRF field, 2048 iterations, SEED-CBC) opens there and in Node, R kept', async () => {
    const signPri = bytes(await inBrowser('encryptKeyFile', b64(privateKeyInfo), PASSWORD));
    expect(await inBrowser('decryptKeyFile', b64(signPri), PASSWORD)).toEqual({
      privateKeyInfo: b64(privateKeyInfo),
      randomNum: hex(randomNum),
    });
    expect(hex(await decryptPrivateKeyFile(signPri, PASSWORD))).toBe(hex(privateKeyInfo));
    expect(await inBrowser('decryptKeyFile', b64(signPri), 'Wrong#2026!')).toEqual({ refused: 'wrongPassword' });

    // OpenSSL reads the profile NPKI programs read: no prf field, so HMAC-SHA1; 2048 iterations; SEED-CBC.
    writeFileSync(join(dir, 'signPri.key'), signPri);
    const structure = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', join(dir, 'signPri.key')], { encoding: 'utf8' });
    expect(structure).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*INTEGER +:0800\s[\s\S]*:seed-cbc/);
    expect(structure).not.toContain('hmacWith');
  });

  test('written in Node, in either scheme, opens in the browser to the same bytes', async () => {
    for (const scheme of ['pbes2-seed', 'seedCBCWithSHA1'] as const) {
      const signPri = await encryptPrivateKeyFile(privateKeyInfo, PASSWORD, { scheme });
      expect(await inBrowser('decryptKeyFile', b64(signPri), PASSWORD)).toEqual({
        privateKeyInfo: b64(privateKeyInfo),
        randomNum: hex(randomNum),
      });
    }
  });

  test('made by the openssl CLI (PBKDF2-HMAC-SHA256, SEED-CBC, R among the attributes) opens in both alike', async () => {
    const signPri = fixture('personal.signPri.key');
    const inNode = await decryptPrivateKeyFile(signPri, FIXTURE_PASSWORD);
    expect(await inBrowser('decryptKeyFile', b64(signPri), FIXTURE_PASSWORD)).toEqual({
      privateKeyInfo: b64(inNode),
      randomNum: readFileSync(join(fixtureDir(), 'personal.r.hex'), 'utf8').trim(),
    });
  });
});

describe('PKCS#12', () => {
  test.each(['personal.p12', 'personal.legacy.p12'])('%s, written by openssl, gives the browser what it gives Node', async (name) => {
    const pfx = fixture(name);
    const inNode = await readPkcs12(pfx, FIXTURE_PASSWORD);
    expect(await inBrowser('readPfx', b64(pfx), FIXTURE_PASSWORD)).toEqual({
      privateKeyInfo: b64(inNode.privateKeyInfo),
      certificate: b64(inNode.certificate),
      chain: inNode.chain.map(b64),
    });
    expect(await inBrowser('readPfx', b64(pfx), 'Wrong#2026!')).toEqual({ refused: 'wrongPassword' });
  });

  test('one exported as the CAs do, R inside, opens in the browser with R; the browser writes one that Node and openssl open', async () => {
    const ca = await SandboxCa.open({
      profile: OTHER_BANK_CA_PROFILE,
      folder: join(dir, 'ca'),
      ledger: new MemoryCaLedger(),
      crlUrl: 'http://127.0.0.1/crl',
    });
    const issued = await ca.issue({ realName: '홍길동', idn: FIXTURE_IDN, type: 'personalGeneral' });
    const { randomNum } = readPrivateKeyInfo(issued.privateKeyInfo);
    const fromNode = await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, password: PASSWORD });
    expect(await inBrowser('readPfx', b64(fromNode), PASSWORD)).toEqual({
      privateKeyInfo: b64(issued.privateKeyInfo),
      randomNum: hex(randomNum),
      certificate: b64(issued.certificate),
      chain: [],
    });

    const fromBrowser = bytes(await inBrowser('writePfx', b64(issued.certificate), b64(issued.privateKeyInfo), PASSWORD));
    expect(hex((await readPkcs12(fromBrowser, PASSWORD)).privateKeyInfo)).toBe(hex(issued.privateKeyInfo));
    writeFileSync(join(dir, 'browser.p12'), fromBrowser);
    expect(
      execFileSync('openssl', ['pkcs12', '-in', join(dir, 'browser.p12'), '-passin', `pass:${PASSWORD}`, '-nodes'], { encoding: 'utf8' }),
    ).toContain('BEGIN PRIVATE KEY');
  });
});

test('the VID is computed and checked in the browser as in Node', async () => {
  const randomNum = readFileSync(join(fixtureDir(), 'personal.r.hex'), 'utf8').trim();
  for (const hash of ['sha256', 'sha1'] as const) {
    expect(await inBrowser('computeVid', FIXTURE_IDN, randomNum, hash)).toBe(
      hex(await computeVirtualId(FIXTURE_IDN, Buffer.from(randomNum, 'hex'), hash)),
    );
  }
  const certificate = b64(fixture('personal.signCert.der'));
  expect(await inBrowser('verifyVid', certificate, FIXTURE_IDN, randomNum)).toBe(true);
  expect(await inBrowser('verifyVid', certificate, '8505052345678', randomNum)).toBe(false);
});

test('a certificate reads the same in the browser as in Node', async () => {
  const certificate = fixture('personal.signCert.der');
  const inNode = await inspectCertificate(certificate);
  expect(await inBrowser('inspect', b64(certificate))).toEqual(JSON.parse(JSON.stringify(inNode)));
});

test('an NPKI zip round-trips between Node and the browser', async () => {
  const [signCert, signPri] = [fixture('personal.signCert.der'), fixture('personal.signPri.key')];
  const subjectDn = 'cn=홍길동()0081,ou=OTHERBANK,ou=personal4IB,o=KICA,c=KR';
  const fromNode = writeNpkiZip({ caDirectory: 'KICA', subjectDn, signCert, signPri });
  expect(await inBrowser('readZip', b64(fromNode))).toEqual({ signCert: b64(signCert), signPri: b64(signPri) });

  const fromBrowser = readNpkiZip(bytes(await inBrowser('writeZip', 'KICA', subjectDn, b64(signCert), b64(signPri))));
  expect('signPri' in fromBrowser && [hex(fromBrowser.signCert), hex(fromBrowser.signPri)]).toEqual([hex(signCert), hex(signPri)]);
});
