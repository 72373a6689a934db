/**
 * Reading a customer's signCert.der: who it belongs to, who issued it, for what, until when.
 *
 * node-forge parses the X.509 structure; what forge leaves raw (DN strings, keyUsage bits,
 * certificatePolicies, the npkiIdentifyData otherName) is decoded here. Anything that does not
 * parse is a CertificateError('corruptFile', 'certificate'); no other error escapes.
 */
import { createHash, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import { CertificateError, assertFileSize } from './certificateError';
import { lookupPolicy, type PolicyInfo } from './certificatePolicies';
import { type Asn1, isUniversal, parseDer, toDerBuffer } from './der';
import { DN_OID, dnToNpkiString, findAttribute, maskName, realNameFromCommonName } from './distinguishedName';
import { identifyDataFromSubjectAltName, type VidHashAlgorithm } from './virtualId';

const { asn1 } = forge;

export interface CertificateSummary {
  /** NPKI text form, leaf first: `cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr`. */
  subjectDn: string;
  commonName: string;
  /** The name part of the CN (`홍길동`). */
  realName: string;
  /** `홍*동`, for showing in chat. */
  maskedName: string;
  issuerDn: string;
  issuerCommonName: string;
  issuerOrganization?: string;
  /** Lower-case hex of the serial's magnitude, no leading zero bytes (as `openssl x509 -serial`, lower-cased). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Names of the keyUsage bits set (RFC 5280 names), in bit order; empty when the extension is absent. */
  keyUsage: KeyUsageName[];
  /** Lower-case hex SHA-256 of the DER, no separators. */
  fingerprintSha256: string;
  /** The certificate's policy: the first policyIdentifier that is in the table, else the first one. */
  policyOid?: string;
  /** What the policy means; undefined when the OID is unknown (or there is no policy). */
  policy?: PolicyInfo;
  /** Present when the certificate carries an npkiIdentifyData VID. */
  virtualId?: { realName: string; hashAlgorithm: VidHashAlgorithm };
  /** The RSA public key, SPKI PEM. */
  publicKeyPem: string;
}

export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

const OIDS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  keyUsage: '2.5.29.15',
  certificatePolicies: '2.5.29.32',
  subjectAltName: '2.5.29.17',
} as const;

/** A parse failure at a named stage; turned into CertificateError('corruptFile') at the boundary. */
class Malformed extends Error {}

function childrenOf(node: Asn1 | undefined, what: string): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Malformed(what);
  return node.value;
}

function oidOf(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, asn1.Type.OID) || typeof node.value !== 'string') throw new Malformed(what);
  return asn1.derToOid(node.value);
}

/** The SubjectPublicKeyInfo node of a parsed certificate, checking the outer X.509 shape. */
function subjectPublicKeyInfoOf(certificate: Asn1): Asn1 {
  if (!isUniversal(certificate, asn1.Type.SEQUENCE)) throw new Malformed('not a SEQUENCE');
  const [tbs, signatureAlgorithm, signature, ...rest] = childrenOf(certificate, 'certificate');
  if (rest.length > 0 || !isUniversal(tbs, asn1.Type.SEQUENCE) || !isUniversal(signatureAlgorithm, asn1.Type.SEQUENCE)) {
    throw new Malformed('not a certificate');
  }
  if (!isUniversal(signature, asn1.Type.BITSTRING)) throw new Malformed('not a certificate');
  const fields = childrenOf(tbs, 'tbsCertificate');
  const first = fields[0];
  const hasVersion = first !== undefined && first.tagClass === asn1.Class.CONTEXT_SPECIFIC && first.type === 0;
  // [version,] serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const spki = fields[hasVersion ? 6 : 5];
  if (!isUniversal(spki, asn1.Type.SEQUENCE)) throw new Malformed('subjectPublicKeyInfo');
  return spki;
}

function publicKeyAlgorithmOf(spki: Asn1): string {
  const [algorithm] = childrenOf(spki, 'subjectPublicKeyInfo');
  if (!isUniversal(algorithm, asn1.Type.SEQUENCE)) throw new Malformed('subjectPublicKeyInfo');
  return oidOf(childrenOf(algorithm, 'algorithm')[0], 'public key algorithm');
}

/** keyUsage ::= BIT STRING; bit 0 is the most significant bit of the first content byte. */
function parseKeyUsage(extnValue: string): KeyUsageName[] {
  const node = parseDer(extnValue);
  if (!isUniversal(node, asn1.Type.BITSTRING) || typeof node.value !== 'string') throw new Malformed('keyUsage');
  const bytes = Buffer.from(node.value, 'latin1');
  const unusedBits = bytes[0];
  if (unusedBits === undefined || unusedBits > 7 || (bytes.length === 1 && unusedBits !== 0)) {
    throw new Malformed('keyUsage');
  }
  return KEY_USAGE_NAMES.filter((_, bit) => {
    const byte = bytes[1 + (bit >> 3)];
    return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
  });
}

/** certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { policyIdentifier, qualifiers OPTIONAL }. */
function parsePolicyOids(extnValue: string): string[] {
  const node = parseDer(extnValue);
  if (!isUniversal(node, asn1.Type.SEQUENCE)) throw new Malformed('certificatePolicies');
  const policies = childrenOf(node, 'certificatePolicies');
  if (policies.length === 0) throw new Malformed('certificatePolicies');
  return policies.map((information) => {
    if (!isUniversal(information, asn1.Type.SEQUENCE)) throw new Malformed('policyInformation');
    const [identifier, qualifiers, ...rest] = childrenOf(information, 'policyInformation');
    if (rest.length > 0 || (qualifiers !== undefined && !isUniversal(qualifiers, asn1.Type.SEQUENCE))) {
      throw new Malformed('policyInformation');
    }
    return oidOf(identifier, 'policyIdentifier');
  });
}

/** Hex of the serial's magnitude without the DER sign byte(s), as OpenSSL prints it. */
function normalizeSerial(hex: string): string {
  let serial = hex.toLowerCase();
  while (serial.length > 2 && serial.startsWith('00')) serial = serial.slice(2);
  return serial;
}

function validDate(date: unknown, what: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new Malformed(what);
  return date;
}

interface ForgeExtension {
  id?: string;
  value?: unknown;
}

function extensionValues(cert: forge.pki.Certificate): Map<string, string> {
  const byOid = new Map<string, string>();
  for (const extension of cert.extensions as ForgeExtension[]) {
    if (typeof extension.id !== 'string' || typeof extension.value !== 'string') throw new Malformed('extension');
    if (byOid.has(extension.id)) throw new Malformed('duplicate extension');
    byOid.set(extension.id, extension.value);
  }
  return byOid;
}

function inspect(der: Uint8Array): CertificateSummary {
  let root: Asn1;
  try {
    // forge's certificate reader needs the BIT STRINGs decoded, to find the RSA key inside.
    root = parseDer(der, { decodeBitStrings: true });
  } catch {
    throw new Malformed('not DER');
  }
  const spki = subjectPublicKeyInfoOf(root);
  const keyAlgorithm = publicKeyAlgorithmOf(spki);
  if (keyAlgorithm !== OIDS.rsaEncryption) {
    throw new CertificateError('unsupportedFile', 'certificate', `public key algorithm ${keyAlgorithm}`);
  }

  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromAsn1(root);
  } catch {
    throw new Malformed('not an X.509 certificate');
  }

  let publicKeyPem: string;
  try {
    const key = createPublicKey({ key: toDerBuffer(spki), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'rsa') throw new Malformed('public key');
    publicKeyPem = key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new Malformed('public key');
  }

  const extensions = extensionValues(cert);
  const keyUsageValue = extensions.get(OIDS.keyUsage);
  const policiesValue = extensions.get(OIDS.certificatePolicies);
  const sanValue = extensions.get(OIDS.subjectAltName);

  const policyOids = policiesValue === undefined ? [] : parsePolicyOids(policiesValue);
  const policyOid = policyOids.find((oid) => lookupPolicy(oid) !== undefined) ?? policyOids[0];
  const policy = policyOid === undefined ? undefined : lookupPolicy(policyOid);
  const identifyData = sanValue === undefined ? undefined : identifyDataFromSubjectAltName(sanValue);

  const commonName = findAttribute(cert.subject.attributes, DN_OID.commonName) ?? '';
  const realName = realNameFromCommonName(commonName);
  const issuerOrganization = findAttribute(cert.issuer.attributes, DN_OID.organizationName);

  return {
    subjectDn: dnToNpkiString(cert.subject.attributes),
    commonName,
    realName,
    maskedName: maskName(realName),
    issuerDn: dnToNpkiString(cert.issuer.attributes),
    issuerCommonName: findAttribute(cert.issuer.attributes, DN_OID.commonName) ?? '',
    ...(issuerOrganization !== undefined && { issuerOrganization }),
    serialNumber: normalizeSerial(cert.serialNumber),
    notBefore: validDate(cert.validity.notBefore, 'notBefore'),
    notAfter: validDate(cert.validity.notAfter, 'notAfter'),
    keyUsage: keyUsageValue === undefined ? [] : parseKeyUsage(keyUsageValue),
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    ...(policyOid !== undefined && { policyOid }),
    ...(policy && { policy }),
    ...(identifyData && { virtualId: { realName: identifyData.realName, hashAlgorithm: identifyData.hashAlgorithm } }),
    publicKeyPem,
  };
}

/**
 * Summarises a DER X.509 certificate (signCert.der). Throws CertificateError with file
 * 'certificate': 'fileTooLarge' over 64 KB, 'unsupportedFile' for a non-RSA key (or a VID hashed
 * with an unknown algorithm), 'corruptFile' for anything that does not parse (random bytes,
 * truncated DER, PEM text, a key file, hostile nesting, an empty file).
 */
export function inspectCertificate(der: Uint8Array): CertificateSummary {
  assertFileSize(der, 'certificate');
  try {
    return inspect(der);
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    const stage = error instanceof Malformed ? error.message : 'unparseable';
    throw new CertificateError('corruptFile', 'certificate', stage);
  }
}
