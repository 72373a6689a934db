import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CertificateError, MAX_FILE_BYTES } from '../../src/certificates/npki/certificateError';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import {
  KNOWN_POLICY_OIDS,
  OTHER_BANK_SANDBOX_POLICY,
  SANDBOX_POLICY,
  lookupPolicy,
  type PolicyInfo,
} from '../../src/certificates/npki/certificatePolicies';
import { dnToNpkiString, maskName, realNameFromCommonName } from '../../src/certificates/npki/distinguishedName';
import { expectCertificateError } from '../support/certificateErrors';

// Fixtures are made with the openssl CLI, independently of the code under test.
let dir: string;

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes an openssl config file in the temp dir and returns its path. */
function config(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A self-signed DER certificate made by `openssl req -x509`. */
function makeCertificate(name: string, subject: string, extra: string[] = [], key = 'rsa.pem'): Buffer {
  const out = path.join(dir, `${name}.der`);
  openssl(['req', '-x509', '-new', '-key', key, '-utf8', '-subj', subject, '-days', '365', '-outform', 'DER', '-out', out, ...extra]);
  return readFileSync(out);
}

function opensslField(der: string, flag: string): string {
  const line = openssl(['x509', '-inform', 'DER', '-in', der, '-noout', flag, '-dateopt', 'iso_8601']).trim();
  return line.slice(line.indexOf('=') + 1);
}

const KOREAN_SUBJECT = '/C=kr/O=yessign/OU=personal4IB/OU=WOORI/CN=홍길동()0012345678901234';
let yessign: Buffer;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'inspection-'));
  // One RSA keygen for every RSA fixture; an EC key for the unsupported one.
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem']);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.pem']);
  yessign = makeCertificate('yessign', KOREAN_SUBJECT, [
    '-set_serial',
    '0x80112233445566778899',
    '-addext',
    'certificatePolicies=critical,1.2.410.200005.1.1.4',
    '-addext',
    'keyUsage=critical,digitalSignature,nonRepudiation',
  ]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('inspectCertificate on an NPKI-style certificate made by openssl', () => {
  it('reports the subject, name, issuer, serial, validity, key usage, fingerprint and policy', async () => {
    const summary = await inspectCertificate(yessign);
    const file = path.join(dir, 'yessign.der');

    expect(summary.subjectDn).toBe('cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr');
    expect(summary.commonName).toBe('홍길동()0012345678901234');
    expect(summary.realName).toBe('홍길동');
    expect(summary.maskedName).toBe('홍*동');
    expect(summary.issuerDn).toBe(summary.subjectDn); // self-signed
    expect(summary.issuerCommonName).toBe('홍길동()0012345678901234');
    expect(summary.issuerOrganization).toBe('yessign');

    // The DER INTEGER carries a 00 sign byte (high bit set); openssl prints the magnitude.
    expect(summary.serialNumber).toBe('80112233445566778899');
    expect(summary.serialNumber).toBe(opensslField(file, '-serial').toLowerCase());

    expect(summary.notBefore.toISOString()).toBe(new Date(opensslField(file, '-startdate').replace(' ', 'T')).toISOString());
    expect(summary.notAfter.toISOString()).toBe(new Date(opensslField(file, '-enddate').replace(' ', 'T')).toISOString());
    expect(summary.notAfter.getTime() - summary.notBefore.getTime()).toBe(365 * 24 * 3600 * 1000);

    expect(summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(summary.fingerprintSha256).toBe(createHash('sha256').update(yessign).digest('hex'));
  });

  it('matches openssl -fingerprint -sha256 and the key from openssl pkey', async () => {
    const summary = await inspectCertificate(yessign);
    const file = path.join(dir, 'yessign.der');
    const line = openssl(['x509', '-inform', 'DER', '-in', file, '-noout', '-fingerprint', '-sha256']).trim();
    expect(line).toMatch(/^sha256 Fingerprint=/i);
    expect(summary.fingerprintSha256).toBe(
      line
        .slice(line.indexOf('=') + 1)
        .replace(/:/g, '')
        .toLowerCase(),
    );
    expect(summary.publicKeyPem).toBe(openssl(['pkey', '-in', 'rsa.pem', '-pubout']));
  });

  it('maps the policy to yessign 개인 은행·신용카드·보험용', async () => {
    const summary = await inspectCertificate(yessign);
    expect(summary.policyOid).toBe('1.2.410.200005.1.1.4');
    expect(summary.policy).toMatchObject({
      ca: 'yessign',
      caName: { ko: '금융결제원(yessign)' },
      kind: 'personalBanking',
      holder: 'personal',
    });
    expect(summary.virtualId).toBeUndefined();
  });

  it('uses a random openssl serial as openssl prints it', async () => {
    const der = makeCertificate('random-serial', '/C=KR/O=KICA/CN=이영희()0011000000000001');
    const summary = await inspectCertificate(der);
    expect(summary.serialNumber).toBe(opensslField(path.join(dir, 'random-serial.der'), '-serial').toLowerCase());
    expect(summary.subjectDn).toBe('cn=이영희()0011000000000001,o=KICA,c=KR');
    expect(summary.keyUsage).toEqual([]);
    expect(summary.policyOid).toBeUndefined();
    expect(summary.policy).toBeUndefined();
  });

  it('decodes a BMPString common name', async () => {
    const bmp = config('bmp.cnf', '[req]\ndistinguished_name=dn\nstring_mask=MASK:0x800\n[dn]\n');
    const der = makeCertificate('bmp', '/C=KR/O=KICA/CN=김철수()0011223344', ['-config', bmp]);
    // Make sure openssl really wrote BMPStrings (tag 0x1e) and not UTF8Strings.
    expect(openssl(['asn1parse', '-inform', 'DER', '-in', 'bmp.der'])).toContain('BMPSTRING');
    const summary = await inspectCertificate(der);
    expect(summary.commonName).toBe('김철수()0011223344');
    expect(summary.realName).toBe('김철수');
    expect(summary.subjectDn).toBe('cn=김철수()0011223344,o=KICA,c=KR');
    expect(summary.issuerOrganization).toBe('KICA');
  });

  it('decodes a PrintableString common name (SignKorea style)', async () => {
    const printable = config('printable.cnf', '[req]\ndistinguished_name=dn\nstring_mask=MASK:0x2\n[dn]\n');
    const der = makeCertificate('printable', '/C=KR/O=SignKorea/OU=HTS/CN=Hong Gildong-6422061', [
      '-config',
      printable,
      '-addext',
      'certificatePolicies=1.2.410.200004.5.1.1.9',
      '-addext',
      'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyCertSign,decipherOnly',
    ]);
    expect(openssl(['asn1parse', '-inform', 'DER', '-in', 'printable.der'])).toMatch(/PRINTABLESTRING\s+:Hong Gildong-6422061/);
    const summary = await inspectCertificate(der);
    expect(summary.commonName).toBe('Hong Gildong-6422061');
    expect(summary.realName).toBe('Hong Gildong');
    expect(summary.maskedName).toBe('H**********g');
    expect(summary.subjectDn).toBe('cn=Hong Gildong-6422061,ou=HTS,o=SignKorea,c=KR');
    expect(summary.policy).toMatchObject({ ca: 'SignKorea', kind: 'personalSecurities', holder: 'personal' });
    // decipherOnly is bit 8, in the second content byte.
    expect(summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign', 'decipherOnly']);
  });

  it('reports an unknown policy OID without guessing', async () => {
    const der = makeCertificate('unknown-policy', KOREAN_SUBJECT, ['-addext', 'certificatePolicies=critical,1.2.3.4.5']);
    const summary = await inspectCertificate(der);
    expect(summary.policyOid).toBe('1.2.3.4.5');
    expect(summary.policy).toBeUndefined();
  });

  it('does not guess from a yessign prefix', async () => {
    const der = makeCertificate('prefix-policy', KOREAN_SUBJECT, ['-addext', 'certificatePolicies=1.2.410.200005.1.1.99']);
    const summary = await inspectCertificate(der);
    expect(summary.policyOid).toBe('1.2.410.200005.1.1.99');
    expect(summary.policy).toBeUndefined();
  });

  it('picks the known policy when several are listed', async () => {
    const der = makeCertificate('two-policies', KOREAN_SUBJECT, ['-addext', 'certificatePolicies=1.2.3.4.5,1.2.410.200004.5.2.1.2']);
    const summary = await inspectCertificate(der);
    expect(summary.policyOid).toBe('1.2.410.200004.5.2.1.2');
    expect(summary.policy).toMatchObject({ ca: 'KICA', kind: 'personalGeneral' });
  });

  it('refuses a non-RSA key as unsupported', async () => {
    const der = makeCertificate('ec', KOREAN_SUBJECT, [], 'ec.pem');
    await expectCertificateError(() => inspectCertificate(der), 'unsupportedFile', 'certificate');
  });
});

describe('inspectCertificate on bad input', () => {
  it('refuses an empty buffer', async () => {
    await expectCertificateError(() => inspectCertificate(new Uint8Array(0)), 'corruptFile', 'certificate');
  });

  it('refuses random bytes', async () => {
    let block = Buffer.from('seed');
    const chunks: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      block = createHash('sha256').update(block).digest();
      chunks.push(block);
    }
    await expectCertificateError(() => inspectCertificate(Buffer.concat(chunks)), 'corruptFile', 'certificate');
    // Also random bytes that start like a certificate.
    await expectCertificateError(
      () => inspectCertificate(Buffer.concat([Buffer.from([0x30, 0x82, 0x07, 0xfc]), Buffer.concat(chunks).subarray(0, 2044)])),
      'corruptFile',
      'certificate',
    );
  });

  it('refuses truncated DER', async () => {
    for (const cut of [1, 2, 4, 10, 100, yessign.length / 2, yessign.length - 1]) {
      await expectCertificateError(() => inspectCertificate(yessign.subarray(0, Math.floor(cut))), 'corruptFile', 'certificate');
    }
  });

  it('refuses trailing bytes after the certificate', async () => {
    await expectCertificateError(() => inspectCertificate(Buffer.concat([yessign, Buffer.from([0x00])])), 'corruptFile', 'certificate');
  });

  it('refuses PEM text', async () => {
    const pem = openssl(['x509', '-inform', 'DER', '-in', 'yessign.der']);
    expect(pem).toContain('-----BEGIN CERTIFICATE-----');
    await expectCertificateError(() => inspectCertificate(Buffer.from(pem)), 'corruptFile', 'certificate');
  });

  it('refuses a private key given as the certificate', async () => {
    openssl([
      'pkcs8',
      '-topk8',
      '-in',
      'rsa.pem',
      '-outform',
      'DER',
      '-out',
      'encrypted.key',
      '-v2',
      'aes-256-cbc',
      '-passout',
      'pass:secret1!',
    ]);
    openssl(['pkcs8', '-topk8', '-in', 'rsa.pem', '-outform', 'DER', '-out', 'plain.key', '-nocrypt']);
    await expectCertificateError(() => inspectCertificate(readFileSync(path.join(dir, 'encrypted.key'))), 'corruptFile', 'certificate');
    await expectCertificateError(() => inspectCertificate(readFileSync(path.join(dir, 'plain.key'))), 'corruptFile', 'certificate');
  });

  it('refuses 10,000 nested SEQUENCEs (definite lengths) without blowing the stack', async () => {
    let nested = Buffer.from([0x30, 0x00]);
    for (let i = 1; i < 10_000; i++) {
      const length = nested.length;
      const header =
        length < 0x80
          ? Buffer.from([0x30, length])
          : length < 0x100
            ? Buffer.from([0x30, 0x81, length])
            : Buffer.from([0x30, 0x82, length >> 8, length & 0xff]);
      nested = Buffer.concat([header, nested]);
    }
    expect(nested.length).toBeLessThanOrEqual(MAX_FILE_BYTES);
    await expectCertificateError(() => inspectCertificate(nested), 'corruptFile', 'certificate');
  });

  it('refuses 10,000 nested SEQUENCEs (indefinite lengths)', async () => {
    const nested = Buffer.concat([Buffer.alloc(20_000, Buffer.from([0x30, 0x80])), Buffer.alloc(20_000, 0)]);
    await expectCertificateError(() => inspectCertificate(nested), 'corruptFile', 'certificate');
  });

  it('refuses a file over 64 KB as too large', async () => {
    await expectCertificateError(() => inspectCertificate(Buffer.alloc(MAX_FILE_BYTES + 1, 0x30)), 'fileTooLarge', 'certificate');
    await expectCertificateError(
      () => inspectCertificate(Buffer.concat([yessign, Buffer.alloc(MAX_FILE_BYTES)])),
      'fileTooLarge',
      'certificate',
    );
  });

  it('lets nothing but a CertificateError escape on mangled certificates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: yessign.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat({ max: yessign.length }),
        async (edits, keep) => {
          const mangled = Buffer.from(yessign.subarray(0, Math.max(1, keep)));
          for (const [at, byte] of edits) if (at < mangled.length) mangled[at] = byte;
          try {
            const summary = await inspectCertificate(mangled);
            expect(typeof summary.subjectDn).toBe('string');
          } catch (error) {
            if (!(error instanceof CertificateError)) throw error;
            expect(['corruptFile', 'unsupportedFile']).toContain(error.reason);
          }
        },
      ),
      { numRuns: 300, seed: 20240601 },
    );
  });
});

describe('lookupPolicy', () => {
  type Expected = Pick<PolicyInfo, 'ca' | 'kind' | 'holder'>;
  const table: [string, Expected | undefined][] = [
    ['1.2.410.200005.1.1.1', { ca: 'yessign', kind: 'personalGeneral', holder: 'personal' }],
    ['1.2.410.200005.1.1.4', { ca: 'yessign', kind: 'personalBanking', holder: 'personal' }],
    ['1.2.410.200005.1.1.5', { ca: 'yessign', kind: 'corporateGeneral', holder: 'corporate' }],
    ['1.2.410.200005.1.1.2', { ca: 'yessign', kind: 'corporateRestricted', holder: 'corporate' }],
    ['1.2.410.200005.1.1.6.2', { ca: 'yessign', kind: 'personalCreditCard', holder: 'personal' }],
    ['1.2.410.200005.1.1.6.1', { ca: 'yessign', kind: 'corporateRestricted', holder: 'corporate' }],
    ['1.2.410.200004.5.2.1.2', { ca: 'KICA', kind: 'personalGeneral', holder: 'personal' }],
    ['1.2.410.200004.5.2.1.1', { ca: 'KICA', kind: 'corporateGeneral', holder: 'corporate' }],
    ['1.2.410.200004.5.2.1.7.1', { ca: 'KICA', kind: 'personalBanking', holder: 'personal' }],
    ['1.2.410.200004.5.2.1.7.2', { ca: 'KICA', kind: 'personalSecurities', holder: 'personal' }],
    ['1.2.410.200004.5.2.1.7.3', { ca: 'KICA', kind: 'personalCreditCard', holder: 'personal' }],
    ['1.2.410.200004.5.4.1.1', { ca: 'CrossCert', kind: 'personalGeneral', holder: 'personal' }],
    ['1.2.410.200004.5.4.1.2', { ca: 'CrossCert', kind: 'corporateGeneral', holder: 'corporate' }],
    ['1.2.410.200004.5.4.1.101', { ca: 'CrossCert', kind: 'personalBanking', holder: 'personal' }],
    ['1.2.410.200004.5.4.1.104', { ca: 'CrossCert', kind: 'personalCivil', holder: 'personal' }],
    ['1.2.410.200004.5.1.1.5', { ca: 'SignKorea', kind: 'personalGeneral', holder: 'personal' }],
    ['1.2.410.200004.5.1.1.7', { ca: 'SignKorea', kind: 'corporateGeneral', holder: 'corporate' }],
    ['1.2.410.200004.5.1.1.9', { ca: 'SignKorea', kind: 'personalSecurities', holder: 'personal' }],
    ['1.2.410.200004.5.1.1.9.2', { ca: 'SignKorea', kind: 'personalCreditCard', holder: 'personal' }],
    ['1.2.410.200012.1.1.1', { ca: 'TradeSign', kind: 'personalGeneral', holder: 'personal' }],
    ['1.2.410.200012.1.1.3', { ca: 'TradeSign', kind: 'corporateGeneral', holder: 'corporate' }],
    ['1.2.410.200012.1.1.101', { ca: 'TradeSign', kind: 'personalBanking', holder: 'personal' }],
    ['1.2.410.200012.1.1.103', { ca: 'TradeSign', kind: 'personalSecurities', holder: 'personal' }],
    ['1.2.410.200012.1.1.105', { ca: 'TradeSign', kind: 'personalCreditCard', holder: 'personal' }],
    ['1.2.410.200012.1.1.5', { ca: 'TradeSign', kind: 'server', holder: 'server' }],
    // unknown: never guessed from a prefix
    ['1.2.3.4.5', undefined],
    ['1.2.410.200005.1.1', undefined],
    ['1.2.410.200005.1.1.4.1', undefined],
    ['1.2.410.200005.1.1.6', undefined],
    ['1.2.410.200004.5.2.1.3', undefined],
    ['1.2.410.200004.5.2.1.7', undefined],
    ['', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
  ];

  it.each(table)('%s', (oid, expected) => {
    const info = lookupPolicy(oid);
    if (expected === undefined) {
      expect(info).toBeUndefined();
    } else {
      expect(info).toMatchObject(expected);
    }
  });

  it('names every CA in Korean and English', () => {
    expect(lookupPolicy('1.2.410.200005.1.1.1')?.caName).toEqual({ ko: '금융결제원(yessign)', en: 'KFTC (yessign)' });
    expect(lookupPolicy('1.2.410.200004.5.2.1.2')?.caName.ko).toBe('한국정보인증(KICA)');
    expect(lookupPolicy('1.2.410.200004.5.4.1.1')?.caName.ko).toBe('한국전자인증(CrossCert)');
    expect(lookupPolicy('1.2.410.200004.5.1.1.5')?.caName.ko).toBe('코스콤(SignKorea)');
    expect(lookupPolicy('1.2.410.200012.1.1.1')?.caName.ko).toBe('한국무역정보통신(TradeSign)');
  });

  it('keeps holder consistent with kind for every entry', () => {
    expect(new Set(KNOWN_POLICY_OIDS).size).toBe(KNOWN_POLICY_OIDS.length);
    for (const oid of KNOWN_POLICY_OIDS) {
      const info = lookupPolicy(oid);
      expect(info).toBeDefined();
      if (!info) continue;
      const expectedHolder = info.kind.startsWith('personal') ? 'personal' : info.kind.startsWith('corporate') ? 'corporate' : 'server';
      expect(info.holder).toBe(expectedHolder);
      expect(info.label.ko.length).toBeGreaterThan(0);
    }
  });

  it('knows the sandbox CAs policies', () => {
    expect(lookupPolicy(SANDBOX_POLICY.personalBanking)).toMatchObject({ ca: 'yessign', kind: 'personalBanking' });
    expect(lookupPolicy(SANDBOX_POLICY.personalGeneral)).toMatchObject({ ca: 'yessign', kind: 'personalGeneral' });
    expect(lookupPolicy(OTHER_BANK_SANDBOX_POLICY.personalBanking)).toMatchObject({ ca: 'KICA', kind: 'personalBanking' });
    expect(lookupPolicy(OTHER_BANK_SANDBOX_POLICY.personalGeneral)).toMatchObject({ ca: 'KICA', kind: 'personalGeneral' });
  });
});

describe('names', () => {
  it.each([
    ['홍길동', '홍*동'],
    ['남궁민수', '남**수'],
    ['홍길', '홍*'],
    ['홍', '홍'],
    ['', ''],
    ['  홍길동 ', '홍*동'],
    ['John Smith', 'J********h'],
    ['Al', 'A*'],
    ['\u1112\u1169\u11bc\u1100\u1175\u11af\u1103\u1169\u11bc', '홍*동'], // NFD 홍길동
  ])('maskName(%j) = %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each([
    ['홍길동()0012345678901234', '홍길동'],
    ['홍길동(HONG GILDONG)0088123456789012345678', '홍길동'],
    ['홍길동-6422061', '홍길동'],
    ['Hong Gildong-6422061', 'Hong Gildong'],
    ['홍길동', '홍길동'],
    ['홍-길동', '홍-길동'],
  ])('realNameFromCommonName(%j) = %j', (cn, name) => {
    expect(realNameFromCommonName(cn)).toBe(name);
  });

  it('writes the NPKI text form leaf first, from forge-style raw attributes', () => {
    const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
    expect(
      dnToNpkiString([
        { type: '2.5.4.6', shortName: 'C', value: 'kr', valueTagClass: 19 },
        { type: '2.5.4.10', shortName: 'O', value: utf8('yessign'), valueTagClass: 12 },
        { type: '2.5.4.11', shortName: 'OU', value: utf8('personal4IB'), valueTagClass: 12 },
        // forge decodes BMPString itself: the value is already text.
        { type: '2.5.4.11', shortName: 'OU', value: 'WOORI', valueTagClass: 30 },
        { type: '2.5.4.3', shortName: 'CN', value: utf8('홍길동()0012345678901234'), valueTagClass: 12 },
        { type: '1.2.3.4', value: 'x', valueTagClass: 22 },
      ]),
    ).toBe('1.2.3.4=x,cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr');
  });
});
