/**
 * PBES2 (RFC 8018 §6.2), as signPri.key files and PKCS#12 files use it: PBKDF2 with an HMAC PRF,
 * then a CBC cipher. Read here for both, derived with WebCrypto's native PBKDF2 from the
 * password's UTF-8 bytes.
 *
 *   PBES2-params  ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier {pbkdf2, PBKDF2-params},
 *                                encryptionScheme  AlgorithmIdentifier {cipher, IV} }
 *   PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
 *                                keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
 */
import forge from 'node-forge';
import { utf8Bytes } from './bytes';
import { type CbcCipher, cbcCipher } from './cbcCiphers';
import { CertificateError, type CertificateFileRole } from './certificateError';
import { type Asn1, isUniversal, naturalNumberOf, octetsOf, oidOf, sequenceOf, UnexpectedAsn1 } from './der';
import { readIterationCount } from './keyDerivationWork';
import { OID } from './oids';
import { type HashName, pbkdf2 } from './webCrypto';

const { asn1 } = forge;

export interface Pbes2Parameters {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly prf: HashName;
  readonly cipher: CbcCipher;
  readonly iv: Uint8Array;
}

/** The PRFs WebCrypto can run: it has no SHA-224, so a file with hmacWithSHA224 is unsupported. */
const PRF_BY_OID: Readonly<Record<string, HashName>> = {
  [OID.hmacWithSha1]: 'SHA-1',
  [OID.hmacWithSha256]: 'SHA-256',
  [OID.hmacWithSha384]: 'SHA-384',
  [OID.hmacWithSha512]: 'SHA-512',
};

/**
 * PBES2-params, checked: a cipher and PRF we have, an IV of the cipher's block size, the iteration
 * count within the cap. Throws CertificateError ('unsupportedFile', 'excessiveKeyProtection') about
 * `file`, and UnexpectedAsn1 for a malformed structure, which the caller reports as corrupt.
 */
export function readPbes2Parameters(parameters: Asn1 | undefined, file: CertificateFileRole): Pbes2Parameters {
  const unsupported = (detail: string) => new CertificateError('unsupportedFile', file, detail);
  const [keyDerivationFunc, encryptionScheme] = sequenceOf(parameters, 'PBES2 parameters', 2, 2);

  const [cipherOidNode, ivNode] = sequenceOf(encryptionScheme, 'PBES2 encryption scheme', 1, 2);
  const cipherOid = oidOf(cipherOidNode, 'cipher OID');
  const cipher = cbcCipher(cipherOid);
  if (cipher === undefined) throw unsupported(`cipher ${cipherOid}`);
  const iv = octetsOf(ivNode, 'IV');
  if (iv.length !== cipher.ivBytes) throw new UnexpectedAsn1(`IV of ${iv.length} bytes`);

  const [kdfOidNode, kdfParameters] = sequenceOf(keyDerivationFunc, 'PBES2 key derivation', 1, 2);
  const kdfOid = oidOf(kdfOidNode, 'KDF OID');
  if (kdfOid !== OID.pbkdf2) throw unsupported(`key derivation ${kdfOid}`);

  const [saltNode, iterationsNode, ...optional] = sequenceOf(kdfParameters, 'PBKDF2 parameters', 2, 4);
  if (isUniversal(saltNode, asn1.Type.SEQUENCE)) throw unsupported('PBKDF2 salt from another source');
  const salt = octetsOf(saltNode, 'salt');
  const iterations = readIterationCount(iterationsNode, file);

  let rest = optional;
  if (isUniversal(rest[0], asn1.Type.INTEGER)) {
    // keyLength is rarely written; when it is, it must agree with the cipher, which decides dkLen either way.
    if (naturalNumberOf(rest[0], 'key length') !== cipher.keyBytes) throw new UnexpectedAsn1('key length does not fit the cipher');
    rest = rest.slice(1);
  }
  if (rest.length > 1) throw new UnexpectedAsn1('PBKDF2 parameters out of order');
  const prf = rest[0] === undefined ? 'SHA-1' : readPrf(rest[0], unsupported);
  return { salt, iterations, prf, cipher, iv };
}

function readPrf(node: Asn1, unsupported: (detail: string) => CertificateError): HashName {
  const [prfOidNode, parameters] = sequenceOf(node, 'PBKDF2 prf', 1, 2);
  const prfOid = oidOf(prfOidNode, 'prf OID');
  const prf = Object.hasOwn(PRF_BY_OID, prfOid) ? PRF_BY_OID[prfOid] : undefined;
  if (prf === undefined) throw unsupported(`prf ${prfOid}`);
  if (parameters !== undefined && !isUniversal(parameters, asn1.Type.NULL)) throw new UnexpectedAsn1('prf parameters');
  return prf;
}

/** The cipher's key, from the password's UTF-8 bytes. */
export function derivePbes2Key(parameters: Pbes2Parameters, password: string): Promise<Uint8Array> {
  return pbkdf2(utf8Bytes(password), parameters.salt, parameters.iterations, parameters.cipher.keyBytes, parameters.prf);
}
