import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { readCrl } from '../../src/certificates/ca/certificateRevocationList';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { BANK_CA_PROFILE, IssuedKeyPair, OTHER_BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { readIdentifyData, verifyVirtualId } from '../../src/certificates/npki/virtualId';

const IDN = '9001011234567';
const dir = mkdtempSync(join(tmpdir(), 'jca-sandbox-ca-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** Writes a certificate as PEM, or other bytes as they are, for the openssl CLI. */
const save = (name: string, bytes: Buffer, asCertificate = true) => {
  const file = join(dir, name);
  writeFileSync(file, asCertificate ? new X509Certificate(bytes).toString() : bytes);
  return file;
};

let ca: SandboxCa;
let ledger: MemoryCaLedger;
let issued: IssuedKeyPair;

beforeAll(async () => {
  ledger = new MemoryCaLedger();
  ca = await SandboxCa.open({ profile: BANK_CA_PROFILE, folder: join(dir, 'bank'), ledger, crlUrl: 'http://127.0.0.1:3978/ca/bank.crl' });
  issued = await ca.issue({ realName: '홍길동', idn: IDN, type: 'personalBanking' });
});

test('openssl verify accepts the chain root → issuing CA → customer certificate', () => {
  const root = save('root.pem', Buffer.from(ca.rootCertificate.raw));
  const issuing = save('issuing.pem', Buffer.from(ca.issuingCertificate.raw));
  const leaf = save('leaf.pem', issued.certificate);
  expect(openssl('verify', '-CAfile', root, '-untrusted', issuing, leaf)).toContain(': OK');
});

test('the certificate follows the NPKI profile', async () => {
  const leaf = save('profile.pem', issued.certificate);
  const text = openssl('x509', '-in', leaf, '-noout', '-text', '-nameopt', 'RFC2253,-esc_msb,utf8');
  expect(text).toMatch(/Subject: CN=홍길동\(\)0020\d{18},OU=SANDBOXBANK,OU=personal4IB,O=yessign,C=kr/);
  expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
  expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
  expect(text).toMatch(/Certificate Policies: critical\s+Policy: 1\.2\.410\.200005\.1\.1\.4/);
  expect(text).toContain('othername: 1.2.410.200004.10.1.1');
  expect(text).toContain('URI:http://127.0.0.1:3978/ca/bank.crl');
  expect(text).toContain('Authority Key Identifier');
  expect(text).toContain('Subject Key Identifier');
  // c is a lower-case PrintableString, the other names UTF8String; the userNotice a BMPString
  const parsed = openssl('asn1parse', '-in', leaf);
  expect(parsed).toMatch(/PRINTABLESTRING\s+:kr/);
  expect(parsed).toMatch(/UTF8STRING\s+:personal4IB/);
  expect(openssl('asn1parse', '-in', leaf, '-strparse', policiesOffset(parsed))).toContain('BMPSTRING');

  const summary = await inspectCertificate(issued.certificate);
  expect(summary.subjectDn).toBe(issued.subjectDn);
  expect(summary.policy).toMatchObject({ ca: 'yessign', kind: 'personalBanking' });
  const days = (summary.notAfter.getTime() - summary.notBefore.getTime()) / 86_400_000;
  expect(Math.round(days)).toBe(365);
});

test('the VID in the certificate matches R in the key and the customer’s 주민등록번호 only', async () => {
  const { randomNum } = readPrivateKeyInfo(issued.privateKeyInfo);
  expect(randomNum).toHaveLength(20);
  expect(readIdentifyData(issued.certificate)).toMatchObject({ realName: '홍길동', hashAlgorithm: 'sha256' });
  expect(await verifyVirtualId(issued.certificate, IDN, randomNum!)).toBe(true);
  expect(await verifyVirtualId(issued.certificate, '9001011234568', randomNum!)).toBe(false);
});

test('serials are unique and random, and a reissue can keep an old expiry date', async () => {
  const notAfter = new Date(Date.now() + 100 * 86_400_000);
  const more = await Promise.all([1, 2, 3].map(() => ca.issue({ realName: '김철수', idn: IDN, type: 'personalGeneral', notAfter })));
  const serials = new Set([issued.serialNumber, ...more.map((m) => m.serialNumber)]);
  expect(serials.size).toBe(4);
  const summary = await inspectCertificate(more[0]!.certificate);
  expect(summary.notAfter.toISOString()).toBe(new Date(Math.floor(notAfter.getTime() / 1000) * 1000).toISOString());
  expect(summary.policy?.kind).toBe('personalGeneral');
});

test('revocation is recorded with its reason and appears in a CRL that openssl accepts', async () => {
  expect(await ca.revocationStatus(issued.serialNumber)).toBe('good');
  expect(await ca.revoke(issued.serialNumber, 'keyCompromise')).toBe(true);
  expect(await ca.revocationStatus(issued.serialNumber)).toBe('revoked');
  expect(await ca.revoke('0badc0de', 'keyCompromise')).toBe(false);

  const crl = await ca.crl();
  const crlFile = save('bank.crl', crl, false);
  const issuing = save('issuing-for-crl.pem', Buffer.from(ca.issuingCertificate.raw));
  const text = openssl('crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text', '-CAfile', issuing);
  expect(text).toContain(`Serial Number: ${issued.serialNumber.toUpperCase()}`);
  expect(text).toContain('Key Compromise');
  const verified = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-CAfile', issuing, '-verify'], {
    encoding: 'utf8',
  });
  expect(verified.stderr + verified.stdout).toContain('verify OK');
  expect(readCrl(crl, ca.issuingCertificate)?.revoked.has(issued.serialNumber)).toBe(true);
  // a CRL is only believed when its issuer signed it
  expect(readCrl(crl, ca.rootCertificate)).toBeUndefined();
});

test('a restart keeps the same CA, and a CA can be loaded from PEM files someone else made', async () => {
  const again = await SandboxCa.open({ profile: BANK_CA_PROFILE, folder: join(dir, 'bank'), ledger, crlUrl: 'http://x/' });
  expect(again.rootCertificate.fingerprint256).toBe(ca.rootCertificate.fingerprint256);
  expect(again.issuingCertificate.fingerprint256).toBe(ca.issuingCertificate.fingerprint256);

  const other = await SandboxCa.open({
    profile: OTHER_BANK_CA_PROFILE,
    folder: join(dir, 'other'),
    ledger: new MemoryCaLedger(),
    crlUrl: 'http://x/',
  });
  expect(other.rootCertificate.fingerprint256).not.toBe(ca.rootCertificate.fingerprint256);

  // openssl-made files in the folder are used as they are
  const folder = join(dir, 'external');
  execFileSync('bash', [
    '-c',
    `mkdir -p ${folder} && cd ${folder} &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.crt -days 30 -subj /CN=External-Root -addext basicConstraints=critical,CA:true 2>/dev/null &&
    openssl req -new -newkey rsa:2048 -nodes -keyout issuing.key -out issuing.csr -subj /CN=External-Issuing 2>/dev/null &&
    printf 'basicConstraints=critical,CA:true\\nkeyUsage=critical,keyCertSign,cRLSign\\nsubjectKeyIdentifier=hash\\n' > ext &&
    openssl x509 -req -in issuing.csr -CA root.crt -CAkey root.key -CAcreateserial -out issuing.crt -days 30 -extfile ext 2>/dev/null`,
  ]);
  const external = await SandboxCa.open({ profile: BANK_CA_PROFILE, folder, ledger: new MemoryCaLedger(), crlUrl: 'http://x/' });
  expect(external.issuingCertificate.subject).toContain('External-Issuing');
  const fromExternal = await external.issue({ realName: '이영희', idn: IDN, type: 'personalBanking' });
  expect(new X509Certificate(fromExternal.certificate).verify(external.issuingCertificate.publicKey)).toBe(true);
  expect(readFileSync(join(folder, 'root.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
});

/** The offset of the certificatePolicies extension value in `openssl asn1parse` output. */
function policiesOffset(asn1parse: string): string {
  const lines = asn1parse.split('\n');
  const at = lines.findIndex((l) => l.includes('X509v3 Certificate Policies'));
  const octet = lines.slice(at).find((l) => l.includes('OCTET STRING'));
  return (octet ?? '').trim().split(':')[0] ?? '0';
}
