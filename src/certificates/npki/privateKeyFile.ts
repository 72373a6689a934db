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
import { bytesFromBinaryString, utf8Bytes } from './bytes';
import { SEED_CBC } from './cbcCiphers';
import { assertFileSize, CertificateError } from './certificateError';
import {
  type Asn1,
  algorithmIdentifier,
  integer,
  octetString,
  octetsOf,
  oidOf,
  parseDer,
  seq,
  sequenceOf,
  toDer,
  UnexpectedAsn1,
} from './der';
import { MAX_KEY_DERIVATION_ITERATIONS, readIterationCount } from './keyDerivationWork';
import { OID } from './oids';
import { derivePbes2Key, type Pbes2Parameters, readPbes2Parameters } from './pbes2';
import { pbkdf1Sha1, sha1 } from './pbkdf1';
import { readPrivateKeyInfo } from './privateKeyInfo';
import { seedCbcDecrypt, seedCbcEncrypt } from './seed';
import { pbkdf2, randomBytes } from './webCrypto';

/** The IV KISA fixed for the old top-level seedCBC scheme. */
const LEGACY_SEED_CBC_IV = bytesFromBinaryString('0123456789012345');

/** What the AlgorithmIdentifier of a signPri.key says, once parsed. */
type EncryptionScheme =
  | { kind: 'seedCbcWithSha1'; salt: Uint8Array; iterations: number }
  | { kind: 'legacySeedCbc'; salt: Uint8Array; iterations: number }
  | ({ kind: 'pbes2' } & Pbes2Parameters);

interface EncryptedPrivateKeyInfo {
  scheme: EncryptionScheme;
  encryptedData: Uint8Array;
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

/** forge's parser, a malformed field and anything else unexpected: the file is not what it claims to be. */
function asCertificateError(error: unknown): CertificateError {
  if (error instanceof CertificateError) return error;
  return corrupt(error instanceof UnexpectedAsn1 ? error.message : 'unparsable EncryptedPrivateKeyInfo');
}

// ---------------------------------------------------------------------------------------------------
// Key derivation (the password goes in as its UTF-8 bytes: NPKI passwords are ASCII in practice, where every encoding agrees)

/** seedCBCWithSHA1: key = DK[0..16), IV = SHA1(DK[16..20))[0..16). The IV hashes only DK's last 4 bytes. */
export async function deriveSeedCbcWithSha1Key(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<{ key: Uint8Array; iv: Uint8Array }> {
  const dk = await pbkdf1Sha1(utf8Bytes(password), salt, iterations);
  return { key: dk.subarray(0, 16), iv: sha1(dk.subarray(16, 20)).subarray(0, 16) };
}

/** Old top-level seedCBC, as PyPinkSign and LibNPKI read it: key = PBKDF1-SHA1 DK[0..16), fixed IV. */
async function deriveLegacySeedCbcKeyPbkdf1(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  return (await pbkdf1Sha1(utf8Bytes(password), salt, iterations)).subarray(0, 16);
}

/** Old top-level seedCBC, as OdinSdk reads it: key = PBKDF2-HMAC-SHA1, 16 bytes, fixed IV. */
function deriveLegacySeedCbcKeyPbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  return pbkdf2(utf8Bytes(password), salt, iterations, 16, 'SHA-1');
}

// ---------------------------------------------------------------------------------------------------
// Decryption

/**
 * Checks that decrypted bytes are a PrivateKeyInfo. With a wrong password the padding is usually
 * bad (the decryption rejects); when it happens to look right, the bytes still will not parse. Both
 * mean the password was wrong.
 */
async function privateKeyInfoOf(decrypt: () => Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
  let plaintext: Uint8Array;
  try {
    plaintext = await decrypt();
    readPrivateKeyInfo(plaintext);
  } catch {
    throw wrongPassword();
  }
  return plaintext;
}

/**
 * Decrypts signPri.key and returns the PrivateKeyInfo DER exactly as it was inside, randomNum attribute
 * included. Throws only CertificateError: 'fileTooLarge', 'corruptFile', 'unsupportedFile',
 * 'excessiveKeyProtection' (before deriving anything) or 'wrongPassword'.
 */
export async function decryptPrivateKeyFile(file: Uint8Array, password: string): Promise<Uint8Array> {
  try {
    const { scheme, encryptedData } = readEncryptedPrivateKeyInfo(file);
    return await decryptWithScheme(scheme, encryptedData, password);
  } catch (error) {
    throw asCertificateError(error);
  }
}

async function decryptWithScheme(scheme: EncryptionScheme, encryptedData: Uint8Array, password: string): Promise<Uint8Array> {
  switch (scheme.kind) {
    case 'seedCbcWithSha1': {
      const { key, iv } = await deriveSeedCbcWithSha1Key(password, scheme.salt, scheme.iterations);
      return privateKeyInfoOf(() => seedCbcDecrypt(key, iv, encryptedData));
    }
    case 'legacySeedCbc': {
      const pbkdf1Key = await deriveLegacySeedCbcKeyPbkdf1(password, scheme.salt, scheme.iterations);
      try {
        return await privateKeyInfoOf(() => seedCbcDecrypt(pbkdf1Key, LEGACY_SEED_CBC_IV, encryptedData));
      } catch {
        // Some writers used PBKDF2-HMAC-SHA1 for this OID; only when that fails too is the password wrong.
        const pbkdf2Key = await deriveLegacySeedCbcKeyPbkdf2(password, scheme.salt, scheme.iterations);
        return privateKeyInfoOf(() => seedCbcDecrypt(pbkdf2Key, LEGACY_SEED_CBC_IV, encryptedData));
      }
    }
    case 'pbes2': {
      const key = await derivePbes2Key(scheme, password);
      return privateKeyInfoOf(() => scheme.cipher.decrypt(key, scheme.iv, encryptedData));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// EncryptedPrivateKeyInfo parsing

function readEncryptedPrivateKeyInfo(file: Uint8Array): EncryptedPrivateKeyInfo {
  assertFileSize(file, 'privateKey');
  const [algorithm, encryptedData] = sequenceOf(parseDer(file), 'EncryptedPrivateKeyInfo', 2, 2);
  const parsed = { scheme: readEncryptionScheme(algorithm), encryptedData: octetsOf(encryptedData, 'encryptedData') };
  const blockBytes = parsed.scheme.kind === 'pbes2' ? parsed.scheme.cipher.ivBytes : SEED_CBC.ivBytes;
  // CBC output is whole blocks; anything else was cut or padded by something other than a cipher.
  if (parsed.encryptedData.length === 0 || parsed.encryptedData.length % blockBytes !== 0)
    throw corrupt('encrypted data is not whole blocks');
  return parsed;
}

function readEncryptionScheme(node: Asn1 | undefined): EncryptionScheme {
  const [algorithm, parameters] = sequenceOf(node, 'encryptionAlgorithm', 1, 2);
  const algorithmOid = oidOf(algorithm, 'encryption algorithm OID');
  switch (algorithmOid) {
    case OID.seedCbcWithSha1:
      return { kind: 'seedCbcWithSha1', ...readSaltAndIterations(parameters) };
    case OID.seedCbc:
      return { kind: 'legacySeedCbc', ...readSaltAndIterations(parameters) };
    case OID.pbes2:
      return { kind: 'pbes2', ...readPbes2Parameters(parameters, 'privateKey') };
    default:
      throw unsupported(`encryption algorithm ${algorithmOid}`);
  }
}

/** KISA's PBE parameters: SEQUENCE { salt OCTET STRING, iterationCount INTEGER }. */
function readSaltAndIterations(node: Asn1 | undefined): { salt: Uint8Array; iterations: number } {
  const [salt, iterations] = sequenceOf(node, 'PBE parameters', 2, 2);
  return { salt: octetsOf(salt, 'salt'), iterations: readIterationCount(iterations, 'privateKey') };
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
 * IV. The key comes from WebCrypto's native PBKDF2 (in Node, on libuv's thread pool, not the event loop).
 */
async function pbes2SeedEncrypt(
  plaintext: Uint8Array,
  password: string,
  iterations: number,
): Promise<{ algorithm: Asn1; ciphertext: Uint8Array }> {
  const salt = randomBytes(WRITE_SALT_BYTES);
  const iv = randomBytes(SEED_CBC.ivBytes);
  const key = await pbkdf2(utf8Bytes(password), salt, iterations, SEED_CBC.keyBytes, 'SHA-1');
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
  privateKeyInfo: Uint8Array,
  password: string,
  options: EncryptPrivateKeyFileOptions = {},
): Promise<Uint8Array> {
  const iterations = options.iterations ?? WRITE_ITERATIONS;
  assertIterations(iterations);
  // Refuse to write a file that could never be read back.
  readPrivateKeyInfo(privateKeyInfo);

  if (options.scheme === 'seedCBCWithSHA1') {
    const salt = randomBytes(WRITE_SALT_BYTES);
    const { key, iv } = await deriveSeedCbcWithSha1Key(password, salt, iterations);
    const algorithm = algorithmIdentifier(OID.seedCbcWithSha1, [octetString(salt), integer(iterations)]);
    return toDer(encryptedPrivateKeyInfo(algorithm, seedCbcEncrypt(key, iv, privateKeyInfo)));
  }

  const { algorithm, ciphertext } = await pbes2SeedEncrypt(privateKeyInfo, password, iterations);
  return toDer(encryptedPrivateKeyInfo(algorithm, ciphertext));
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING }. */
export function encryptedPrivateKeyInfo(algorithm: Asn1, encryptedData: Uint8Array): Asn1 {
  return seq([algorithm, octetString(encryptedData)]);
}
