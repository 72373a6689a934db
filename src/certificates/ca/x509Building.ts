import { KeyObject, X509Certificate, createHash, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import { bufferOf } from '../bufferOf';
import { contextSpecific, oidNode, parseDer, seq, set, toDer, utf8String } from '../npki/der';
import { OID } from '../npki/oids';

const { asn1 } = forge;

/** Public in node-forge, missing from its type definitions. */
const forgeInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

/** One RDN of a DN, in DER order (c first, cn last). `c` is a PrintableString, the rest UTF8String as NPKI does. */
export interface NameAttribute {
  readonly type: 'C' | 'O' | 'OU' | 'CN';
  readonly value: string;
}

const NAME_OIDS: Record<NameAttribute['type'], string> = {
  C: OID.countryName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  CN: OID.commonName,
};

export function nameToAsn1(attributes: readonly NameAttribute[]): forge.asn1.Asn1 {
  return seq(
    attributes.map(({ type, value }) =>
      set([
        seq([
          oidNode(NAME_OIDS[type]),
          type === 'C' ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, value) : utf8String(value),
        ]),
      ]),
    ),
  );
}

/** The subject Name of a certificate exactly as encoded, so an issuer field can match it byte for byte. */
export function subjectNameOf(certificateDer: Buffer): forge.asn1.Asn1 {
  const tbs = tbsFields(parseDer(certificateDer));
  const subject = tbs[5];
  if (subject === undefined) throw new Error('certificate has no subject');
  return subject;
}

/** TBSCertificate fields with the optional [0] version made explicit, so indexes are fixed. */
function tbsFields(certificate: forge.asn1.Asn1): forge.asn1.Asn1[] {
  const tbs = (certificate.value as forge.asn1.Asn1[])[0];
  const fields = tbs?.value as forge.asn1.Asn1[] | undefined;
  if (fields === undefined) throw new Error('not a certificate');
  return fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? fields : [contextSpecific(0, []), ...fields];
}

/** A positive 16-byte serial from a CSPRNG, as lower-case hex without leading zero bytes. */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01; // positive, and never a shorter encoding
  return bytes.toString('hex');
}

export function keyIdentifier(publicKey: KeyObject): Buffer {
  // RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents (the RSAPublicKey).
  const spki = parseDer(publicKey.export({ type: 'spki', format: 'der' }));
  const bitString = (spki.value as forge.asn1.Asn1[])[1]?.value as string;
  return createHash('sha1')
    .update(Buffer.from(bitString.slice(1), 'binary'))
    .digest();
}

export function toForgePublicKey(publicKey: KeyObject): forge.pki.PublicKey {
  return forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
}

export interface CertificateDraft {
  readonly serialNumber: string;
  readonly subject: readonly NameAttribute[];
  /** The issuer's own certificate; undefined for a self-signed root. */
  readonly issuerCertificate?: Buffer;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly object[];
}

/**
 * Builds the TBSCertificate with node-forge and signs it with Node's native RSA (sha256WithRSA):
 * forge's pure-JS signing is far slower, and its issuer handling re-encodes Korean names.
 */
export function signCertificate(draft: CertificateDraft, issuerKey: KeyObject): Buffer {
  const cert = forge.pki.createCertificate();
  cert.serialNumber = draft.serialNumber;
  cert.publicKey = toForgePublicKey(draft.publicKey);
  cert.validity.notBefore = draft.notBefore;
  cert.validity.notAfter = draft.notAfter;
  cert.setExtensions([...draft.extensions]);
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;

  const tbs = forgeInternals.getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  const subject = nameToAsn1(draft.subject);
  // [0] version, serial, signature, issuer, validity, subject: forge writes the names from
  // attributes; ours are placed as exact DER instead.
  fields[3] = draft.issuerCertificate === undefined ? subject : subjectNameOf(draft.issuerCertificate);
  fields[5] = subject;
  const tbsDer = toDer(tbs);
  (cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  cert.signature = sign('sha256', tbsDer, issuerKey).toString('binary');
  const der = bufferOf(toDer(forge.pki.certificateToAsn1(cert)));
  new X509Certificate(der); // fail here, not at a customer's, if we ever build something unparsable
  return der;
}
