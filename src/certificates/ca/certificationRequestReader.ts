/**
 * The CA reads the device's PKCS#10 request: the public key it asks a certificate for, and the
 * signature that proves the device holds the private key (proof of possession). The signature is
 * checked over the CertificationRequestInfo exactly as sent.
 */
import { createPublicKey, KeyObject, verify } from 'node:crypto';
import forge from 'node-forge';
import { isUniversal, naturalNumberOf, oidOf, parseDer, primitiveBytes, sequenceElementBytes, sequenceOf } from '../npki/der';
import { OID } from '../npki/oids';

const { asn1 } = forge;

/** RSA moduli a customer's key may have: what NPKI issues for, and no more than anyone uses. */
const MODULUS_BITS = { min: 2048, max: 4096 } as const;

export class CertificationRequestRefused extends Error {
  override name = 'CertificationRequestRefused';

  constructor(readonly reason: 'badCertificationRequest' | 'badProofOfPossession') {
    super(reason);
  }
}

/** The request's public key once its signature verified; CertificationRequestRefused otherwise. */
export function readCertificationRequest(der: Uint8Array): KeyObject {
  const { info, publicKeyInfo, signature } = parse(der);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(publicKeyInfo), format: 'der', type: 'spki' });
  } catch {
    throw new CertificationRequestRefused('badCertificationRequest');
  }
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (publicKey.asymmetricKeyType !== 'rsa' || bits < MODULUS_BITS.min || bits > MODULUS_BITS.max)
    throw new CertificationRequestRefused('badCertificationRequest');
  if (!verify('sha256', info, publicKey, signature)) throw new CertificationRequestRefused('badProofOfPossession');
  return publicKey;
}

/**
 *   CertificationRequest     ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject Name, subjectPKInfo, attributes [0] }
 */
function parse(der: Uint8Array): { info: Uint8Array; publicKeyInfo: Uint8Array; signature: Uint8Array } {
  try {
    const [info, algorithm, signature, ...extra] = sequenceElementBytes(der);
    if (info === undefined || algorithm === undefined || signature === undefined || extra.length > 0)
      throw new Error('not a CertificationRequest');
    const [version, , publicKeyInfo] = sequenceElementBytes(info);
    if (naturalNumberOf(parseDer(version ?? new Uint8Array(0)), 'version') !== 0 || publicKeyInfo === undefined)
      throw new Error('not a version 1 request');
    sequenceOf(parseDer(info), 'CertificationRequestInfo', 3, 4);
    const [algorithmOid, parameters] = sequenceOf(parseDer(algorithm), 'signatureAlgorithm', 1, 2);
    if (
      oidOf(algorithmOid, 'signatureAlgorithm') !== OID.sha256WithRsa ||
      (parameters !== undefined && !isUniversal(parameters, asn1.Type.NULL))
    )
      throw new Error('not sha256WithRSAEncryption');
    const signatureNode = parseDer(signature);
    if (!isUniversal(signatureNode, asn1.Type.BITSTRING, false)) throw new Error('signature not a BIT STRING');
    const bits = primitiveBytes(signatureNode, 'signature');
    if (bits[0] !== 0) throw new Error('signature of partial bytes');
    return { info, publicKeyInfo, signature: bits.subarray(1) };
  } catch {
    throw new CertificationRequestRefused('badCertificationRequest');
  }
}
