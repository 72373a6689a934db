/**
 * The decrypted inside of signPri.key: a PKCS#8 PrivateKeyInfo that, on Korean NPKI keys, carries the
 * random value R (randomNum) in its attributes. R is what binds the certificate's VID to the owner's
 * 주민등록번호, so it must survive every read and re-encryption.
 *
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier,
 *                                 privateKey OCTET STRING, attributes [0] IMPLICIT SET OF Attribute OPTIONAL }
 *   Attribute      ::= SEQUENCE { type 1.2.410.200004.10.1.1.3, values SET { BIT STRING (00 || R) } }
 *
 * Node's KeyObject.export(), WebCrypto's exportKey('pkcs8') and node-forge's PKCS#8 helpers all drop
 * the attributes, so the attribute is read and written here by hand.
 */
import forge from 'node-forge';
import { bytesEqual } from './bytes';
import { CertificateError } from './certificateError';
import {
  type Asn1,
  algorithmIdentifier,
  attribute,
  bitString,
  contextSpecific,
  contextSpecificOf,
  integer,
  isContextSpecific,
  isUniversal,
  octetString,
  octetsOf,
  oidOf,
  parseDer,
  primitiveBytes,
  seq,
  sequenceOf,
  setOf,
  toDer,
  UnexpectedAsn1,
  unsignedIntegerBytes,
} from './der';
import { OID } from './oids';
import { readCertificateStructure } from './x509Structure';

const { asn1 } = forge;

export interface PrivateKeyInfo {
  /** The key's algorithm OID: rsaEncryption on every NPKI key. */
  readonly algorithm: string;
  /** R from the randomNum attribute, without the BIT STRING's unused-bits byte; absent on some keys. */
  readonly randomNum?: Uint8Array;
}

function corrupt(detail: string): CertificateError {
  return new CertificateError('corruptFile', 'privateKey', detail);
}

/**
 * Reads a decrypted PrivateKeyInfo, the key inside included (an RSA key must be a whole
 * RSAPrivateKey). Throws CertificateError('corruptFile', 'privateKey') on anything that is not one
 * (callers that just decrypted it turn that into 'wrongPassword').
 */
export function readPrivateKeyInfo(der: Uint8Array): PrivateKeyInfo {
  try {
    // parseDer leaves BIT STRINGs alone: an R that happens to look like DER stays bytes, where we read it.
    const [version, algorithmIdentifier, privateKey, ...optional] = sequenceOf(parseDer(der), 'PrivateKeyInfo', 3, 5);
    // version, privateKeyAlgorithm, privateKey, then [0] attributes and (PKCS#8 v2) [1] publicKey, both optional.
    if (!isUniversal(version, asn1.Type.INTEGER, false)) throw new UnexpectedAsn1('not a PrivateKeyInfo');
    const algorithm = oidOf(sequenceOf(algorithmIdentifier, 'privateKeyAlgorithm', 1, 2)[0], 'privateKeyAlgorithm');
    checkKey(algorithm, octetsOf(privateKey, 'privateKey'));
    const attributes = optional.find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0);
    const randomNum = attributes === undefined ? undefined : readRandomNum(attributes);
    return randomNum === undefined ? { algorithm } : { algorithm, randomNum };
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw corrupt(error instanceof UnexpectedAsn1 ? error.message : 'unparsable PrivateKeyInfo');
  }
}

/** The key itself must parse: an RSA key as RSAPrivateKey, any other as the DER its algorithm defines. */
function checkKey(algorithm: string, privateKey: Uint8Array): void {
  if (isRsa(algorithm)) rsaPublicNumbers(privateKey);
  else parseDer(privateKey);
}

function isRsa(algorithm: string): boolean {
  return algorithm === OID.rsaEncryption || algorithm === OID.rsassaPss;
}

/** RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient, ... } */
function rsaPublicNumbers(privateKey: Uint8Array): { modulus: Uint8Array; exponent: Uint8Array } {
  const fields = sequenceOf(parseDer(privateKey), 'RSAPrivateKey', 9, 10);
  const [modulus, exponent, ...secrets] = fields.slice(1, 9).map((field) => unsignedIntegerBytes(field, 'RSAPrivateKey field'));
  if (
    modulus === undefined ||
    exponent === undefined ||
    modulus.length === 0 ||
    exponent.length === 0 ||
    secrets.some((value) => value.length === 0)
  ) {
    throw new UnexpectedAsn1('RSAPrivateKey with a zero field');
  }
  return { modulus, exponent };
}

/** Finds the randomNum attribute among the [0] attributes; other attributes are ignored. */
function readRandomNum(attributes: Asn1): Uint8Array | undefined {
  if (!isContextSpecific(attributes, 0)) throw corrupt('attributes not a SET');
  for (const attribute of contextSpecificOf(attributes, 0, 'attributes')) {
    const [type, values] = sequenceOf(attribute, 'attribute', 1);
    if (oidOf(type, 'attribute type') !== OID.npkiRandomNum) continue;
    const [value] = isUniversal(values, asn1.Type.SET, true) ? setOf(values, 'randomNum values') : [];
    if (!isUniversal(value, asn1.Type.BITSTRING, false)) throw corrupt('malformed randomNum');
    const contents = primitiveBytes(value, 'randomNum');
    // The first byte counts unused bits; R is whole bytes, so it must be 0 and something must follow.
    if (contents.length < 2 || contents[0] !== 0) throw corrupt('malformed randomNum');
    return contents.subarray(1);
  }
  return undefined;
}

/**
 * DER PrivateKeyInfo: `pkcs8` (a PrivateKeyInfo without attributes, as Node's KeyObject.export or
 * WebCrypto's exportKey('pkcs8') writes it) with the randomNum attribute appended when R is given;
 * everything else stays exactly as it was written.
 */
export function buildPrivateKeyInfo(pkcs8: Uint8Array, randomNum?: Uint8Array): Uint8Array {
  const root = parseDer(pkcs8);
  const fields = sequenceOf(root, 'PrivateKeyInfo');
  if (fields.length !== 3) throw new Error('buildPrivateKeyInfo needs a PrivateKeyInfo without attributes');
  if (randomNum === undefined) return pkcs8;
  if (randomNum.length === 0) throw new Error('randomNum must not be empty');
  // [0] IMPLICIT SET OF Attribute: context tag 0, constructed.
  fields.push(contextSpecific(0, [attribute(OID.npkiRandomNum, bitString(randomNum))]));
  return toDer(root);
}

/**
 * The RSA key of a decrypted PrivateKeyInfo, alone in a clean one: version 0, rsaEncryption with NULL
 * parameters, the RSAPrivateKey, no attributes. WebKit's PKCS#8 import is not reliable with
 * attributes (R) present, and WebCrypto imports RSASSA keys under rsaEncryption only. Throws
 * CertificateError ('unsupportedFile', 'privateKey') for a key that is not RSA, ('corruptFile') for
 * one that does not parse.
 */
export function bareRsaPrivateKeyInfo(der: Uint8Array): Uint8Array {
  const { algorithm } = readPrivateKeyInfo(der);
  if (!isRsa(algorithm)) throw new CertificateError('unsupportedFile', 'privateKey', `key algorithm ${algorithm}`);
  const [, , privateKey] = sequenceOf(parseDer(der), 'PrivateKeyInfo', 3, 5);
  return toDer(seq([integer(0), algorithmIdentifier(OID.rsaEncryption, null), octetString(octetsOf(privateKey, 'privateKey'))]));
}

/**
 * Whether the private key is the one whose public key the certificate carries: for RSA the
 * modulus and exponent, for EC the public point the key file keeps. False for anything else, and
 * for anything that does not parse.
 */
export function keyMatchesCertificate(privateKeyInfo: Uint8Array, certificate: Uint8Array): boolean {
  try {
    const { subjectPublicKeyInfo } = readCertificateStructure(parseDer(certificate));
    const [, keyAlgorithm, privateKey] = sequenceOf(parseDer(privateKeyInfo), 'PrivateKeyInfo', 3, 5);
    const [keyOid, keyParameters] = sequenceOf(keyAlgorithm, 'privateKeyAlgorithm', 1, 2);
    const [certificateAlgorithm, publicKeyBits] = sequenceOf(subjectPublicKeyInfo, 'subjectPublicKeyInfo', 2, 2);
    const [certificateOid, certificateParameters] = sequenceOf(certificateAlgorithm, 'public key algorithm', 1, 2);
    const algorithm = oidOf(keyOid, 'privateKeyAlgorithm');
    if (oidOf(certificateOid, 'public key algorithm') !== algorithm) return false;
    const publicKey = bitStringBytes(publicKeyBits);
    const key = octetsOf(privateKey, 'privateKey');
    if (isRsa(algorithm)) {
      const { modulus, exponent } = rsaPublicNumbers(key);
      const [n, e] = sequenceOf(parseDer(publicKey), 'RSAPublicKey', 2, 2);
      return bytesEqual(modulus, unsignedIntegerBytes(n, 'modulus')) && bytesEqual(exponent, unsignedIntegerBytes(e, 'exponent'));
    }
    if (algorithm === OID.ecPublicKey) {
      // ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
      const sameCurve =
        keyParameters !== undefined &&
        certificateParameters !== undefined &&
        bytesEqual(toDer(keyParameters), toDer(certificateParameters));
      const explicitPublicKey = sequenceOf(parseDer(key), 'ECPrivateKey', 2, 4).find((node) => isContextSpecific(node, 1));
      const [point] = explicitPublicKey === undefined ? [] : contextSpecificOf(explicitPublicKey, 1, 'publicKey');
      return sameCurve && point !== undefined && bytesEqual(bitStringBytes(point), publicKey);
    }
    return false;
  } catch {
    return false;
  }
}

/** The bytes of a BIT STRING of whole bytes. */
function bitStringBytes(node: Asn1 | undefined): Uint8Array {
  if (!isUniversal(node, asn1.Type.BITSTRING, false)) throw new UnexpectedAsn1('expected a BIT STRING');
  const contents = primitiveBytes(node, 'BIT STRING');
  if (contents[0] !== 0) throw new UnexpectedAsn1('BIT STRING of partial bytes');
  return contents.subarray(1);
}
