/**
 * The outer structure of an X.509 certificate, read without node-forge's certificate reader (which
 * knows RSA keys only): its public key and its extensions. Whoever reads a certificate's details
 * (certificateInspection.ts) starts here; so do the VID reader and the PKCS#12 reader.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, [1] [2] unique IDs OPTIONAL, [3] extensions OPTIONAL }
 */
import forge from 'node-forge';
import { type Asn1, contextSpecificOf, isContextSpecific, isUniversal, octetsOf, oidOf, parseDer, sequenceOf, UnexpectedAsn1 } from './der';
import { OID } from './oids';

const { asn1 } = forge;

export interface CertificateStructure {
  readonly subjectPublicKeyInfo: Asn1;
  /** Each extension's extnValue (the DER inside its OCTET STRING), by OID. */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
}

/** Reads a parsed certificate's structure; throws UnexpectedAsn1 when it is not one. */
export function readCertificateStructure(certificate: Asn1): CertificateStructure {
  const [tbs, signatureAlgorithm, signature] = sequenceOf(certificate, 'certificate', 3, 3);
  sequenceOf(signatureAlgorithm, 'signatureAlgorithm', 1, 2);
  if (!isUniversal(signature, asn1.Type.BITSTRING, false)) throw new UnexpectedAsn1('expected the signature');
  const fields = sequenceOf(tbs, 'tbsCertificate', 6);
  // [version,] serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const first = isContextSpecific(fields[0], 0) ? 1 : 0;
  const subjectPublicKeyInfo = fields[first + 5];
  sequenceOf(subjectPublicKeyInfo, 'subjectPublicKeyInfo', 2, 2);
  const explicitExtensions = fields.slice(first + 6).find((field) => isContextSpecific(field, 3));
  return {
    subjectPublicKeyInfo: subjectPublicKeyInfo as Asn1,
    extensions: explicitExtensions === undefined ? new Map() : readExtensions(explicitExtensions),
  };
}

/** Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function readExtensions(explicitExtensions: Asn1): Map<string, Uint8Array> {
  const [list] = contextSpecificOf(explicitExtensions, 3, 'extensions');
  const byOid = new Map<string, Uint8Array>();
  for (const extension of sequenceOf(list, 'extensions', 1)) {
    const fields = sequenceOf(extension, 'extension', 2, 3);
    const id = oidOf(fields[0], 'extension OID');
    if (byOid.has(id)) throw new UnexpectedAsn1('duplicate extension');
    byOid.set(id, octetsOf(fields[fields.length - 1], 'extnValue'));
  }
  return byOid;
}

/** The public key's algorithm OID. */
export function publicKeyAlgorithm(subjectPublicKeyInfo: Asn1): string {
  const [algorithm] = sequenceOf(subjectPublicKeyInfo, 'subjectPublicKeyInfo', 2, 2);
  return oidOf(sequenceOf(algorithm, 'public key algorithm', 1, 2)[0], 'public key algorithm');
}

/** Whether basicConstraints says cA: a CA's certificate rather than a customer's. */
export function isCaCertificate(structure: CertificateStructure): boolean {
  const value = structure.extensions.get(OID.basicConstraints);
  if (value === undefined) return false;
  const [cA] = sequenceOf(parseDer(value), 'basicConstraints', 0, 2);
  return isUniversal(cA, asn1.Type.BOOLEAN, false) && cA.value !== '\x00';
}
