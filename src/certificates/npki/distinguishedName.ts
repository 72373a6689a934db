/**
 * Distinguished names as NPKI shows them, and the customer's name inside them.
 *
 * node-forge hands DN attribute values over as *raw bytes* in a binary string (one char per
 * byte) for every ASN.1 string type except BMPString, which its ASN.1 parser decodes itself;
 * `decodeAttributeValue` turns them all into JS strings.
 */

import { bytesFromBinaryString } from './bytes';

/** The parts of a node-forge `CertificateField` we read. */
export interface DnAttribute {
  /** Dotted OID of the attribute type. */
  readonly type?: string;
  /** forge's short name (CN, OU, O, C, …) when it knows the OID. */
  readonly shortName?: string;
  /** Raw value bytes as a binary string, as forge parses them. */
  readonly value?: unknown;
  /** ASN.1 universal tag of the value (12 UTF8String, 19 PrintableString, 30 BMPString …). */
  readonly valueTagClass?: number;
}

const TAG = {
  UTF8: 12,
  NUMERIC: 18,
  PRINTABLE: 19,
  T61: 20,
  IA5: 22,
  VISIBLE: 26,
  UNIVERSAL: 28,
  BMP: 30,
} as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one DN attribute value as node-forge gives it to text: UTF8String from its raw UTF-8
 * bytes, UniversalString from UTF-32BE, BMPString as is (forge has already decoded its UTF-16BE),
 * and Printable/IA5/Visible/Numeric/T61 byte for byte (latin1).
 * Throws on malformed bytes (invalid UTF-8, bad UniversalString length) or a non-string value.
 */
export function decodeAttributeValue(value: unknown, tag: number | undefined): string {
  if (typeof value !== 'string') throw new Error('DN attribute value is not a primitive string');
  // No tag (0 is none of the string types) reads byte for byte, as the default does.
  switch (tag ?? 0) {
    case TAG.UTF8:
      return strictUtf8.decode(bytesFromBinaryString(value));
    case TAG.BMP:
      // forge's ASN.1 parser already decodes BMPString (UTF-16BE) into UTF-16 code units,
      // unlike every other string type, so the value is the text itself.
      return value;
    case TAG.UNIVERSAL: {
      const bytes = bytesFromBinaryString(value);
      if (bytes.length % 4 !== 0) throw new Error('UniversalString length not a multiple of 4');
      const view = new DataView(bytes.buffer);
      const codePoints: number[] = [];
      for (let i = 0; i < bytes.length; i += 4) codePoints.push(view.getUint32(i));
      return String.fromCodePoint(...codePoints);
    }
    default:
      // PrintableString, IA5String, VisibleString, NumericString, T61String and anything else:
      // one byte per character.
      return value;
  }
}

/** The attribute key as NPKI writes it: forge's short name in lower case, else the dotted OID. */
function attributeKey(attr: DnAttribute): string {
  if (attr.shortName) return attr.shortName.toLowerCase();
  if (attr.type) return attr.type;
  throw new Error('DN attribute without a type');
}

/**
 * The NPKI text form of a DN, as in the USER folder names: leaf (last) attribute first,
 * lower-case keys, `,` with no spaces, values verbatim (case kept, no escaping), e.g.
 * `cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr`.
 * `attrs` is in DER order (as forge's `cert.subject.attributes`); multi-valued RDNs are
 * flattened the way forge flattens them.
 */
export function dnToNpkiString(attrs: readonly DnAttribute[]): string {
  return [...attrs]
    .reverse()
    .map((attr) => `${attributeKey(attr)}=${decodeAttributeValue(attr.value, attr.valueTagClass)}`)
    .join(',');
}

/** The decoded value of the last (most specific) attribute with this OID, if any. */
export function findAttribute(attrs: readonly DnAttribute[], oid: string): string | undefined {
  for (let i = attrs.length - 1; i >= 0; i--) {
    const attr = attrs[i];
    if (attr?.type === oid) return decodeAttributeValue(attr.value, attr.valueTagClass);
  }
  return undefined;
}

/**
 * The real name inside an NPKI common name: the part before `(` (yessign, KICA, CrossCert:
 * `홍길동()0012345678901234`, `홍길동(HONG GILDONG)0088…`), or before a trailing `-digits`
 * (SignKorea: `홍길동-6422061`). Anything else is returned trimmed, as is.
 */
export function realNameFromCommonName(cn: string): string {
  const paren = cn.indexOf('(');
  if (paren >= 0) return cn.slice(0, paren).trim();
  const dashDigits = /^(.*?)-\d+$/u.exec(cn);
  if (dashDigits?.[1] !== undefined) return dashDigits[1].trim();
  return cn.trim();
}

/**
 * Masks a name for display: one rule for every script, counted in characters (code points,
 * after NFC normalisation and trimming):
 * - 1 character: shown as is (홍 → 홍);
 * - 2 characters: the first, then `*` (홍길 → 홍*);
 * - 3 or more: the first and the last, every character between (spaces included, so word
 *   lengths are not revealed) becomes `*` (홍길동 → 홍*동, 남궁민수 → 남**수,
 *   John Smith → J********h).
 */
export function maskName(name: string): string {
  const chars = Array.from(name.normalize('NFC').trim());
  const first = chars[0];
  const last = chars[chars.length - 1];
  if (first === undefined || last === undefined) return '';
  if (chars.length === 1) return first;
  if (chars.length === 2) return `${first}*`;
  return `${first}${'*'.repeat(chars.length - 2)}${last}`;
}
