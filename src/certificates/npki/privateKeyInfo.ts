/**
 * The decrypted inside of signPri.key: a PKCS#8 PrivateKeyInfo that, on Korean NPKI keys, carries the
 * random value R (randomNum) in its attributes. R is what binds the certificate's VID to the owner's
 * 주민등록번호, so it must survive every read and re-encryption.
 *
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier,
 *                                 privateKey OCTET STRING, attributes [0] IMPLICIT SET OF Attribute OPTIONAL }
 *   Attribute      ::= SEQUENCE { type 1.2.410.200004.10.1.1.3, values SET { BIT STRING (00 || R) } }
 *
 * Node's KeyObject.export() and node-forge's PKCS#8 helpers both drop the attributes, so the attribute is
 * read and written here by hand.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CertificateError } from './certificateError';
import { attribute, bitString, contextSpecific, isUniversal, parseDer, toDerBuffer } from './der';

/** id-randomNum (KISA): the private key attribute that holds R. */
export const OID_NPKI_RANDOM_NUM = '1.2.410.200004.10.1.1.3';

export interface PrivateKeyInfo {
  /** The private key, usable with node:crypto. */
  key: KeyObject;
  /** R from the randomNum attribute, without the BIT STRING's unused-bits byte; absent on some keys. */
  randomNum?: Buffer;
}

const { asn1 } = forge;

function corrupt(detail: string): CertificateError {
  return new CertificateError('corruptFile', 'privateKey', detail);
}

function childrenOf(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

/**
 * Reads a decrypted PrivateKeyInfo. Throws CertificateError('corruptFile', 'privateKey') on anything that
 * is not one (callers that just decrypted it turn that into 'wrongPassword').
 */
export function readPrivateKeyInfo(der: Buffer): PrivateKeyInfo {
  let randomNum: Buffer | undefined;
  try {
    // parseDer leaves BIT STRINGs alone: an R that happens to look like DER stays bytes, where we read it.
    const root = parseDer(der);
    const fields = childrenOf(root);
    // version, privateKeyAlgorithm, privateKey, then [0] attributes and (PKCS#8 v2) [1] publicKey, both optional.
    if (!isUniversal(root, asn1.Type.SEQUENCE, true) || fields.length < 3 || fields.length > 5) {
      throw corrupt('not a PrivateKeyInfo');
    }
    const [version, algorithm, privateKey, ...optional] = fields;
    if (
      !isUniversal(version, asn1.Type.INTEGER, false) ||
      !isUniversal(algorithm, asn1.Type.SEQUENCE, true) ||
      !isUniversal(privateKey, asn1.Type.OCTETSTRING, false)
    ) {
      throw corrupt('not a PrivateKeyInfo');
    }
    const attributes = optional.find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0);
    if (attributes) randomNum = readRandomNum(attributes);
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw corrupt('unparsable PrivateKeyInfo');
  }

  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw corrupt('private key rejected by crypto');
  }
  return randomNum === undefined ? { key } : { key, randomNum };
}

/** Finds the randomNum attribute among the [0] attributes; other attributes are ignored. */
function readRandomNum(attributes: forge.asn1.Asn1): Buffer | undefined {
  if (!attributes.constructed) throw corrupt('attributes not a SET');
  for (const attribute of childrenOf(attributes)) {
    const [type, values] = childrenOf(attribute);
    if (!isUniversal(attribute, asn1.Type.SEQUENCE, true) || !isUniversal(type, asn1.Type.OID, false)) {
      throw corrupt('malformed attribute');
    }
    if (asn1.derToOid(type.value as string) !== OID_NPKI_RANDOM_NUM) continue;
    const [bitString] = isUniversal(values, asn1.Type.SET, true) ? childrenOf(values) : [];
    if (!isUniversal(bitString, asn1.Type.BITSTRING, false)) throw corrupt('malformed randomNum');
    const contents = Buffer.from(bitString.value as string, 'binary');
    // The first byte counts unused bits; R is whole bytes, so it must be 0 and something must follow.
    if (contents.length < 2 || contents[0] !== 0) throw corrupt('malformed randomNum');
    return contents.subarray(1);
  }
  return undefined;
}

/**
 * DER PrivateKeyInfo for `key`, with the randomNum attribute appended when R is given. The output is
 * Node's own PKCS#8 export plus the attribute, so everything else stays exactly as Node writes it.
 */
export function buildPrivateKeyInfo(key: KeyObject, randomNum?: Buffer): Buffer {
  if (key.type !== 'private') throw new Error('buildPrivateKeyInfo needs a private key');
  const exported = key.export({ type: 'pkcs8', format: 'der' });
  if (randomNum === undefined) return exported;
  if (randomNum.length === 0) throw new Error('randomNum must not be empty');

  const root = parseDer(exported);
  const fields = childrenOf(root);
  if (fields.length !== 3) throw new Error('unexpected PKCS#8 export from node:crypto');

  // [0] IMPLICIT SET OF Attribute: context tag 0, constructed.
  fields.push(contextSpecific(0, [attribute(OID_NPKI_RANDOM_NUM, bitString(randomNum))]));
  return toDerBuffer(root);
}
