/**
 * The request the device sends the CA: a PKCS#10 CertificationRequest (RFC 2986), signed with the
 * new private key itself as proof of possession. The subject is left empty: the CA names the
 * customer from what the bank registered.
 *
 *   CertificationRequest     ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject Name, subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute }
 */
import { algorithmIdentifier, bitString, contextSpecific, integer, parseDer, seq, toDer } from '../certificates/npki/der';
import { OID } from '../certificates/npki/oids';
import { type DeviceKeyPair, publicKeyInfo, signWith } from './deviceKeys';

export async function buildCertificationRequest(keyPair: DeviceKeyPair): Promise<Uint8Array> {
  const info = toDer(seq([integer(0), seq([]), parseDer(await publicKeyInfo(keyPair)), contextSpecific(0, [])]));
  const signature = await signWith(keyPair.privateKey, info);
  return toDer(seq([parseDer(info), algorithmIdentifier(OID.sha256WithRsa, null), bitString(signature)]));
}
