import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import {
  computeVirtualId as compute,
  identifyDataExtension,
  readIdentifyData,
  verifyVirtualId,
} from '../../src/certificates/npki/virtualId';

const { asn1 } = forge;
const computeVirtualId = async (...args: Parameters<typeof compute>): Promise<Buffer> => Buffer.from(await compute(...args));

// The vector from the research notes (derived from the KCAC.TS.SIVID algorithm).
const IDN = '8001011234567';
const R = Buffer.from(Array.from({ length: 20 }, (_, i) => i)); // 00 01 … 13
const VID_SHA256 = '006790655934364581fb34725853b53f9e9e6f27dd0e0b34d3d5de685340c08b';
const VID_SHA1 = '2ba95c7da6fe6e9efb7df2d991b53cc3076a413f';

// One RSA key (Node's native keygen) for every certificate in this file.
const { privateKey: privatePem, publicKey: publicPem } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const privateKey = forge.pki.privateKeyFromPem(privatePem);
const publicKey = forge.pki.publicKeyFromPem(publicPem);

// @types/node-forge types valueTagClass as asn1.Class, but forge means the universal tag (asn1.Type).
const UTF8 = asn1.Type.UTF8 as number as forge.asn1.Class;

/** A self-signed NPKI-style certificate built with node-forge, carrying the given extensions. */
function buildCertificate(extensions: object[]): Buffer {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '0123456789abcdef';
  cert.validity.notBefore = new Date('2025-01-01T15:00:00Z');
  cert.validity.notAfter = new Date('2026-01-01T14:59:59Z');
  const attrs = [
    { shortName: 'C', value: 'kr' },
    { shortName: 'O', value: 'yessign', valueTagClass: UTF8 },
    { shortName: 'OU', value: 'personal4IB', valueTagClass: UTF8 },
    { shortName: 'OU', value: 'WOORI', valueTagClass: UTF8 },
    { shortName: 'CN', value: '홍길동()0012345678901234', valueTagClass: UTF8 },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions(extensions);
  cert.sign(privateKey, forge.md.sha256.create());
  return Buffer.from(asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'latin1');
}

function hex(node: forge.asn1.Asn1): string {
  return Buffer.from(asn1.toDer(node).getBytes(), 'latin1').toString('hex');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vid-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function opensslText(der: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, der);
  return execFileSync('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
}

describe('computeVirtualId', () => {
  it('matches the SHA-256 vector', async () => {
    expect((await computeVirtualId(IDN, R, 'sha256')).toString('hex')).toBe(VID_SHA256);
  });

  it('matches the SHA-1 vector', async () => {
    expect((await computeVirtualId(IDN, R, 'sha1')).toString('hex')).toBe(VID_SHA1);
  });

  it('depends on every input', async () => {
    expect((await computeVirtualId('8001011234568', R, 'sha256')).toString('hex')).not.toBe(VID_SHA256);
    const otherR = Buffer.from(R);
    otherR[19] = 0x14;
    expect((await computeVirtualId(IDN, otherR, 'sha256')).toString('hex')).not.toBe(VID_SHA256);
  });

  it.each(['800101-1234567', '800101123456', '80010112345678', '800101123456a', ''])(
    'refuses a malformed idn without echoing it (%j)',
    async (idn) => {
      let caught: unknown;
      try {
        await computeVirtualId(idn, R, 'sha256');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(Error);
      expect(caught).not.toBeInstanceOf(CertificateError);
      const message = (caught as Error).message;
      expect(message).not.toContain('1234567');
      expect(message).not.toContain('800101');
    },
  );

  it('refuses an empty R', async () => {
    await expect(computeVirtualId(IDN, Buffer.alloc(0), 'sha256')).rejects.toThrow(Error);
  });
});

describe('identifyDataExtension', () => {
  it('writes the npkiIdentifyData otherName byte for byte as the CAs do', async () => {
    const { name, value } = await identifyDataExtension('홍길동', IDN, R);
    expect(name).toBe('subjectAltName');
    const der = hex(value);
    const realName = Buffer.from('홍길동', 'utf8').toString('hex'); // 9 bytes
    const identifyData =
      `304e0c09${realName}` + // SEQUENCE { UTF8String realName,
      '3041303f' + //   SEQUENCE OF SEQUENCE {
      '060a2a831a8c9a440a010101' + //     OID 1.2.410.200004.10.1.1.1
      '3031300b0609608648016503040201' + //     SEQUENCE { AlgorithmIdentifier sha256 (no NULL)
      `a0220420${VID_SHA256}`; //       [0] EXPLICIT OCTET STRING vid } } }
    const otherName = `06092a831a8c9a440a0101a050${identifyData}`; // OID 1.2.410.200004.10.1.1, [0] EXPLICIT
    expect(der).toBe(`305fa05d${otherName}`); // GeneralNames { [0] constructed otherName }
  });

  it('writes a SHA-1 VID when asked', async () => {
    const der = hex((await identifyDataExtension('홍길동', IDN, R, 'sha1')).value);
    expect(der).toContain(`300706052b0e03021aa0160414${VID_SHA1}`);
  });
});

describe('a certificate carrying npkiIdentifyData', () => {
  let certificate: Buffer;
  beforeAll(async () => {
    certificate = buildCertificate([
      { name: 'keyUsage', critical: true, digitalSignature: true, nonRepudiation: true },
      await identifyDataExtension('홍길동', IDN, R),
    ]);
  });

  it('is read by openssl, which shows the otherName in the subjectAltName', () => {
    const text = opensslText(certificate, 'vid.der');
    expect(text).toContain('X509v3 Subject Alternative Name:');
    expect(text).toMatch(/othername:\s*1\.2\.410\.200004\.10\.1\.1/i);
  });

  it('gives back the real name, hash and VID', () => {
    const data = readIdentifyData(certificate);
    expect(data).toBeDefined();
    expect(data?.realName).toBe('홍길동');
    expect(data?.hashAlgorithm).toBe('sha256');
    expect(Buffer.from(data?.virtualId ?? []).toString('hex')).toBe(VID_SHA256);
  });

  it('verifies the right 주민등록번호 and R, and nothing else', async () => {
    expect(await verifyVirtualId(certificate, IDN, R)).toBe(true);
    expect(await verifyVirtualId(certificate, '8001011234568', R)).toBe(false); // one digit changed
    expect(await verifyVirtualId(certificate, '9001011234567', R)).toBe(false);
    const wrongR = Buffer.from(R);
    wrongR[0] = 0xff;
    expect(await verifyVirtualId(certificate, IDN, wrongR)).toBe(false);
    expect(await verifyVirtualId(certificate, IDN, R.subarray(0, 19))).toBe(false);
  });

  it('shows up in the inspection summary', async () => {
    const summary = await inspectCertificate(certificate);
    expect(summary.virtualId).toEqual({ realName: '홍길동', hashAlgorithm: 'sha256' });
    expect(summary.subjectDn).toBe('cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr');
    expect(summary.serialNumber).toBe('0123456789abcdef');
    expect(summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
  });

  it('reads a SHA-1 VID', async () => {
    const sha1Certificate = buildCertificate([await identifyDataExtension('김철수', IDN, R, 'sha1')]);
    expect(readIdentifyData(sha1Certificate)).toEqual({
      realName: '김철수',
      hashAlgorithm: 'sha1',
      virtualId: Buffer.from(VID_SHA1, 'hex'),
    });
    expect(await verifyVirtualId(sha1Certificate, IDN, R)).toBe(true);
    expect(await verifyVirtualId(sha1Certificate, '8001011234560', R)).toBe(false);
  });

  it('accepts a hash AlgorithmIdentifier with NULL parameters', async () => {
    const extension = await identifyDataExtension('홍길동', IDN, R);
    const withNull = hex(extension.value).replace('300b0609608648016503040201', '300d06096086480165030402010500');
    // Re-wrap with the lengths fixed: every enclosing length grows by 2.
    const patched = withNull
      .replace(/^305fa05d/, '3061a05f')
      .replace('a050304e', 'a0523050')
      .replace('3041303f', '30433041')
      .replace('060a2a831a8c9a440a0101013031', '060a2a831a8c9a440a0101013033');
    const nullCertificate = buildCertificate([{ name: 'subjectAltName', value: Buffer.from(patched, 'hex').toString('latin1') }]);
    expect(opensslText(nullCertificate, 'null.der')).toMatch(/othername/i);
    expect(readIdentifyData(nullCertificate)?.hashAlgorithm).toBe('sha256');
    expect(await verifyVirtualId(nullCertificate, IDN, R)).toBe(true);
  });
});

describe('certificates without a usable VID', () => {
  it('returns undefined for a certificate without subjectAltName', async () => {
    const plain = buildCertificate([{ name: 'keyUsage', critical: true, digitalSignature: true }]);
    expect(readIdentifyData(plain)).toBeUndefined();
    expect(await verifyVirtualId(plain, IDN, R)).toBe(false);
    expect((await inspectCertificate(plain)).virtualId).toBeUndefined();
  });

  it('returns undefined for a subjectAltName with only a DNS name', () => {
    const dns = buildCertificate([{ name: 'subjectAltName', altNames: [{ type: 2, value: 'example.com' }] }]);
    expect(readIdentifyData(dns)).toBeUndefined();
  });

  it('refuses a VID hashed with an unknown algorithm as unsupported', async () => {
    const sha512Oid = Buffer.from(asn1.oidToDer('2.16.840.1.101.3.4.2.3').getBytes(), 'latin1').toString('hex');
    const patched = hex((await identifyDataExtension('홍길동', IDN, R)).value).replace('608648016503040201', sha512Oid);
    expect(sha512Oid).toHaveLength('608648016503040201'.length);
    const odd = buildCertificate([{ name: 'subjectAltName', value: Buffer.from(patched, 'hex').toString('latin1') }]);
    expect(() => readIdentifyData(odd)).toThrow(expect.objectContaining({ reason: 'unsupportedFile' }));
    await expect(inspectCertificate(odd)).rejects.toThrow(expect.objectContaining({ reason: 'unsupportedFile' }));
  });

  it('refuses a malformed npkiIdentifyData as corrupt', async () => {
    // The UTF8String realName replaced by an INTEGER of the same length.
    const patched = hex((await identifyDataExtension('홍길동', IDN, R)).value).replace('304e0c09', '304e0209');
    const bad = buildCertificate([{ name: 'subjectAltName', value: Buffer.from(patched, 'hex').toString('latin1') }]);
    expect(() => readIdentifyData(bad)).toThrow(expect.objectContaining({ reason: 'corruptFile', file: 'certificate' }));
  });

  it('refuses bytes that are not a certificate as corrupt', async () => {
    for (const input of [Buffer.from('not a certificate'), Buffer.alloc(0), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])]) {
      expect(() => readIdentifyData(input)).toThrow(CertificateError);
      await expect(verifyVirtualId(input, IDN, R)).rejects.toThrow(expect.objectContaining({ reason: 'corruptFile' }));
    }
  });
});
