/**
 * Identity binding of Korean personal certificates (KISA KCAC.TS.SIVID, "VID").
 *
 * A personal certificate carries, in subjectAltName, an otherName npkiIdentifyData with the
 * holder's real name and a virtual ID:
 *
 *   virtualID = H(H(DER(SEQUENCE { idn PrintableString, randomNum BIT STRING })))
 *
 * where idn is the 주민등록번호 (13 digits, no hyphen) and randomNum the random value R kept in
 * the private key's attributes. With R (from the decrypted key) and the customer's verified
 * 주민등록번호 the certificate can be proven to be theirs.
 *
 * The 주민등록번호 is never logged, stored or put into an error message here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import forge from 'node-forge';
import { CertificateError, assertFileSize } from './certificateError';
import { type Asn1, algorithmIdentifier, bitString, contextSpecific, isUniversal, octetString, oidNode, parseDer, seq, toDerBuffer, utf8String } from './der';
import { decodeAttributeValue } from './distinguishedName';

const { asn1 } = forge;

export type VidHashAlgorithm = 'sha256' | 'sha1';

export interface IdentifyData {
  realName: string;
  hashAlgorithm: VidHashAlgorithm;
  virtualId: Buffer;
}

export const OID = {
  /** id-kisa-identifyData / npkiIdentifyData, the otherName type-id. */
  identifyData: '1.2.410.200004.10.1.1',
  /** id-VID, the vidType of a virtual ID in userInfo. */
  vid: '1.2.410.200004.10.1.1.1',
  subjectAltName: '2.5.29.17',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha1: '1.3.14.3.2.26',
} as const;

const HASH_OIDS: Readonly<Record<VidHashAlgorithm, string>> = { sha256: OID.sha256, sha1: OID.sha1 };

// ---------------------------------------------------------------------------------------------
// computing the VID

function assertIdn(idn: string): void {
  // The message must not echo the value.
  if (!/^[0-9]{13}$/.test(idn)) throw new Error('idn must be exactly 13 ASCII digits with no hyphen');
}

function assertRandomNum(randomNum: Buffer): void {
  if (!Buffer.isBuffer(randomNum) || randomNum.length === 0) throw new Error('randomNum must be a non-empty Buffer');
}

/** DER(SEQUENCE { PrintableString idn, BIT STRING 00 || R }). */
function hashContentDer(idn: string, randomNum: Buffer): Buffer {
  return toDerBuffer(seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, idn), bitString(randomNum)]));
}

/**
 * The virtual ID of a 주민등록번호 (13 digits, no hyphen) and a random value R:
 * H(H(DER(SEQUENCE { PrintableString idn, BIT STRING 00||R }))).
 * Throws a plain Error (a programming error) when idn is not 13 digits or R is empty.
 */
export function computeVirtualId(idn: string, randomNum: Buffer, hash: VidHashAlgorithm): Buffer {
  assertIdn(idn);
  assertRandomNum(randomNum);
  const once = createHash(hash).update(hashContentDer(idn, randomNum)).digest();
  return createHash(hash).update(once).digest();
}

// ---------------------------------------------------------------------------------------------
// writing the subjectAltName extension

/**
 * The subjectAltName extension (for node-forge's `cert.setExtensions`) carrying the otherName
 * npkiIdentifyData:
 *
 *   SEQUENCE {                                                   -- GeneralNames
 *     [0] IMPLICIT {                                             -- otherName (constructed)
 *       OID 1.2.410.200004.10.1.1,
 *       [0] EXPLICIT SEQUENCE {                                  -- IdentifyData
 *         UTF8String realName,
 *         SEQUENCE OF SEQUENCE {                                 -- userInfo: one VID
 *           OID 1.2.410.200004.10.1.1.1,
 *           SEQUENCE { AlgorithmIdentifier { hashAlg }  -- no NULL parameters
 *                      [0] EXPLICIT OCTET STRING virtualID } } } } }
 *
 * Not critical. (forge's own `altNames: [{ type: 0 }]` writes a primitive [0] and cannot be used.)
 */
export function identifyDataExtension(
  realName: string,
  idn: string,
  randomNum: Buffer,
  hash: VidHashAlgorithm = 'sha256',
): { name: 'subjectAltName'; value: Asn1 } {
  const virtualId = computeVirtualId(idn, randomNum, hash);
  const identifyData = seq([
    utf8String(realName),
    seq([seq([oidNode(OID.vid), seq([algorithmIdentifier(HASH_OIDS[hash]), contextSpecific(0, [octetString(virtualId)])])])]),
  ]);
  const generalNames = seq([contextSpecific(0, [oidNode(OID.identifyData), contextSpecific(0, [identifyData])])]);
  return { name: 'subjectAltName', value: generalNames };
}

// ---------------------------------------------------------------------------------------------
// reading it back

function children(node: Asn1 | undefined): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value');
  return node.value;
}

function primitive(node: Asn1 | undefined): string {
  if (!node || typeof node.value !== 'string') throw new Error('expected a primitive ASN.1 value');
  return node.value;
}

function isContext(node: Asn1 | undefined, tag: number): node is Asn1 {
  return node !== undefined && node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === tag && node.constructed;
}

function readOid(node: Asn1 | undefined): string {
  if (!isUniversal(node, asn1.Type.OID)) throw new Error('expected an OBJECT IDENTIFIER');
  return asn1.derToOid(primitive(node));
}

function hashAlgorithmOf(algorithmIdentifier: Asn1 | undefined): VidHashAlgorithm | undefined {
  if (!isUniversal(algorithmIdentifier, asn1.Type.SEQUENCE)) throw new Error('expected an AlgorithmIdentifier');
  const [algorithm, parameters, ...rest] = children(algorithmIdentifier);
  // Parameters: absent (as the CAs write it) or NULL (as some libraries write it).
  if (rest.length > 0) throw new Error('AlgorithmIdentifier with extra fields');
  if (parameters !== undefined && !(isUniversal(parameters, asn1.Type.NULL) && primitive(parameters) === '')) {
    throw new Error('unexpected hash parameters');
  }
  const dotted = readOid(algorithm);
  if (dotted === OID.sha256) return 'sha256';
  if (dotted === OID.sha1) return 'sha1';
  return undefined;
}

/** UTF8String as specified; the other directory string types are tolerated. */
const STRING_TYPES: ReadonlySet<number> = new Set([
  asn1.Type.UTF8,
  asn1.Type.PRINTABLESTRING,
  20, // T61String
  asn1.Type.IA5STRING,
  asn1.Type.BMPSTRING,
  28, // UniversalString
]);

/**
 * Reads npkiIdentifyData from a parsed GeneralNames (the subjectAltName extnValue).
 * Returns undefined when there is no npkiIdentifyData otherName or it has no VID; throws a
 * CertificateError ('corruptFile') when it is malformed and ('unsupportedFile') when the
 * VID's hash algorithm is neither SHA-256 nor SHA-1.
 */
function identifyDataFromGeneralNames(generalNames: Asn1): IdentifyData | undefined {
  let names: Asn1[];
  try {
    if (!isUniversal(generalNames, asn1.Type.SEQUENCE)) throw new Error('GeneralNames is not a SEQUENCE');
    names = children(generalNames);
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'malformed subjectAltName');
  }
  const otherName = names.find((name) => {
    if (!isContext(name, 0)) return false;
    const typeId = Array.isArray(name.value) ? name.value[0] : undefined;
    return isUniversal(typeId, asn1.Type.OID) && typeof typeId.value === 'string' && asn1.derToOid(typeId.value) === OID.identifyData;
  });
  if (!otherName) return undefined;

  let realName: string;
  let vid: { hashAlgorithm: VidHashAlgorithm | undefined; virtualId: Buffer } | undefined;
  try {
    const [, explicitValue, ...extra] = children(otherName);
    if (extra.length > 0 || !isContext(explicitValue, 0)) throw new Error('otherName value is not [0] EXPLICIT');
    const [identifyData, ...extraValue] = children(explicitValue);
    if (extraValue.length > 0 || !isUniversal(identifyData, asn1.Type.SEQUENCE)) throw new Error('IdentifyData is not a SEQUENCE');
    const [realNameNode, userInfo] = children(identifyData);
    if (!realNameNode || realNameNode.tagClass !== asn1.Class.UNIVERSAL || !STRING_TYPES.has(realNameNode.type)) {
      throw new Error('realName is not a string');
    }
    realName = decodeAttributeValue(primitive(realNameNode), realNameNode.type);
    if (userInfo !== undefined) {
      if (!isUniversal(userInfo, asn1.Type.SEQUENCE)) throw new Error('userInfo is not a SEQUENCE');
      for (const entry of children(userInfo)) {
        if (!isUniversal(entry, asn1.Type.SEQUENCE)) throw new Error('VID is not a SEQUENCE');
        const [vidType, vidValue] = children(entry);
        if (readOid(vidType) !== OID.vid) continue; // e.g. an EncryptedVID: not ours to read
        if (!isUniversal(vidValue, asn1.Type.SEQUENCE)) throw new Error('vidValue is not a SEQUENCE');
        const [hashAlg, explicitId] = children(vidValue);
        if (!isContext(explicitId, 0)) throw new Error('virtualID is not [0] EXPLICIT');
        const [octets] = children(explicitId);
        if (!isUniversal(octets, asn1.Type.OCTETSTRING)) throw new Error('virtualID is not an OCTET STRING');
        vid = { hashAlgorithm: hashAlgorithmOf(hashAlg), virtualId: Buffer.from(primitive(octets), 'latin1') };
        break;
      }
    }
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'malformed npkiIdentifyData');
  }
  if (!vid) return undefined;
  if (!vid.hashAlgorithm) throw new CertificateError('unsupportedFile', 'certificate', 'VID hash algorithm');
  const expectedLength = vid.hashAlgorithm === 'sha256' ? 32 : 20;
  if (vid.virtualId.length !== expectedLength) {
    throw new CertificateError('corruptFile', 'certificate', 'VID of the wrong length');
  }
  return { realName, hashAlgorithm: vid.hashAlgorithm, virtualId: vid.virtualId };
}

/**
 * Reads npkiIdentifyData from a subjectAltName extnValue (the DER inside the extension's
 * OCTET STRING, as a binary string — what node-forge puts in `ext.value` when parsing).
 * Same outcomes as `readIdentifyData`.
 */
export function identifyDataFromSubjectAltName(extnValue: string): IdentifyData | undefined {
  let generalNames: Asn1;
  try {
    generalNames = parseDer(extnValue);
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'malformed subjectAltName');
  }
  return identifyDataFromGeneralNames(generalNames);
}

/** The extnValue of the subjectAltName extension of a DER certificate, if it has one. */
function subjectAltNameOf(der: Uint8Array): string | undefined {
  let extensions: Asn1[] = [];
  try {
    const certificate = parseDer(der);
    if (!isUniversal(certificate, asn1.Type.SEQUENCE)) throw new Error('not a SEQUENCE');
    const [tbs, signatureAlgorithm, signature] = children(certificate);
    if (!isUniversal(tbs, asn1.Type.SEQUENCE) || !isUniversal(signatureAlgorithm, asn1.Type.SEQUENCE)) {
      throw new Error('not a certificate');
    }
    if (!isUniversal(signature, asn1.Type.BITSTRING)) throw new Error('not a certificate');
    const explicitExtensions = children(tbs).find((node) => isContext(node, 3));
    if (explicitExtensions) {
      const [list] = children(explicitExtensions);
      if (!isUniversal(list, asn1.Type.SEQUENCE)) throw new Error('extensions are not a SEQUENCE');
      extensions = children(list);
    }
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'not a DER X.509 certificate');
  }
  for (const extension of extensions) {
    try {
      const fields = children(extension);
      if (readOid(fields[0]) !== OID.subjectAltName) continue;
      const extnValue = fields[fields.length - 1];
      if (!isUniversal(extnValue, asn1.Type.OCTETSTRING)) throw new Error('extnValue is not an OCTET STRING');
      return primitive(extnValue);
    } catch {
      throw new CertificateError('corruptFile', 'certificate', 'malformed extension');
    }
  }
  return undefined;
}

/**
 * The real name and virtual ID in a DER certificate's npkiIdentifyData; undefined when the
 * certificate has none (or a real name but no VID). A certificate that does not parse, or a
 * malformed npkiIdentifyData, throws CertificateError('corruptFile', 'certificate'); a VID hashed
 * with anything but SHA-256/SHA-1 throws CertificateError('unsupportedFile', 'certificate').
 * The hash AlgorithmIdentifier is accepted with or without NULL parameters.
 */
export function readIdentifyData(der: Uint8Array): IdentifyData | undefined {
  assertFileSize(der, 'certificate');
  const san = subjectAltNameOf(der);
  return san === undefined ? undefined : identifyDataFromSubjectAltName(san);
}

/**
 * Whether the certificate's VID is that of this 주민등록번호 and R. False when the certificate
 * carries no VID. Compared in constant time. Throws like `readIdentifyData` for a bad
 * certificate, and a plain Error (programming error) when idn is not 13 digits.
 */
export function verifyVirtualId(certificateDer: Uint8Array, idn: string, randomNum: Buffer): boolean {
  assertIdn(idn);
  assertRandomNum(randomNum);
  const identifyData = readIdentifyData(certificateDer);
  if (!identifyData) return false;
  const expected = computeVirtualId(idn, randomNum, identifyData.hashAlgorithm);
  if (expected.length !== identifyData.virtualId.length) return false;
  return timingSafeEqual(expected, identifyData.virtualId);
}
