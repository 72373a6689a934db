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
import forge from 'node-forge';
import { constantTimeEqual } from './bytes';
import { CertificateError, assertFileSize } from './certificateError';
import {
  type Asn1,
  algorithmIdentifier,
  bitString,
  contextSpecific,
  contextSpecificOf,
  isContextSpecific,
  isUniversal,
  octetString,
  octetsOf,
  oidNode,
  oidOf,
  parseDer,
  seq,
  sequenceOf,
  toDer,
  UnexpectedAsn1,
  utf8String,
} from './der';
import { decodeAttributeValue } from './distinguishedName';
import { OID } from './oids';
import { digest, type HashName } from './webCrypto';
import { readCertificateStructure } from './x509Structure';

const { asn1 } = forge;

export type VidHashAlgorithm = 'sha256' | 'sha1';

export interface IdentifyData {
  realName: string;
  hashAlgorithm: VidHashAlgorithm;
  virtualId: Uint8Array;
}

const HASHES: Readonly<Record<VidHashAlgorithm, { oid: string; webCrypto: HashName; bytes: number }>> = {
  sha256: { oid: OID.sha256, webCrypto: 'SHA-256', bytes: 32 },
  sha1: { oid: OID.sha1, webCrypto: 'SHA-1', bytes: 20 },
};

// ---------------------------------------------------------------------------------------------
// computing the VID

function assertIdn(idn: string): void {
  // The message must not echo the value.
  if (!/^[0-9]{13}$/.test(idn)) throw new Error('idn must be exactly 13 ASCII digits with no hyphen');
}

function assertRandomNum(randomNum: Uint8Array): void {
  if (randomNum.length === 0) throw new Error('randomNum must not be empty');
}

/** DER(SEQUENCE { PrintableString idn, BIT STRING 00 || R }). */
function hashContentDer(idn: string, randomNum: Uint8Array): Uint8Array {
  return toDer(seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, idn), bitString(randomNum)]));
}

/**
 * The virtual ID of a 주민등록번호 (13 digits, no hyphen) and a random value R:
 * H(H(DER(SEQUENCE { PrintableString idn, BIT STRING 00||R }))).
 * Rejects with a plain Error (a programming error) when idn is not 13 digits or R is empty.
 */
export async function computeVirtualId(idn: string, randomNum: Uint8Array, hash: VidHashAlgorithm): Promise<Uint8Array> {
  assertIdn(idn);
  assertRandomNum(randomNum);
  const { webCrypto } = HASHES[hash];
  return digest(webCrypto, await digest(webCrypto, hashContentDer(idn, randomNum)));
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
export async function identifyDataExtension(
  realName: string,
  idn: string,
  randomNum: Uint8Array,
  hash: VidHashAlgorithm = 'sha256',
): Promise<{ name: 'subjectAltName'; value: Asn1 }> {
  const virtualId = await computeVirtualId(idn, randomNum, hash);
  const identifyData = seq([
    utf8String(realName),
    seq([seq([oidNode(OID.npkiVid), seq([algorithmIdentifier(HASHES[hash].oid), contextSpecific(0, [octetString(virtualId)])])])]),
  ]);
  const generalNames = seq([contextSpecific(0, [oidNode(OID.npkiIdentifyData), contextSpecific(0, [identifyData])])]);
  return { name: 'subjectAltName', value: generalNames };
}

// ---------------------------------------------------------------------------------------------
// reading it back

function hashAlgorithmOf(algorithmIdentifier: Asn1 | undefined): VidHashAlgorithm | undefined {
  // Parameters: absent (as the CAs write it) or NULL (as some libraries write it).
  const [algorithm, parameters] = sequenceOf(algorithmIdentifier, 'AlgorithmIdentifier', 1, 2);
  if (parameters !== undefined && !(isUniversal(parameters, asn1.Type.NULL, false) && parameters.value === '')) {
    throw new UnexpectedAsn1('unexpected hash parameters');
  }
  const dotted = oidOf(algorithm, 'hash algorithm');
  return (Object.keys(HASHES) as VidHashAlgorithm[]).find((name) => HASHES[name].oid === dotted);
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

/** The npkiIdentifyData otherName among GeneralNames, if there is one. */
function identifyDataName(names: Asn1[]): Asn1 | undefined {
  return names.find((name) => {
    if (!isContextSpecific(name, 0)) return false;
    const typeId = (name.value as Asn1[])[0];
    return isUniversal(typeId, asn1.Type.OID) && typeof typeId.value === 'string' && asn1.derToOid(typeId.value) === OID.npkiIdentifyData;
  });
}

/** IdentifyData ::= SEQUENCE { realName, userInfo SEQUENCE OF VID OPTIONAL }: the name and the first VID of ours. */
function readIdentifyDataValue(otherName: Asn1): {
  realName: string;
  vid?: { hashAlgorithm: VidHashAlgorithm | undefined; virtualId: Uint8Array };
} {
  const [, explicitValue, ...extra] = contextSpecificOf(otherName, 0, 'otherName');
  if (extra.length > 0) throw new UnexpectedAsn1('otherName with extra fields');
  const [identifyData, ...extraValue] = contextSpecificOf(explicitValue, 0, 'otherName value');
  if (extraValue.length > 0) throw new UnexpectedAsn1('otherName value with extra fields');
  const [realNameNode, userInfo] = sequenceOf(identifyData, 'IdentifyData', 1);
  if (
    !realNameNode ||
    realNameNode.tagClass !== asn1.Class.UNIVERSAL ||
    !STRING_TYPES.has(realNameNode.type) ||
    typeof realNameNode.value !== 'string'
  ) {
    throw new UnexpectedAsn1('realName is not a string');
  }
  const realName = decodeAttributeValue(realNameNode.value, realNameNode.type);
  for (const entry of userInfo === undefined ? [] : sequenceOf(userInfo, 'userInfo')) {
    const [vidType, vidValue] = sequenceOf(entry, 'VID', 1);
    if (oidOf(vidType, 'vidType') !== OID.npkiVid) continue; // e.g. an EncryptedVID: not ours to read
    const [hashAlg, explicitId] = sequenceOf(vidValue, 'vidValue', 2);
    const [octets] = contextSpecificOf(explicitId, 0, 'virtualID');
    return { realName, vid: { hashAlgorithm: hashAlgorithmOf(hashAlg), virtualId: octetsOf(octets, 'virtualID') } };
  }
  return { realName };
}

/**
 * Reads npkiIdentifyData from a subjectAltName extnValue (the DER inside the extension's OCTET
 * STRING, as bytes or as node-forge's binary string). Returns undefined when there is no
 * npkiIdentifyData otherName or it has no VID; throws a CertificateError ('corruptFile') when it is
 * malformed and ('unsupportedFile') when the VID's hash algorithm is neither SHA-256 nor SHA-1.
 */
export function identifyDataFromSubjectAltName(extnValue: Uint8Array | string): IdentifyData | undefined {
  let otherName: Asn1 | undefined;
  try {
    otherName = identifyDataName(sequenceOf(parseDer(extnValue), 'GeneralNames'));
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'malformed subjectAltName');
  }
  if (!otherName) return undefined;

  let read: ReturnType<typeof readIdentifyDataValue>;
  try {
    read = readIdentifyDataValue(otherName);
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'malformed npkiIdentifyData');
  }
  const { realName, vid } = read;
  if (!vid) return undefined;
  if (!vid.hashAlgorithm) throw new CertificateError('unsupportedFile', 'certificate', 'VID hash algorithm');
  if (vid.virtualId.length !== HASHES[vid.hashAlgorithm].bytes) {
    throw new CertificateError('corruptFile', 'certificate', 'VID of the wrong length');
  }
  return { realName, hashAlgorithm: vid.hashAlgorithm, virtualId: vid.virtualId };
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
  let subjectAltName: Uint8Array | undefined;
  try {
    subjectAltName = readCertificateStructure(parseDer(der)).extensions.get(OID.subjectAltName);
  } catch {
    throw new CertificateError('corruptFile', 'certificate', 'not a DER X.509 certificate');
  }
  return subjectAltName === undefined ? undefined : identifyDataFromSubjectAltName(subjectAltName);
}

/**
 * Whether the certificate's VID is that of this 주민등록번호 and R. False when the certificate
 * carries no VID. Compared in constant time. Rejects like `readIdentifyData` for a bad
 * certificate, and with a plain Error (programming error) when idn is not 13 digits.
 */
export async function verifyVirtualId(certificateDer: Uint8Array, idn: string, randomNum: Uint8Array): Promise<boolean> {
  assertIdn(idn);
  assertRandomNum(randomNum);
  const identifyData = readIdentifyData(certificateDer);
  if (!identifyData) return false;
  const expected = await computeVirtualId(idn, randomNum, identifyData.hashAlgorithm);
  return constantTimeEqual(expected, identifyData.virtualId);
}
