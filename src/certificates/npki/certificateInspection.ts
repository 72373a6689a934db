/**
 * Reading a customer's signCert.der: who it belongs to, who issued it, for what, until when.
 *
 * node-forge parses the X.509 structure; what forge leaves raw (DN strings, keyUsage bits,
 * certificatePolicies, the npkiIdentifyData otherName) is decoded here. Anything that does not
 * parse is a CertificateError('corruptFile', 'certificate'); no other error escapes.
 */
import forge from 'node-forge';
import { base64Of, hexOf } from './bytes';
import { CertificateError, assertFileSize } from './certificateError';
import { lookupPolicy, type PolicyInfo } from './certificatePolicies';
import { type Asn1, isUniversal, oidOf, parseDer, primitiveBytes, sequenceOf, toDer, UnexpectedAsn1, unsignedIntegerBytes } from './der';
import { dnToNpkiString, findAttribute, maskName, realNameFromCommonName } from './distinguishedName';
import { OID } from './oids';
import { identifyDataFromSubjectAltName, type VidHashAlgorithm } from './virtualId';
import { digest } from './webCrypto';
import { publicKeyAlgorithm, readCertificateStructure } from './x509Structure';

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

/** keyUsage ::= BIT STRING; bit 0 is the most significant bit of the first content byte. */
function parseKeyUsage(extnValue: Uint8Array): KeyUsageName[] {
  const node = parseDer(extnValue);
  if (!isUniversal(node, asn1.Type.BITSTRING, false)) throw new UnexpectedAsn1('keyUsage');
  const bytes = primitiveBytes(node, 'keyUsage');
  const unusedBits = bytes[0];
  if (unusedBits === undefined || unusedBits > 7 || (bytes.length === 1 && unusedBits !== 0)) {
    throw new UnexpectedAsn1('keyUsage');
  }
  return KEY_USAGE_NAMES.filter((_, bit) => {
    const byte = bytes[1 + (bit >> 3)];
    return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
  });
}

/** certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { policyIdentifier, qualifiers OPTIONAL }. */
function parsePolicyOids(extnValue: Uint8Array): string[] {
  return sequenceOf(parseDer(extnValue), 'certificatePolicies', 1).map((information) => {
    const [identifier, qualifiers] = sequenceOf(information, 'policyInformation', 1, 2);
    if (qualifiers !== undefined) sequenceOf(qualifiers, 'policyQualifiers');
    return oidOf(identifier, 'policyIdentifier');
  });
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, inside the key's BIT STRING; the SPKI as PEM. */
function rsaPublicKeyPem(subjectPublicKeyInfo: Asn1): string {
  const [, bits] = sequenceOf(subjectPublicKeyInfo, 'subjectPublicKeyInfo', 2, 2);
  const contents = isUniversal(bits, asn1.Type.BITSTRING, false) ? primitiveBytes(bits, 'public key') : new Uint8Array(0);
  if (contents[0] !== 0) throw new UnexpectedAsn1('public key');
  const [modulus, exponent] = sequenceOf(parseDer(contents.subarray(1)), 'RSAPublicKey', 2, 2).map((field) =>
    unsignedIntegerBytes(field, 'RSAPublicKey'),
  );
  if (modulus?.length === 0 || exponent?.length === 0) throw new UnexpectedAsn1('public key');
  const lines = base64Of(toDer(subjectPublicKeyInfo)).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/** Hex of the serial's magnitude without the DER sign byte(s), as OpenSSL prints it. */
function normalizeSerial(hex: string): string {
  let serial = hex.toLowerCase();
  while (serial.length > 2 && serial.startsWith('00')) serial = serial.slice(2);
  return serial;
}

function validDate(date: unknown, what: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new UnexpectedAsn1(what);
  return date;
}

async function inspect(der: Uint8Array): Promise<CertificateSummary> {
  let root: Asn1;
  let decoded: Asn1;
  try {
    root = parseDer(der);
    // forge's certificate reader needs the BIT STRINGs decoded, to find the RSA key inside.
    decoded = parseDer(der, { decodeBitStrings: true });
  } catch {
    throw new UnexpectedAsn1('not DER');
  }
  const structure = readCertificateStructure(root);
  const keyAlgorithm = publicKeyAlgorithm(structure.subjectPublicKeyInfo);
  if (keyAlgorithm !== OID.rsaEncryption) {
    throw new CertificateError('unsupportedFile', 'certificate', `public key algorithm ${keyAlgorithm}`);
  }
  const publicKeyPem = rsaPublicKeyPem(structure.subjectPublicKeyInfo);

  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromAsn1(decoded);
  } catch {
    throw new UnexpectedAsn1('not an X.509 certificate');
  }

  const keyUsageValue = structure.extensions.get(OID.keyUsage);
  const policiesValue = structure.extensions.get(OID.certificatePolicies);
  const sanValue = structure.extensions.get(OID.subjectAltName);

  const policyOids = policiesValue === undefined ? [] : parsePolicyOids(policiesValue);
  const policyOid = policyOids.find((oid) => lookupPolicy(oid) !== undefined) ?? policyOids[0];
  const policy = policyOid === undefined ? undefined : lookupPolicy(policyOid);
  const identifyData = sanValue === undefined ? undefined : identifyDataFromSubjectAltName(sanValue);

  const commonName = findAttribute(cert.subject.attributes, OID.commonName) ?? '';
  const realName = realNameFromCommonName(commonName);
  const issuerOrganization = findAttribute(cert.issuer.attributes, OID.organizationName);

  return {
    subjectDn: dnToNpkiString(cert.subject.attributes),
    commonName,
    realName,
    maskedName: maskName(realName),
    issuerDn: dnToNpkiString(cert.issuer.attributes),
    issuerCommonName: findAttribute(cert.issuer.attributes, OID.commonName) ?? '',
    ...(issuerOrganization !== undefined && { issuerOrganization }),
    serialNumber: normalizeSerial(cert.serialNumber),
    notBefore: validDate(cert.validity.notBefore, 'notBefore'),
    notAfter: validDate(cert.validity.notAfter, 'notAfter'),
    keyUsage: keyUsageValue === undefined ? [] : parseKeyUsage(keyUsageValue),
    fingerprintSha256: hexOf(await digest('SHA-256', der)),
    ...(policyOid !== undefined && { policyOid }),
    ...(policy && { policy }),
    ...(identifyData && { virtualId: { realName: identifyData.realName, hashAlgorithm: identifyData.hashAlgorithm } }),
    publicKeyPem,
  };
}

/**
 * Summarises a DER X.509 certificate (signCert.der). Rejects with CertificateError with file
 * 'certificate': 'fileTooLarge' over 64 KB, 'unsupportedFile' for a non-RSA key (or a VID hashed
 * with an unknown algorithm), 'corruptFile' for anything that does not parse (random bytes,
 * truncated DER, PEM text, a key file, hostile nesting, an empty file).
 */
export async function inspectCertificate(der: Uint8Array): Promise<CertificateSummary> {
  assertFileSize(der, 'certificate');
  try {
    return await inspect(der);
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    const stage = error instanceof UnexpectedAsn1 ? error.message : 'unparseable';
    throw new CertificateError('corruptFile', 'certificate', stage);
  }
}
