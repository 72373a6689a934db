import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { CertificateError, type CertificateFailure } from '../../src/certificates/npki/certificateError';
import { OID } from '../../src/certificates/npki/oids';
import { pbkdf1Sha1, sha1 } from '../../src/certificates/npki/pbkdf1';
import {
  decryptPrivateKeyFile as decrypt,
  deriveSeedCbcWithSha1Key,
  encryptPrivateKeyFile as encrypt,
} from '../../src/certificates/npki/privateKeyFile';
import { buildPrivateKeyInfo as build, readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';

// The readers and writers work on Uint8Array (they run in browsers too); Buffers read as hex here.
const decryptPrivateKeyFile = async (file: Uint8Array, password: string): Promise<Buffer> => Buffer.from(await decrypt(file, password));
const encryptPrivateKeyFile = async (...args: Parameters<typeof encrypt>): Promise<Buffer> => Buffer.from(await encrypt(...args));
const buildPrivateKeyInfo = (key: KeyObject, randomNum?: Buffer): Buffer =>
  Buffer.from(build(key.export({ type: 'pkcs8', format: 'der' }), randomNum));
const OID_NPKI_RANDOM_NUM = OID.npkiRandomNum;

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const PASSWORD = 'npki!Pass1234';
const LEGACY_PROVIDER = ['-provider', 'legacy', '-provider', 'default'];

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** SEED-CBC through OpenSSL's legacy provider: the independent oracle. */
function opensslSeedCbc(direction: '-e' | '-d', key: Buffer, iv: Buffer, input: Buffer): Buffer {
  return openssl(['enc', direction, '-seed-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex'), ...LEGACY_PROVIDER], input);
}

function opensslPbkdf2(digest: string, password: string, salt: Buffer, iterations: number, keyLength: number): Buffer {
  const options = [`digest:${digest}`, `pass:${password}`, `hexsalt:${salt.toString('hex')}`, `iter:${iterations}`];
  return openssl(['kdf', '-binary', '-keylen', String(keyLength), ...options.flatMap((o) => ['-kdfopt', o]), 'PBKDF2']);
}

/** PBKDF1-SHA1 written out step by step, independent of the code under test. */
function handPbkdf1Sha1(password: string, salt: Buffer, iterations: number): Buffer {
  let t = createHash('sha1')
    .update(Buffer.concat([Buffer.from(password, 'utf8'), salt]))
    .digest();
  for (let i = 1; i < iterations; i++) t = createHash('sha1').update(t).digest();
  return t;
}

function parse(der: Buffer): Asn1 {
  return asn1.fromDer(der.toString('binary'));
}
function child(node: Asn1, ...path: number[]): Asn1 {
  let current = node;
  for (const index of path) {
    const next = (current.value as Asn1[])[index];
    if (!next) throw new Error(`no child ${index}`);
    current = next;
  }
  return current;
}
function bytesOf(node: Asn1): Buffer {
  return Buffer.from(node.value as string, 'binary');
}
function oidOf(node: Asn1): string {
  return asn1.derToOid(node.value as string);
}
function toBuffer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}
const seq = (children: Asn1[]): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, children);
const oidNode = (oid: string): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes());
const octets = (bytes: Buffer): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const integerNode = (bytes: Buffer): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bytes.toString('binary'));
const int = (n: number): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());

/** A KISA-style file: SEQUENCE { SEQUENCE { oid, SEQUENCE { salt, iter } }, OCTET STRING }. */
function kisaFile(oid: string, salt: Buffer, iterations: Asn1, encrypted: Buffer): Buffer {
  return toBuffer(seq([seq([oidNode(oid), seq([octets(salt), iterations])]), octets(encrypted)]));
}

async function failureOf(promise: Promise<unknown>): Promise<CertificateFailure | 'no error' | 'not a CertificateError'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (!(error instanceof CertificateError)) return 'not a CertificateError';
    expect(error.file).toBe('privateKey');
    return error.reason;
  }
}

function pkcs8Of(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'der' }).toString('hex');
}

/** The key Node reads from a PrivateKeyInfo, attributes aside. */
function keyIn(privateKeyInfo: Buffer): KeyObject {
  return createPrivateKey({ key: privateKeyInfo, format: 'der', type: 'pkcs8' });
}

const hexOf = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));

let dir: string;
let privateKey: KeyObject;
let randomNum: Buffer;
let privateKeyInfo: Buffer;
let certificateDer: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'npki-key-'));
  ({ privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 }));
  // An R that is itself valid DER (an 18-byte OCTET STRING): forge's default BIT STRING decoding would
  // turn it into child nodes, which is exactly the trap the reader must avoid.
  randomNum = Buffer.concat([Buffer.from([0x04, 0x12]), randomBytes(18)]);
  privateKeyInfo = buildPrivateKeyInfo(privateKey, randomNum);
  writeFileSync(join(dir, 'pki.der'), privateKeyInfo);
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    join(dir, 'key.pem'),
    '-subj',
    '/CN=test',
    '-days',
    '1',
    '-outform',
    'DER',
    '-out',
    join(dir, 'cert.der'),
  ]);
  certificateDer = readFileSync(join(dir, 'cert.der'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('PrivateKeyInfo with the randomNum attribute', () => {
  it('appends [0] { randomNum SET { BIT STRING 00||R } } to Node’s PKCS#8 export', () => {
    const exported = privateKey.export({ type: 'pkcs8', format: 'der' });
    const expectedTail = Buffer.concat([Buffer.from('a0273025060a2a831a8c9a440a0101033117031500', 'hex'), randomNum]);
    expect(privateKeyInfo.subarray(-expectedTail.length).toString('hex')).toBe(expectedTail.toString('hex'));
    // Body unchanged apart from the outer length: the export's content follows a 4-byte header in both.
    expect(privateKeyInfo.subarray(4, 4 + exported.length - 4).equals(exported.subarray(4))).toBe(true);
    // OpenSSL reads it as a private key with the attribute in place.
    const parsed = openssl(['asn1parse', '-inform', 'DER'], privateKeyInfo).toString();
    expect(parsed).toContain(OID_NPKI_RANDOM_NUM);
  });

  it('reads R back (without the unused-bits byte) and the key', () => {
    const info = readPrivateKeyInfo(privateKeyInfo);
    expect(hexOf(info.randomNum)).toBe(randomNum.toString('hex'));
    expect(info.algorithm).toBe('1.2.840.113549.1.1.1');
    expect(pkcs8Of(keyIn(privateKeyInfo))).toBe(pkcs8Of(privateKey));
  });

  it('handles a key without R', () => {
    const bare = buildPrivateKeyInfo(privateKey);
    expect(bare.equals(privateKey.export({ type: 'pkcs8', format: 'der' }))).toBe(true);
    expect(readPrivateKeyInfo(bare).randomNum).toBeUndefined();
  });

  it('refuses what is not a PrivateKeyInfo with corruptFile', () => {
    for (const bad of [certificateDer, Buffer.from('3003020100', 'hex'), randomBytes(64), privateKeyInfo.subarray(0, 100)]) {
      expect(() => readPrivateKeyInfo(bad)).toThrow(expect.objectContaining({ reason: 'corruptFile', file: 'privateKey' }));
    }
  });
});

describe('reading signPri.key files written by OpenSSL (PBES2)', () => {
  const variants: Array<[string, string[], string]> = [
    ['SEED-CBC, PBKDF2-HMAC-SHA256 (OpenSSL 3 default prf)', ['-v2', 'seed-cbc'], 'hmacWithSHA256'],
    ['SEED-CBC, PBKDF2-HMAC-SHA1 (prf absent, as on IBK-renewed keys)', ['-v2', 'seed-cbc', '-v2prf', 'hmacWithSHA1'], 'seed-cbc'],
    ['AES-256-CBC', ['-v2', 'aes-256-cbc'], 'aes-256-cbc'],
    ['DES-EDE3-CBC', ['-v2', 'des3'], 'des-ede3-cbc'],
    ['AES-128-CBC with HMAC-SHA512 and a UTF-8 password', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA512'], 'hmacWithSHA512'],
  ];

  it.each(variants)('%s', async (_name, args, marker) => {
    const password = args.includes('hmacWithSHA512') ? '비밀번호-Pw1' : PASSWORD;
    const file = openssl([
      'pkcs8',
      '-topk8',
      '-inform',
      'DER',
      '-in',
      join(dir, 'pki.der'),
      ...args,
      ...LEGACY_PROVIDER,
      '-outform',
      'DER',
      '-passout',
      `pass:${password}`,
    ]);
    // Make sure the fixture really is the variant we think it is.
    const structure = openssl(['asn1parse', '-inform', 'DER'], file).toString();
    expect(structure).toContain(marker);
    if (marker === 'seed-cbc') expect(structure).not.toContain('hmacWith');

    const decrypted = await decryptPrivateKeyFile(file, password);
    expect(readPrivateKeyInfo(decrypted).algorithm).toBe('1.2.840.113549.1.1.1');
    expect(pkcs8Of(keyIn(decrypted))).toBe(pkcs8Of(privateKey));
    // `openssl pkcs8 -topk8` re-encodes the key and drops PKCS#8 attributes (R included), so what was inside
    // is the plain PKCS#8 encoding, which we return byte for byte.
    expect(decrypted.toString('hex')).toBe(privateKey.export({ type: 'pkcs8', format: 'der' }).toString('hex'));
    expect(await failureOf(decryptPrivateKeyFile(file, password + 'x'))).toBe('wrongPassword');
  });
});

describe('writing signPri.key', () => {
  it('writes what NPKI programs read: PBES2 + PBKDF2 without a prf field (HMAC-SHA1) + SEED-CBC, which OpenSSL decrypts', async () => {
    const file = await encryptPrivateKeyFile(privateKeyInfo, PASSWORD);
    writeFileSync(join(dir, 'signPri.key'), file);

    const root = parse(file);
    expect(oidOf(child(root, 0, 0))).toBe('1.2.840.113549.1.5.13');
    expect(oidOf(child(root, 0, 1, 0, 0))).toBe('1.2.840.113549.1.5.12');
    // salt and iteration count only: PyPinkSign and NPKI programs assume the default PRF.
    expect((child(root, 0, 1, 0, 1).value as Asn1[]).length).toBe(2);
    const salt = bytesOf(child(root, 0, 1, 0, 1, 0));
    expect(salt.length).toBe(8);
    expect(bytesOf(child(root, 0, 1, 0, 1, 1)).toString('hex')).toBe('0800');
    expect(oidOf(child(root, 0, 1, 1, 0))).toBe('1.2.410.200004.1.4');
    const iv = bytesOf(child(root, 0, 1, 1, 1));
    expect(iv.length).toBe(16);

    // OpenSSL's own decryption gives the same key (it re-encodes the key, dropping attributes; DER output is PKCS#1).
    const opensslKey = openssl([
      'pkcs8',
      '-inform',
      'DER',
      '-in',
      join(dir, 'signPri.key'),
      ...LEGACY_PROVIDER,
      '-passin',
      `pass:${PASSWORD}`,
      '-outform',
      'DER',
    ]);
    expect(opensslKey.toString('hex')).toBe(privateKey.export({ type: 'pkcs1', format: 'der' }).toString('hex'));

    // OpenSSL's PBKDF2-HMAC-SHA1 and SEED-CBC, step by step, give our PrivateKeyInfo byte for byte, R attribute included.
    const key = opensslPbkdf2('SHA1', PASSWORD, salt, 2048, 16);
    const plain = opensslSeedCbc('-d', key, iv, bytesOf(child(root, 1)));
    expect(plain.toString('hex')).toBe(privateKeyInfo.toString('hex'));

    expect((await decryptPrivateKeyFile(file, PASSWORD)).equals(privateKeyInfo)).toBe(true);
    expect(await failureOf(decryptPrivateKeyFile(file, 'npki!Pass123'))).toBe('wrongPassword');
  });

  it('writes another iteration count on request, and takes the password as UTF-8', async () => {
    const password = '비밀번호-abc';
    const file = await encryptPrivateKeyFile(privateKeyInfo, password, { iterations: 4096 });
    const pbkdf2Params = child(parse(file), 0, 1, 0, 1);
    expect((pbkdf2Params.value as Asn1[]).length).toBe(2);
    expect(bytesOf(child(pbkdf2Params, 1)).toString('hex')).toBe('1000');
    const salt = bytesOf(child(pbkdf2Params, 0));
    const iv = bytesOf(child(parse(file), 0, 1, 1, 1));
    const plain = opensslSeedCbc('-d', opensslPbkdf2('SHA1', password, salt, 4096, 16), iv, bytesOf(child(parse(file), 1)));
    expect(plain.equals(privateKeyInfo)).toBe(true);
    expect((await decryptPrivateKeyFile(file, password)).equals(privateKeyInfo)).toBe(true);
  });

  it('writes seedCBCWithSHA1 (1.2.410.200004.1.15): PBKDF1 key, IV = SHA1(DK[16..20])', async () => {
    const file = await encryptPrivateKeyFile(privateKeyInfo, PASSWORD, { scheme: 'seedCBCWithSHA1' });
    const root = parse(file);
    expect(oidOf(child(root, 0, 0))).toBe('1.2.410.200004.1.15');
    const salt = bytesOf(child(root, 0, 1, 0));
    expect(salt.length).toBe(8);
    expect(bytesOf(child(root, 0, 1, 1)).toString('hex')).toBe('0800');

    const dk = handPbkdf1Sha1(PASSWORD, salt, 2048);
    const key = dk.subarray(0, 16);
    const iv = createHash('sha1').update(dk.subarray(16, 20)).digest().subarray(0, 16);
    const plain = opensslSeedCbc('-d', key, iv, bytesOf(child(root, 1)));
    expect(plain.equals(privateKeyInfo)).toBe(true);

    expect((await decryptPrivateKeyFile(file, PASSWORD)).equals(privateKeyInfo)).toBe(true);
    expect(await failureOf(decryptPrivateKeyFile(file, 'wrong'))).toBe('wrongPassword');
  });

  it('computes the research PBKDF1 / seedCBCWithSHA1 vector', async () => {
    const dk = await pbkdf1Sha1(Buffer.from('test1234'), Buffer.from('0102030405060708', 'hex'), 2048);
    expect(hexOf(dk)).toBe('893a72a5790b1eb0d56c8836ab11e441a920d91e');
    const { key, iv } = await deriveSeedCbcWithSha1Key('test1234', Buffer.from('0102030405060708', 'hex'), 2048);
    expect([hexOf(key), hexOf(iv)]).toEqual(['893a72a5790b1eb0d56c8836ab11e441', '24803bd6a8f0d92577c270c3d822f237']);
  });

  it('computes SHA-1 as Node does, for every length around the block boundaries and a long message', () => {
    for (let length = 0; length < 200; length++) {
      const message = randomBytes(length);
      expect([length, hexOf(sha1(message))]).toEqual([length, createHash('sha1').update(message).digest('hex')]);
    }
    const long = randomBytes(100_000);
    expect(hexOf(sha1(long))).toBe(createHash('sha1').update(long).digest('hex'));
  });

  it('keeps R through a password change, in either scheme', async () => {
    const original = await encryptPrivateKeyFile(privateKeyInfo, 'old-password', { scheme: 'seedCBCWithSHA1' });
    const inside = await decryptPrivateKeyFile(original, 'old-password');
    const changed = await encryptPrivateKeyFile(inside, 'new-password');
    const again = await decryptPrivateKeyFile(changed, 'new-password');
    expect(hexOf(readPrivateKeyInfo(again).randomNum)).toBe(randomNum.toString('hex'));
    expect(again.equals(privateKeyInfo)).toBe(true);
    expect(await failureOf(decryptPrivateKeyFile(changed, 'old-password'))).toBe('wrongPassword');

    const withoutR = buildPrivateKeyInfo(privateKey);
    const bare = await decryptPrivateKeyFile(await encryptPrivateKeyFile(withoutR, PASSWORD), PASSWORD);
    expect(bare.equals(withoutR)).toBe(true);
    expect(readPrivateKeyInfo(bare).randomNum).toBeUndefined();
  });

  it('uses a fresh salt and IV each time', async () => {
    const a = await encryptPrivateKeyFile(privateKeyInfo, PASSWORD);
    const b = await encryptPrivateKeyFile(privateKeyInfo, PASSWORD);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses to write what is not a PrivateKeyInfo, and silly iteration counts', async () => {
    await expect(encryptPrivateKeyFile(certificateDer, PASSWORD)).rejects.toBeInstanceOf(CertificateError);
    for (const iterations of [0, 1.5, 100_001]) {
      await expect(encryptPrivateKeyFile(privateKeyInfo, PASSWORD, { iterations })).rejects.toBeInstanceOf(RangeError);
    }
  });
});

describe('the legacy top-level seedCBC scheme (1.2.410.200004.1.4, fixed IV)', () => {
  const fixedIv = Buffer.from('0123456789012345', 'ascii');

  it('reads a file keyed with PBKDF1-SHA1 (PyPinkSign, LibNPKI)', async () => {
    const salt = randomBytes(8);
    const key = handPbkdf1Sha1(PASSWORD, salt, 2048).subarray(0, 16);
    const file = kisaFile('1.2.410.200004.1.4', salt, int(2048), opensslSeedCbc('-e', key, fixedIv, privateKeyInfo));
    expect((await decryptPrivateKeyFile(file, PASSWORD)).equals(privateKeyInfo)).toBe(true);
    expect(await failureOf(decryptPrivateKeyFile(file, 'nope'))).toBe('wrongPassword');
  });

  it('falls back to PBKDF2-HMAC-SHA1 (OdinSdk)', async () => {
    const salt = randomBytes(8);
    const key = opensslPbkdf2('SHA1', PASSWORD, salt, 2048, 16);
    const file = kisaFile('1.2.410.200004.1.4', salt, int(2048), opensslSeedCbc('-e', key, fixedIv, privateKeyInfo));
    expect((await decryptPrivateKeyFile(file, PASSWORD)).equals(privateKeyInfo)).toBe(true);
    expect(await failureOf(decryptPrivateKeyFile(file, 'nope'))).toBe('wrongPassword');
  });
});

describe('refusing bad files with a typed reason', () => {
  let good: Buffer;
  beforeAll(async () => {
    good = await encryptPrivateKeyFile(privateKeyInfo, PASSWORD);
  });

  it('random bytes, an empty file and a certificate given as the key are corruptFile', async () => {
    let noise = Buffer.alloc(0);
    for (let i = 0; noise.length < 1200; i++) noise = Buffer.concat([noise, createHash('sha256').update(`noise ${i}`).digest()]);
    expect(await failureOf(decryptPrivateKeyFile(noise, PASSWORD))).toBe('corruptFile');
    // Noise dressed as a SEQUENCE of the right length still is not an EncryptedPrivateKeyInfo.
    const dressed = Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0x00]), noise.subarray(0, 1024)]);
    expect(await failureOf(decryptPrivateKeyFile(dressed, PASSWORD))).toBe('corruptFile');
    expect(await failureOf(decryptPrivateKeyFile(new Uint8Array(0), PASSWORD))).toBe('corruptFile');
    expect(await failureOf(decryptPrivateKeyFile(certificateDer, PASSWORD))).toBe('corruptFile');
    // The plain PrivateKeyInfo (someone saved the decrypted key) is not an encrypted one either.
    expect(await failureOf(decryptPrivateKeyFile(privateKeyInfo, PASSWORD))).toBe('corruptFile');
  });

  it('every truncation is corruptFile', async () => {
    for (let length = 1; length < good.length; length++) {
      expect([length, await failureOf(decryptPrivateKeyFile(good.subarray(0, length), PASSWORD))]).toEqual([length, 'corruptFile']);
    }
  });

  it('a file over 64 KB is fileTooLarge', async () => {
    const huge = Buffer.concat([good, Buffer.alloc(64 * 1024)]);
    expect(await failureOf(decryptPrivateKeyFile(huge, PASSWORD))).toBe('fileTooLarge');
  });

  it('ciphertext that is not whole blocks is corruptFile, not a wrong password', async () => {
    const salt = randomBytes(8);
    const file = kisaFile('1.2.410.200004.1.15', salt, int(2048), randomBytes(100));
    expect(await failureOf(decryptPrivateKeyFile(file, PASSWORD))).toBe('corruptFile');
  });

  it('unknown algorithms are unsupportedFile', async () => {
    const root = parse(good);
    const pbes2Params = child(root, 0, 1);
    const encrypted = child(root, 1);
    const withCipher = (oid: string, iv: Buffer): Buffer =>
      toBuffer(seq([seq([oidNode('1.2.840.113549.1.5.13'), seq([child(pbes2Params, 0), seq([oidNode(oid), octets(iv)])])]), encrypted]));
    // RC2-CBC and Camellia-128-CBC: real ciphers we do not handle.
    expect(await failureOf(decryptPrivateKeyFile(withCipher('1.2.840.113549.3.2', randomBytes(8)), PASSWORD))).toBe('unsupportedFile');
    expect(await failureOf(decryptPrivateKeyFile(withCipher('1.2.392.200011.61.1.1.1.2', randomBytes(16)), PASSWORD))).toBe(
      'unsupportedFile',
    );

    // A PKCS#12-style PBE at top level (pbeWithSHAAnd3-KeyTripleDES-CBC).
    const pkcs12Pbe = kisaFile('1.2.840.113549.1.12.1.3', randomBytes(8), int(2048), randomBytes(64));
    expect(await failureOf(decryptPrivateKeyFile(pkcs12Pbe, PASSWORD))).toBe('unsupportedFile');

    // An unknown prf (hmacWithMD5).
    const kdf = child(pbes2Params, 0);
    const kdfParams = child(kdf, 1);
    const hmacWithMd5 = seq([oidNode('1.2.840.113549.2.6'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]);
    const md5Kdf = seq([child(kdf, 0), seq([child(kdfParams, 0), child(kdfParams, 1), hmacWithMd5])]);
    const md5File = toBuffer(seq([seq([oidNode('1.2.840.113549.1.5.13'), seq([md5Kdf, child(pbes2Params, 1)])]), encrypted]));
    expect(await failureOf(decryptPrivateKeyFile(md5File, PASSWORD))).toBe('unsupportedFile');
  });

  it('scrypt (what `openssl pkcs8 -scrypt` writes) is unsupportedFile', async () => {
    const file = openssl([
      'pkcs8',
      '-topk8',
      '-inform',
      'DER',
      '-in',
      join(dir, 'pki.der'),
      '-scrypt',
      '-scrypt_N',
      '1024',
      '-outform',
      'DER',
      '-passout',
      `pass:${PASSWORD}`,
    ]);
    expect(await failureOf(decryptPrivateKeyFile(file, PASSWORD))).toBe('unsupportedFile');
  });

  it('iteration counts beyond real-world ones (over 100,000) are excessiveKeyProtection, without spending the CPU', async () => {
    const started = Date.now();
    const salt = randomBytes(8);
    const body = randomBytes(64);
    const hugeKisa = kisaFile('1.2.410.200004.1.15', salt, integerNode(Buffer.from('7fffffff', 'hex')), body);
    expect(await failureOf(decryptPrivateKeyFile(hugeKisa, PASSWORD))).toBe('excessiveKeyProtection');
    const enormous = kisaFile('1.2.410.200004.1.15', salt, integerNode(Buffer.from('7fffffffffffffffff', 'hex')), body);
    expect(await failureOf(decryptPrivateKeyFile(enormous, PASSWORD))).toBe('excessiveKeyProtection');
    expect(await failureOf(decryptPrivateKeyFile(kisaFile('1.2.410.200004.1.15', salt, int(100_001), body), PASSWORD))).toBe(
      'excessiveKeyProtection',
    );

    // The report's file: PBES2 re-encrypted with 10,000,000 iterations (and one just over the cap).
    const root = parse(good);
    const pbes2Params = child(root, 0, 1);
    const kdf = child(pbes2Params, 0);
    const kdfParams = child(kdf, 1);
    for (const iterations of [10_000_000, 100_001]) {
      const slowKdf = seq([child(kdf, 0), seq([child(kdfParams, 0), int(iterations)])]);
      const slowFile = toBuffer(seq([seq([oidNode('1.2.840.113549.1.5.13'), seq([slowKdf, child(pbes2Params, 1)])]), child(root, 1)]));
      expect(await failureOf(decryptPrivateKeyFile(slowFile, PASSWORD))).toBe('excessiveKeyProtection');
    }
    // Old code spent seconds on the 10,000,000 file; refusing takes milliseconds.
    expect(Date.now() - started).toBeLessThan(2000);

    // Zero and negative counts are malformed.
    expect(await failureOf(decryptPrivateKeyFile(kisaFile('1.2.410.200004.1.15', salt, int(0), body), PASSWORD))).toBe('corruptFile');
    expect(await failureOf(decryptPrivateKeyFile(kisaFile('1.2.410.200004.1.15', salt, int(-5), body), PASSWORD))).toBe('corruptFile');
  });

  it('never lets anything but a CertificateError escape, whatever byte of the header is damaged', async () => {
    // A flipped IV bit flips the same plaintext bit, which may leave a valid PrivateKeyInfo (version 0 → 1),
    // so there, and only there, a successful decryption is a correct outcome.
    const iv = bytesOf(child(parse(good), 0, 1, 1, 1));
    const ivStart = good.indexOf(iv);
    const headerEnd = good.length - bytesOf(child(parse(good), 1)).length;
    for (let position = 0; position < headerEnd + 48; position++) {
      const ivByte = position >= ivStart && position < ivStart + iv.length;
      for (const mask of [0x01, 0x80, 0xff]) {
        const damaged = Buffer.from(good);
        damaged[position] = damaged[position]! ^ mask;
        const outcome = await failureOf(decryptPrivateKeyFile(damaged, PASSWORD));
        const acceptable = ivByte ? /^(?!not a CertificateError$)/ : /^(wrongPassword|corruptFile|unsupportedFile|excessiveKeyProtection)$/;
        expect([position, mask, outcome]).toEqual([position, mask, expect.stringMatching(acceptable)]);
      }
    }
  });
});
