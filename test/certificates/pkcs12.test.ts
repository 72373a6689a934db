import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, KeyObject, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { CertificateError, MAX_FILE_BYTES } from '../../src/certificates/npki/certificateError';
import { readPkcs12 as read, writePkcs12 as write } from '../../src/certificates/npki/pkcs12';
import { buildPrivateKeyInfo as build, readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { expectCertificateError } from '../support/certificateErrors';

// The reader and writer work on Uint8Array (they run in browsers too); Buffers compare and print here.
async function readPkcs12(file: Uint8Array, password: string): Promise<{ certificate: Buffer; chain: Buffer[]; privateKeyInfo: Buffer }> {
  const contents = await read(file, password);
  const [certificate, privateKeyInfo] = [Buffer.from(contents.certificate), Buffer.from(contents.privateKeyInfo)];
  return { certificate, chain: contents.chain.map((der) => Buffer.from(der)), privateKeyInfo };
}
const writePkcs12 = async (input: Parameters<typeof write>[0]): Promise<Buffer> => Buffer.from(await write(input));
const buildPrivateKeyInfo = (key: KeyObject, randomNum?: Buffer): Buffer =>
  Buffer.from(build(key.export({ type: 'pkcs8', format: 'der' }), randomNum));
const randomNumOf = (privateKeyInfo: Buffer): Buffer | undefined => {
  const { randomNum } = readPrivateKeyInfo(privateKeyInfo);
  return randomNum === undefined ? undefined : Buffer.from(randomNum);
};

const PASSWORD = 'Npki!pass123';
const SUBJECT = '/C=kr/O=yessign/OU=personal4IB/CN=홍길동()0012345678901234';

let dir: string;
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): string =>
  execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let certDer: Buffer;
let key: KeyObject;
let leafDer: Buffer;
let caDer: Buffer;
let leafKey: KeyObject;

function samePrivateKey(privateKeyInfo: Buffer, expected: KeyObject): boolean {
  const actual = createPrivateKey({ key: privateKeyInfo, format: 'der', type: 'pkcs8' });
  return actual.export({ type: 'pkcs8', format: 'der' }).equals(expected.export({ type: 'pkcs8', format: 'der' }));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pkcs12-test-'));
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'key.pem',
    '-out',
    'cert.pem',
    '-days',
    '30',
    '-subj',
    SUBJECT,
    '-utf8',
  );
  openssl('x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der');
  certDer = readFileSync(file('cert.der'));
  key = createPrivateKey(readFileSync(file('key.pem')));

  const exportPfx = (out: string, ...extra: string[]): void => {
    openssl('pkcs12', '-export', '-in', 'cert.pem', '-inkey', 'key.pem', '-out', out, '-passout', `pass:${PASSWORD}`, ...extra);
  };
  exportPfx('default.p12');
  exportPfx('legacy.p12', '-legacy');
  exportPfx('pbes2-3des.p12', '-keypbe', 'DES-EDE3-CBC', '-certpbe', 'DES-EDE3-CBC');
  exportPfx('pkcs12pbe-3des.p12', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  exportPfx('named.p12', '-name', '홍길동의 인증서');
  exportPfx('expensive.p12', '-iter', '200000');
  openssl('pkcs12', '-export', '-nokeys', '-in', 'cert.pem', '-out', 'nokeys.p12', '-passout', `pass:${PASSWORD}`);
  openssl('pkcs12', '-export', '-nocerts', '-inkey', 'key.pem', '-out', 'nocerts.p12', '-passout', `pass:${PASSWORD}`);
  openssl('pkcs12', '-export', '-in', 'cert.pem', '-inkey', 'key.pem', '-out', 'korean-password.p12', '-passout', 'pass:비밀번호abc1!');

  // A CA and a leaf it issued, exported with the CA in the file.
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/C=kr/O=yessign/OU=AccreditedCA/CN=yessignCA Test',
  );
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', SUBJECT, '-utf8');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '30');
  openssl(
    'pkcs12',
    '-export',
    '-in',
    'leaf.pem',
    '-inkey',
    'leaf.key',
    '-certfile',
    'ca.pem',
    '-out',
    'chain.p12',
    '-passout',
    `pass:${PASSWORD}`,
  );
  leafDer = new X509Certificate(readFileSync(file('leaf.pem'))).raw;
  caDer = new X509Certificate(readFileSync(file('ca.pem'))).raw;
  leafKey = createPrivateKey(readFileSync(file('leaf.key')));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readPkcs12 on files made by OpenSSL 3', () => {
  it.each([
    ['OpenSSL 3 default (PBES2 AES-256, SHA-256 MAC)', 'default.p12'],
    ['-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', 'legacy.p12'],
    ['PBES2 with 3DES', 'pbes2-3des.p12'],
    ['PKCS#12 PBE 3DES with a SHA-1 MAC', 'pkcs12pbe-3des.p12'],
    ['a friendly name', 'named.p12'],
  ])('reads %s', async (_label, name) => {
    const contents = await readPkcs12(readFileSync(file(name)), PASSWORD);
    expect(contents.certificate.equals(certDer)).toBe(true);
    expect(contents.chain).toEqual([]);
    expect(samePrivateKey(contents.privateKeyInfo, key)).toBe(true);
  });

  it('reads a non-ASCII password (BMPString for the MAC, UTF-8 for PBKDF2)', async () => {
    const contents = await readPkcs12(readFileSync(file('korean-password.p12')), '비밀번호abc1!');
    expect(contents.certificate.equals(certDer)).toBe(true);
    expect(samePrivateKey(contents.privateKeyInfo, key)).toBe(true);
  });

  it('picks the certificate that goes with the key and returns the CA as chain', async () => {
    const contents = await readPkcs12(readFileSync(file('chain.p12')), PASSWORD);
    expect(contents.certificate.equals(leafDer)).toBe(true);
    expect(contents.chain).toHaveLength(1);
    expect(contents.chain[0]?.equals(caDer)).toBe(true);
    expect(samePrivateKey(contents.privateKeyInfo, leafKey)).toBe(true);
  });

  it.each(['default.p12', 'legacy.p12', 'pkcs12pbe-3des.p12'])('refuses a wrong password on %s', async (name) => {
    await expectCertificateError(() => readPkcs12(readFileSync(file(name)), 'wrong-password'), 'wrongPassword', 'pfx');
    await expectCertificateError(() => readPkcs12(readFileSync(file(name)), ''), 'wrongPassword', 'pfx');
  });

  it('reports a PFX without a key as missingKey, one without a certificate as missingCertificate', async () => {
    await expectCertificateError(() => readPkcs12(readFileSync(file('nokeys.p12')), PASSWORD), 'missingKey', 'pfx');
    await expectCertificateError(() => readPkcs12(readFileSync(file('nocerts.p12')), PASSWORD), 'missingCertificate', 'pfx');
  });

  it('refuses a file that asks for more key-derivation work than any real one, naming that reason', async () => {
    await expectCertificateError(() => readPkcs12(readFileSync(file('expensive.p12')), PASSWORD), 'excessiveKeyProtection', 'pfx');
  });
});

describe('readPkcs12 on bad input', () => {
  it('refuses random bytes, a truncated file, an empty file and an oversized one', async () => {
    const pfx = readFileSync(file('default.p12'));
    await expectCertificateError(() => readPkcs12(Buffer.from(forge.random.getBytesSync(2000), 'binary'), PASSWORD), 'corruptFile', 'pfx');
    await expectCertificateError(() => readPkcs12(pfx.subarray(0, pfx.length - 10), PASSWORD), 'corruptFile', 'pfx');
    await expectCertificateError(() => readPkcs12(pfx.subarray(0, 100), PASSWORD), 'corruptFile', 'pfx');
    await expectCertificateError(() => readPkcs12(Buffer.concat([pfx, Buffer.from([0])]), PASSWORD), 'corruptFile', 'pfx');
    await expectCertificateError(() => readPkcs12(new Uint8Array(0), PASSWORD), 'corruptFile', 'pfx');
    await expectCertificateError(() => readPkcs12(Buffer.alloc(MAX_FILE_BYTES + 1, 0x30), PASSWORD), 'fileTooLarge', 'pfx');
    await expectCertificateError(() => readPkcs12(certDer, PASSWORD), 'corruptFile', 'pfx');
  });

  it('lets nothing but CertificateError escape, whatever the damage', async () => {
    const pfx = readFileSync(file('default.p12'));
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const damaged: Buffer[] = [];
    for (let i = 0; i < 60; i += 1) damaged.push(pfx.subarray(0, next() % pfx.length));
    for (let i = 0; i < 60; i += 1) {
      const copy = Buffer.from(pfx);
      const at = next() % copy.length;
      copy[at] = (copy[at] as number) ^ (1 + (next() % 255));
      damaged.push(copy);
    }
    for (const bytes of damaged) {
      try {
        await readPkcs12(bytes, PASSWORD);
      } catch (error) {
        expect(error).toBeInstanceOf(CertificateError);
      }
    }
  });
});

describe('writePkcs12', () => {
  // 0x04 0x12 … looks like a DER OCTET STRING: the case where forge would decode the BIT STRING.
  const randomNum = Buffer.concat([Buffer.from([0x04, 0x12]), Buffer.alloc(18, 0xab)]);

  it('keeps the randomNum attribute through writePkcs12 and readPkcs12', async () => {
    const privateKeyInfo = buildPrivateKeyInfo(key, randomNum);
    const pfx = await writePkcs12({ certificate: certDer, privateKeyInfo, password: PASSWORD, friendlyName: '홍길동' });
    const contents = await readPkcs12(pfx, PASSWORD);
    expect(contents.privateKeyInfo.equals(privateKeyInfo)).toBe(true);
    expect(randomNumOf(contents.privateKeyInfo)?.equals(randomNum)).toBe(true);
    expect(contents.certificate.equals(certDer)).toBe(true);
    await expectCertificateError(() => readPkcs12(pfx, `${PASSWORD}x`), 'wrongPassword', 'pfx');

    // forge's own reader opens it too and sees the friendly name (a BMPString) and the paired localKeyId.
    const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), PASSWORD);
    const keyBagOid = '1.2.840.113549.1.12.10.1.2';
    const certBagOid = '1.2.840.113549.1.12.10.1.3';
    const keyBags = parsed.getBags({ bagType: keyBagOid })[keyBagOid] ?? [];
    const certBags = parsed.getBags({ bagType: certBagOid })[certBagOid] ?? [];
    expect(keyBags).toHaveLength(1);
    expect(certBags).toHaveLength(1);
    expect(keyBags[0]?.attributes.friendlyName).toEqual(['홍길동']);
    expect(certBags[0]?.attributes.localKeyId).toEqual(keyBags[0]?.attributes.localKeyId);
  });

  it('writes what CAs export and OpenSSL 3 opens without -legacy: 3DES key and certificates, SHA-1 MAC', async () => {
    const privateKeyInfo = buildPrivateKeyInfo(leafKey, randomNum);
    const pfx = await writePkcs12({
      certificate: leafDer,
      chain: [caDer],
      privateKeyInfo,
      password: '비번-abc',
      friendlyName: '홍길동()0012345678901234',
    });
    writeFileSync(file('ours.p12'), pfx);

    // -info goes to stderr, the PEM blocks to stdout.
    const run = spawnSync('openssl', ['pkcs12', '-in', 'ours.p12', '-passin', 'pass:비번-abc', '-info', '-nodes'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const info = run.stdout + run.stderr;
    expect(info).toContain('-----BEGIN PRIVATE KEY-----');
    expect(info.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    // OpenSSL 3.0 prints a non-ASCII friendlyName garbled (its own `-name 홍길동` too); forge decodes it below.
    expect(info).toContain('friendlyName: ');
    expect(info).toContain('MAC: sha1, Iteration 2048');
    expect(info).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(info).toContain('PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');

    // OpenSSL sees R among the key's PKCS#8 attributes (its PEM output then leaves attributes out).
    const hexR = randomNum.toString('hex').toUpperCase().match(/../g)?.join(' ');
    expect(info).toContain(`1.2.410.200004.10.1.1.3: ${hexR}`);
    const pem = run.stdout.slice(run.stdout.indexOf('-----BEGIN PRIVATE KEY-----'));
    expect(samePrivateKey(Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'), leafKey)).toBe(true);

    const back = await readPkcs12(pfx, '비번-abc');
    expect(back.certificate.equals(leafDer)).toBe(true);
    expect(back.chain.map((c) => c.toString('hex'))).toEqual([caDer.toString('hex')]);
    expect(back.privateKeyInfo.equals(privateKeyInfo)).toBe(true);
  });

  it('lets the event loop turn between its key derivations', async () => {
    const privateKeyInfo = buildPrivateKeyInfo(key, randomNum);
    let turns = 0;
    let counting = true;
    const count = (): void => {
      if (!counting) return;
      turns += 1;
      setImmediate(count);
    };
    setImmediate(count);
    await writePkcs12({ certificate: certDer, privateKeyInfo, password: PASSWORD });
    counting = false;
    expect(turns).toBeGreaterThan(0);
  });

  it('refuses a key that is not the certificate’s, and input that does not parse', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expect(writePkcs12({ certificate: certDer, privateKeyInfo: buildPrivateKeyInfo(other), password: PASSWORD })).rejects.toThrow(
      expect.objectContaining({ reason: 'keyMismatch' }),
    );
    await expect(
      writePkcs12({ certificate: Buffer.from('nope'), privateKeyInfo: buildPrivateKeyInfo(key), password: PASSWORD }),
    ).rejects.toThrow(expect.objectContaining({ reason: 'corruptFile', file: 'certificate' }));
  });
});

describe('randomNum kept in the key bag’s attributes', () => {
  /** A forge-made PFX (no MAC) whose shrouded key bag carries R as a bag attribute, not in the PrivateKeyInfo. */
  function pfxWithRandomNumInBagAttributes(randomNum: Buffer): Buffer {
    const { asn1 } = forge;
    const forgeKey = forge.pki.privateKeyFromPem(readFileSync(file('key.pem'), 'utf8'));
    const forgeCert = forge.pki.certificateFromPem(readFileSync(file('cert.pem'), 'utf8'));
    const pfx = forge.pkcs12.toPkcs12Asn1(forgeKey, forgeCert, PASSWORD, { algorithm: '3des', useMac: false });

    const authSafeOctets = ((pfx.value[1] as forge.asn1.Asn1).value[1] as forge.asn1.Asn1).value[0] as forge.asn1.Asn1;
    const authSafe = asn1.fromDer(authSafeOctets.value as string);
    for (const contentInfo of authSafe.value as forge.asn1.Asn1[]) {
      const octets = (contentInfo.value[1] as forge.asn1.Asn1).value[0] as forge.asn1.Asn1;
      const safeContents = asn1.fromDer(octets.value as string);
      const bag = (safeContents.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
      if (asn1.derToOid((bag.value[0] as forge.asn1.Asn1).value as string) !== '1.2.840.113549.1.12.10.1.2') continue;
      const attributes = bag.value[2] as forge.asn1.Asn1;
      (attributes.value as forge.asn1.Asn1[]).push(
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.410.200004.10.1.1.3').getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
            asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + randomNum.toString('binary')),
          ]),
        ]),
      );
      octets.value = asn1.toDer(safeContents).getBytes();
    }
    authSafeOctets.value = asn1.toDer(authSafe).getBytes();
    return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
  }

  it('moves R from the bag attributes into the returned PrivateKeyInfo', async () => {
    const randomNum = Buffer.alloc(20, 0x5a);
    const pfx = pfxWithRandomNumInBagAttributes(randomNum);
    const contents = await readPkcs12(pfx, PASSWORD);
    expect(randomNumOf(contents.privateKeyInfo)?.equals(randomNum)).toBe(true);
    expect(samePrivateKey(contents.privateKeyInfo, key)).toBe(true);
  });

  it('without a MAC, a wrong password still reads as wrongPassword', async () => {
    const pfx = pfxWithRandomNumInBagAttributes(Buffer.alloc(20, 1));
    await expectCertificateError(() => readPkcs12(pfx, 'not-the-password'), 'wrongPassword', 'pfx');
  });
});
