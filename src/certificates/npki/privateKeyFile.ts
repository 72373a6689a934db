/**
 * signPri.key: the NPKI private key file, a PKCS#8 EncryptedPrivateKeyInfo.
 *
 *   EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 *
 * The schemes found on customers' PCs and phones:
 * - seedCBCWithSHA1 (1.2.410.200004.1.15), KISA's PBES1-like scheme and the usual case:
 *   PBKDF1-SHA1 gives 20 bytes; the key is the first 16, the IV is SHA1 of the last 4.
 * - seedCBC at top level (1.2.410.200004.1.4), old files: same parameters, fixed IV "0123456789012345";
 *   implementations disagree on the KDF (PBKDF1 or PBKDF2-HMAC-SHA1), so both are tried.
 * - PBES2 (1.2.840.113549.1.5.13) with PBKDF2 and SEED-CBC (renewed keys, OpenSSL), or AES / 3DES.
 *
 * We write the profile NPKI programs (and PyPinkSign) read: PBES2, PBKDF2 with its default PRF
 * (HMAC-SHA1, so no prf field), 2048 iterations, SEED-CBC with a 16-byte IV. They refuse a key
 * written with hmacWithSHA256, however correct RFC 8018 says it is.
 *
 * Every failure leaves as a CertificateError with the file role 'privateKey'.
 */
import { createDecipheriv, createHash, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { assertFileSize, CertificateError } from './certificateError';
import { type Asn1, algorithmIdentifier, integer, isUniversal, octetString, parseDer, seq, toDerBuffer } from './der';
import { assertIterationsWithinCap, type DeclaredDerivation, MAX_KEY_DERIVATION_ITERATIONS } from './keyDerivationWork';
import { readPrivateKeyInfo } from './privateKeyInfo';
import { seedCbcDecrypt, seedCbcEncrypt } from './seed';

const pbkdf2Async = promisify(pbkdf2);
const { asn1 } = forge;

const OID = {
  seedCbcWithSha1: '1.2.410.200004.1.15',
  seedCbc: '1.2.410.200004.1.4',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha1: '1.2.840.113549.2.7',
  hmacWithSha224: '1.2.840.113549.2.8',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
} as const;

/** The IV KISA fixed for the old top-level seedCBC scheme. */
const LEGACY_SEED_CBC_IV = Buffer.from('0123456789012345', 'ascii');

/** How many PBKDF1 rounds run before yielding to the event loop, so other conversations keep moving. */
const PBKDF1_ROUNDS_PER_SLICE = 4096;

type PrfHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const PRF_BY_OID: Readonly<Record<string, PrfHash>> = {
  [OID.hmacWithSha1]: 'sha1',
  [OID.hmacWithSha224]: 'sha224',
  [OID.hmacWithSha256]: 'sha256',
  [OID.hmacWithSha384]: 'sha384',
  [OID.hmacWithSha512]: 'sha512',
};

interface CipherSpec {
  /** Node's cipher name, or 'seed-cbc' for our own SEED. */
  name: 'seed-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';
  keyBytes: number;
  /** In CBC the IV is one block, so this is also the block size. */
  ivBytes: number;
}

const CIPHER_BY_OID: Readonly<Record<string, CipherSpec>> = {
  [OID.seedCbc]: { name: 'seed-cbc', keyBytes: 16, ivBytes: 16 },
  [OID.aes128Cbc]: { name: 'aes-128-cbc', keyBytes: 16, ivBytes: 16 },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', keyBytes: 24, ivBytes: 16 },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', keyBytes: 32, ivBytes: 16 },
  [OID.desEde3Cbc]: { name: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8 },
};

/** What the AlgorithmIdentifier of a signPri.key says, once parsed. */
type EncryptionScheme =
  | { kind: 'seedCbcWithSha1'; salt: Buffer; iterations: number }
  | { kind: 'legacySeedCbc'; salt: Buffer; iterations: number }
  | { kind: 'pbes2'; salt: Buffer; iterations: number; prf: PrfHash; cipher: CipherSpec; iv: Buffer };

interface EncryptedPrivateKeyInfo {
  scheme: EncryptionScheme;
  encryptedData: Buffer;
}

// ---------------------------------------------------------------------------------------------------
// Errors

function corrupt(detail: string): CertificateError {
  return new CertificateError('corruptFile', 'privateKey', detail);
}

function unsupported(detail: string): CertificateError {
  return new CertificateError('unsupportedFile', 'privateKey', detail);
}

function wrongPassword(): CertificateError {
  return new CertificateError('wrongPassword', 'privateKey');
}

// ---------------------------------------------------------------------------------------------------
// Key derivation

/** Password bytes are UTF-8 (NPKI passwords are ASCII in practice, where every encoding agrees). */
function passwordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf8');
}

/**
 * PBKDF1 with SHA-1 (RFC 8018 §5.1): T = SHA1(P || S), then SHA1(T) for the remaining rounds; 20 bytes.
 * Node has no PBKDF1, so the loop is ours. It yields now and then so a slow file cannot stall the bot.
 */
export async function pbkdf1Sha1(password: Buffer, salt: Buffer, iterations: number): Promise<Buffer> {
  let digest = createHash('sha1').update(password).update(salt).digest();
  for (let round = 1; round < iterations; round++) {
    digest = createHash('sha1').update(digest).digest();
    if (round % PBKDF1_ROUNDS_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return digest;
}

/** seedCBCWithSHA1: key = DK[0..16), IV = SHA1(DK[16..20))[0..16). The IV hashes only DK's last 4 bytes. */
export async function deriveSeedCbcWithSha1Key(password: string, salt: Buffer, iterations: number): Promise<{ key: Buffer; iv: Buffer }> {
  const dk = await pbkdf1Sha1(passwordBytes(password), salt, iterations);
  return { key: dk.subarray(0, 16), iv: createHash('sha1').update(dk.subarray(16, 20)).digest().subarray(0, 16) };
}

/** Old top-level seedCBC, as PyPinkSign and LibNPKI read it: key = PBKDF1-SHA1 DK[0..16), fixed IV. */
async function deriveLegacySeedCbcKeyPbkdf1(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return (await pbkdf1Sha1(passwordBytes(password), salt, iterations)).subarray(0, 16);
}

/** Old top-level seedCBC, as OdinSdk reads it: key = PBKDF2-HMAC-SHA1, 16 bytes, fixed IV. */
function deriveLegacySeedCbcKeyPbkdf2(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2Async(passwordBytes(password), salt, iterations, 16, 'sha1');
}

function derivePbes2Key(password: string, scheme: Extract<EncryptionScheme, { kind: 'pbes2' }>): Promise<Buffer> {
  return pbkdf2Async(passwordBytes(password), scheme.salt, scheme.iterations, scheme.cipher.keyBytes, scheme.prf);
}

// ---------------------------------------------------------------------------------------------------
// Ciphers

/** Decrypts with PKCS#7 unpadding; throws (any error) when the padding is wrong. */
function cbcDecrypt(cipher: CipherSpec, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  if (cipher.name === 'seed-cbc') return seedCbcDecrypt(key, iv, ciphertext);
  const decipher = createDecipheriv(cipher.name, key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

const SEED_CIPHER = CIPHER_BY_OID[OID.seedCbc]!;

/**
 * Decrypts and checks that the result is a PrivateKeyInfo. With a wrong password the padding is usually
 * bad; when it happens to look right, the bytes still will not parse. Both mean the password was wrong.
 */
function decryptToPrivateKeyInfo(cipher: CipherSpec, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  let plaintext: Buffer;
  try {
    plaintext = cbcDecrypt(cipher, key, iv, ciphertext);
  } catch {
    throw wrongPassword();
  }
  try {
    readPrivateKeyInfo(plaintext);
  } catch {
    throw wrongPassword();
  }
  return plaintext;
}

// ---------------------------------------------------------------------------------------------------
// DER reading

function expectUniversal(node: Asn1 | undefined, type: forge.asn1.Type, constructed: boolean, what: string): Asn1 {
  if (!isUniversal(node, type, constructed)) throw corrupt(`expected ${what}`);
  return node;
}

function sequence(node: Asn1 | undefined, what: string, min: number, max: number): Asn1[] {
  const children = expectUniversal(node, asn1.Type.SEQUENCE, true, what).value as Asn1[];
  if (children.length < min || children.length > max) throw corrupt(`${what} has ${children.length} fields`);
  return children;
}

function octets(node: Asn1 | undefined, what: string): Buffer {
  return Buffer.from(expectUniversal(node, asn1.Type.OCTETSTRING, false, what).value as string, 'binary');
}

function oid(node: Asn1 | undefined, what: string): string {
  return asn1.derToOid(expectUniversal(node, asn1.Type.OID, false, what).value as string);
}

/** A positive INTEGER; Infinity when too large to compute with, which no sane field is. */
function positiveInteger(node: Asn1 | undefined, what: string): number {
  const bytes = Buffer.from(expectUniversal(node, asn1.Type.INTEGER, false, what).value as string, 'binary');
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) throw corrupt(`${what} is negative`);
  const firstNonZero = bytes.findIndex((b) => b !== 0);
  if (firstNonZero === -1) throw corrupt(`${what} is zero`);
  const significant = bytes.subarray(firstNonZero);
  // Six bytes is as far as readUIntBE goes, and far beyond any cap.
  return significant.length > 6 ? Number.POSITIVE_INFINITY : significant.readUIntBE(0, significant.length);
}

/** An iteration count, refused above the cap here, while parsing, so nothing is ever derived with it. */
function iterationCount(node: Asn1 | undefined): number {
  const iterations = positiveInteger(node, 'iteration count');
  assertIterationsWithinCap(iterations, 'privateKey');
  return iterations;
}

/** AlgorithmIdentifier parameters may be absent or NULL when there are none. */
function isAbsentOrNull(node: Asn1 | undefined): boolean {
  return node === undefined || isUniversal(node, asn1.Type.NULL);
}

// ---------------------------------------------------------------------------------------------------
// EncryptedPrivateKeyInfo parsing

function parseEncryptedPrivateKeyInfo(file: Uint8Array): EncryptedPrivateKeyInfo {
  const root = parseDer(file);
  const [algorithm, encryptedData] = sequence(root, 'EncryptedPrivateKeyInfo', 2, 2);
  return { scheme: parseEncryptionScheme(algorithm), encryptedData: octets(encryptedData, 'encryptedData') };
}

function parseEncryptionScheme(node: Asn1 | undefined): EncryptionScheme {
  const [algorithm, parameters] = sequence(node, 'encryptionAlgorithm', 1, 2);
  const algorithmOid = oid(algorithm, 'encryption algorithm OID');
  switch (algorithmOid) {
    case OID.seedCbcWithSha1:
      return { kind: 'seedCbcWithSha1', ...parseSaltAndIterations(parameters) };
    case OID.seedCbc:
      return { kind: 'legacySeedCbc', ...parseSaltAndIterations(parameters) };
    case OID.pbes2:
      return parsePbes2(parameters);
    default:
      throw unsupported(`encryption algorithm ${algorithmOid}`);
  }
}

/** KISA's PBE parameters: SEQUENCE { salt OCTET STRING, iterationCount INTEGER }. */
function parseSaltAndIterations(node: Asn1 | undefined): { salt: Buffer; iterations: number } {
  const [salt, iterations] = sequence(node, 'PBE parameters', 2, 2);
  return { salt: octets(salt, 'salt'), iterations: iterationCount(iterations) };
}

/** PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }. */
function parsePbes2(node: Asn1 | undefined): EncryptionScheme {
  const [keyDerivationFunc, encryptionScheme] = sequence(node, 'PBES2 parameters', 2, 2);

  const [cipherOidNode, ivNode] = sequence(encryptionScheme, 'PBES2 encryption scheme', 1, 2);
  const cipherOid = oid(cipherOidNode, 'cipher OID');
  const cipher = CIPHER_BY_OID[cipherOid];
  if (!cipher) throw unsupported(`cipher ${cipherOid}`);
  const iv = octets(ivNode, 'IV');
  if (iv.length !== cipher.ivBytes) throw corrupt(`IV of ${iv.length} bytes`);

  const [kdfOidNode, kdfParameters] = sequence(keyDerivationFunc, 'PBES2 key derivation', 1, 2);
  const kdfOid = oid(kdfOidNode, 'KDF OID');
  if (kdfOid !== OID.pbkdf2) throw unsupported(`key derivation ${kdfOid}`);

  // PBKDF2-params ::= SEQUENCE { salt, iterationCount, keyLength INTEGER OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const [saltNode, iterationsNode, ...rest] = sequence(kdfParameters, 'PBKDF2 parameters', 2, 4);
  if (isUniversal(saltNode, asn1.Type.SEQUENCE)) {
    throw unsupported('PBKDF2 salt from another source');
  }
  const salt = octets(saltNode, 'salt');
  const iterations = iterationCount(iterationsNode);

  let optional = rest;
  const [keyLength] = optional;
  if (isUniversal(keyLength, asn1.Type.INTEGER)) {
    // keyLength is rarely written; when it is, it must agree with the cipher, which decides dkLen either way.
    if (positiveInteger(keyLength, 'key length') !== cipher.keyBytes) throw corrupt('key length does not fit the cipher');
    optional = optional.slice(1);
  }
  if (optional.length > 1) throw corrupt('PBKDF2 parameters out of order');
  const prf = optional[0] ? parsePrf(optional[0]) : 'sha1';

  return { kind: 'pbes2', salt, iterations, prf, cipher, iv };
}

function parsePrf(node: Asn1): PrfHash {
  const [prfOidNode, parameters] = sequence(node, 'PBKDF2 prf', 1, 2);
  const prfOid = oid(prfOidNode, 'prf OID');
  const prf = PRF_BY_OID[prfOid];
  if (!prf) throw unsupported(`prf ${prfOid}`);
  if (!isAbsentOrNull(parameters)) throw corrupt('prf parameters');
  return prf;
}

// ---------------------------------------------------------------------------------------------------
// Decryption

/**
 * Decrypts signPri.key and returns the PrivateKeyInfo DER exactly as it was inside, randomNum attribute
 * included. Throws only CertificateError: 'fileTooLarge', 'corruptFile', 'unsupportedFile',
 * 'excessiveKeyProtection' (before deriving anything) or 'wrongPassword'.
 */
export async function decryptPrivateKeyFile(file: Uint8Array, password: string): Promise<Buffer> {
  try {
    const { scheme, encryptedData } = readEncryptedPrivateKeyInfo(file);
    return await decryptWithScheme(scheme, encryptedData, password);
  } catch (error) {
    throw asCertificateError(error);
  }
}

/**
 * The derivations opening signPri.key will run, read from its parameters without deriving anything.
 * Throws what decryptPrivateKeyFile throws before it derives.
 */
export function privateKeyFileDerivations(file: Uint8Array): DeclaredDerivation[] {
  let scheme: EncryptionScheme;
  try {
    ({ scheme } = readEncryptedPrivateKeyInfo(file));
  } catch (error) {
    throw asCertificateError(error);
  }
  switch (scheme.kind) {
    case 'seedCbcWithSha1':
      return [{ iterations: scheme.iterations, code: 'javaScript' }];
    case 'legacySeedCbc':
      // PBKDF1 first, then PBKDF2 when that key does not fit.
      return [
        { iterations: scheme.iterations, code: 'javaScript' },
        { iterations: scheme.iterations, code: 'native' },
      ];
    case 'pbes2':
      return [{ iterations: scheme.iterations, code: 'native' }];
  }
}

function readEncryptedPrivateKeyInfo(file: Uint8Array): EncryptedPrivateKeyInfo {
  assertFileSize(file, 'privateKey');
  const parsed = parseEncryptedPrivateKeyInfo(file);
  const blockBytes = parsed.scheme.kind === 'pbes2' ? parsed.scheme.cipher.ivBytes : SEED_CIPHER.ivBytes;
  // CBC output is whole blocks; anything else was cut or padded by something other than a cipher.
  if (parsed.encryptedData.length === 0 || parsed.encryptedData.length % blockBytes !== 0) throw corrupt('encrypted data is not whole blocks');
  return parsed;
}

/** forge's parser and anything else unexpected: the file is not what it claims to be. */
function asCertificateError(error: unknown): CertificateError {
  return error instanceof CertificateError ? error : corrupt('unparsable EncryptedPrivateKeyInfo');
}

async function decryptWithScheme(scheme: EncryptionScheme, encryptedData: Buffer, password: string): Promise<Buffer> {
  switch (scheme.kind) {
    case 'seedCbcWithSha1': {
      const { key, iv } = await deriveSeedCbcWithSha1Key(password, scheme.salt, scheme.iterations);
      return decryptToPrivateKeyInfo(SEED_CIPHER, key, iv, encryptedData);
    }
    case 'legacySeedCbc': {
      const pbkdf1Key = await deriveLegacySeedCbcKeyPbkdf1(password, scheme.salt, scheme.iterations);
      try {
        return decryptToPrivateKeyInfo(SEED_CIPHER, pbkdf1Key, LEGACY_SEED_CBC_IV, encryptedData);
      } catch {
        // Some writers used PBKDF2-HMAC-SHA1 for this OID; only when that fails too is the password wrong.
        const pbkdf2Key = await deriveLegacySeedCbcKeyPbkdf2(password, scheme.salt, scheme.iterations);
        return decryptToPrivateKeyInfo(SEED_CIPHER, pbkdf2Key, LEGACY_SEED_CBC_IV, encryptedData);
      }
    }
    case 'pbes2': {
      const key = await derivePbes2Key(password, scheme);
      return decryptToPrivateKeyInfo(scheme.cipher, key, scheme.iv, encryptedData);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Encryption

/** What NPKI software writes. */
const WRITE_ITERATIONS = 2048;
const WRITE_SALT_BYTES = 8;

function assertIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_KEY_DERIVATION_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from 1 to ${MAX_KEY_DERIVATION_ITERATIONS}`);
  }
}

/**
 * PBES2 (RFC 8018) as NPKI programs read it: PBKDF2 with the default PRF, HMAC-SHA1, which DER says
 * to leave out, so the parameters hold only salt and iteration count; SEED-CBC with a fresh 16-byte
 * IV. The key comes from Node's native, asynchronous PBKDF2 (libuv's thread pool, not the event
 * loop); the password goes in as its UTF-8 bytes.
 */
async function pbes2SeedEncrypt(plaintext: Buffer, password: string, iterations: number): Promise<{ algorithm: Asn1; ciphertext: Buffer }> {
  const salt = randomBytes(WRITE_SALT_BYTES);
  const iv = randomBytes(SEED_CIPHER.ivBytes);
  const key = await pbkdf2Async(passwordBytes(password), salt, iterations, SEED_CIPHER.keyBytes, 'sha1');
  const algorithm = algorithmIdentifier(OID.pbes2, [
    algorithmIdentifier(OID.pbkdf2, [octetString(salt), integer(iterations)]),
    algorithmIdentifier(OID.seedCbc, octetString(iv)),
  ]);
  return { algorithm, ciphertext: seedCbcEncrypt(key, iv, plaintext) };
}

export interface EncryptPrivateKeyFileOptions {
  /** 'pbes2-seed' (default): PBES2 + PBKDF2-HMAC-SHA1 + SEED-CBC. 'seedCBCWithSHA1': KISA's 1.2.410.200004.1.15. */
  scheme?: 'pbes2-seed' | 'seedCBCWithSHA1';
  /** Default 2048, what NPKI software writes. */
  iterations?: number;
}

/**
 * Encrypts a PrivateKeyInfo (typically from decryptPrivateKeyFile or buildPrivateKeyInfo, attributes and
 * all) into a signPri.key that NPKI software, PyPinkSign and OpenSSL read.
 */
export async function encryptPrivateKeyFile(
  privateKeyInfo: Buffer,
  password: string,
  options: EncryptPrivateKeyFileOptions = {},
): Promise<Buffer> {
  const iterations = options.iterations ?? WRITE_ITERATIONS;
  assertIterations(iterations);
  // Refuse to write a file that could never be read back.
  readPrivateKeyInfo(privateKeyInfo);

  if (options.scheme === 'seedCBCWithSHA1') {
    const salt = randomBytes(WRITE_SALT_BYTES);
    const { key, iv } = await deriveSeedCbcWithSha1Key(password, salt, iterations);
    const algorithm = algorithmIdentifier(OID.seedCbcWithSha1, [octetString(salt), integer(iterations)]);
    return encryptedPrivateKeyInfoDer(algorithm, seedCbcEncrypt(key, iv, privateKeyInfo));
  }

  const { algorithm, ciphertext } = await pbes2SeedEncrypt(privateKeyInfo, password, iterations);
  return encryptedPrivateKeyInfoDer(algorithm, ciphertext);
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING }. */
export function encryptedPrivateKeyInfo(algorithm: Asn1, encryptedData: Buffer): Asn1 {
  return seq([algorithm, octetString(encryptedData)]);
}

function encryptedPrivateKeyInfoDer(algorithm: Asn1, encryptedData: Buffer): Buffer {
  return toDerBuffer(encryptedPrivateKeyInfo(algorithm, encryptedData));
}
