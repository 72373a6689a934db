/**
 * The one place that parses and writes DER with node-forge, and the small ASN.1 readers and node
 * builders the certificate code shares.
 */
import forge from 'node-forge';
import { binaryStringOf, bytesFromBinaryString } from './bytes';

const { asn1 } = forge;
export type Asn1 = forge.asn1.Asn1;

/** No legitimate certificate, key or PFX nests anywhere near this deep; the limit keeps hostile input cheap. */
export const MAX_ASN1_DEPTH = 64;

export interface ParseDerOptions {
  /** Nesting limit; default MAX_ASN1_DEPTH. */
  maxDepth?: number;
  /**
   * Default false: BIT STRINGs stay bytes. forge would otherwise try to read their contents as ASN.1,
   * and random bytes (an R, a signature) sometimes parse. Only forge's own certificate reader
   * (`pki.certificateFromAsn1`) needs them decoded, to find the RSA public key.
   */
  decodeBitStrings?: boolean;
}

/** The options forge's `fromDer` takes, which its type definitions leave out. */
type FromDer = (
  bytes: forge.util.ByteStringBuffer,
  options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean; maxDepth: number },
) => Asn1;

/**
 * Strict parsing of one whole value: lengths must fit, every byte must belong to the top-level value,
 * nesting is limited. (forge still accepts BER's indefinite lengths and constructed strings, which
 * PKCS#12 files use.) `bytes` are bytes, or a binary string as forge hands out nested values.
 * Throws forge's plain errors; callers turn them into their own.
 */
export function parseDer(bytes: Uint8Array | string, options: ParseDerOptions = {}): Asn1 {
  const binary = typeof bytes === 'string' ? bytes : binaryStringOf(bytes);
  const fromDer = asn1.fromDer as unknown as FromDer;
  return fromDer(forge.util.createBuffer(binary), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: options.decodeBitStrings ?? false,
    maxDepth: options.maxDepth ?? MAX_ASN1_DEPTH,
  });
}

export function toDer(node: Asn1): Uint8Array {
  return bytesFromBinaryString(asn1.toDer(node).getBytes());
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A UNIVERSAL node of `type` (and, when given, constructed or primitive as asked). */
export function isUniversal(node: Asn1 | undefined, type: number, constructed?: boolean): node is Asn1 {
  return (
    node !== undefined &&
    node.tagClass === asn1.Class.UNIVERSAL &&
    node.type === type &&
    (constructed === undefined || node.constructed === constructed)
  );
}

/** A `[tag]` context-specific constructed node (an EXPLICIT wrapper, an IMPLICIT SEQUENCE or SET). */
export function isContextSpecific(node: Asn1 | undefined, tag: number): node is Asn1 {
  return (
    node !== undefined &&
    node.tagClass === asn1.Class.CONTEXT_SPECIFIC &&
    node.type === tag &&
    node.constructed &&
    Array.isArray(node.value)
  );
}

/**
 * A value that is not what the reader expected; each reader turns it into its own CertificateError
 * (which file, which reason). `message` names the field, never its contents.
 */
export class UnexpectedAsn1 extends Error {
  override name = 'UnexpectedAsn1';
}

function constructedChildren(node: Asn1 | undefined, type: number, what: string): Asn1[] {
  if (!isUniversal(node, type, true) || !Array.isArray(node.value)) throw new UnexpectedAsn1(`expected ${what}`);
  return node.value;
}

/** The fields of a SEQUENCE, `min` to `max` of them. */
export function sequenceOf(node: Asn1 | undefined, what: string, min = 0, max = Number.POSITIVE_INFINITY): Asn1[] {
  const fields = constructedChildren(node, asn1.Type.SEQUENCE, what);
  if (fields.length < min || fields.length > max) throw new UnexpectedAsn1(`${what} has ${fields.length} fields`);
  return fields;
}

export function setOf(node: Asn1 | undefined, what: string): Asn1[] {
  return constructedChildren(node, asn1.Type.SET, what);
}

/** The children of a `[tag]` context-specific constructed node. */
export function contextSpecificOf(node: Asn1 | undefined, tag: number, what: string): Asn1[] {
  if (!isContextSpecific(node, tag)) throw new UnexpectedAsn1(`expected ${what}`);
  return node.value as Asn1[];
}

/** The contents of a primitive node as bytes. */
export function primitiveBytes(node: Asn1 | undefined, what: string): Uint8Array {
  if (node === undefined || node.constructed || typeof node.value !== 'string') throw new UnexpectedAsn1(`expected ${what}`);
  return bytesFromBinaryString(node.value);
}

export function octetsOf(node: Asn1 | undefined, what: string): Uint8Array {
  if (!isUniversal(node, asn1.Type.OCTETSTRING, false)) throw new UnexpectedAsn1(`expected ${what}`);
  return primitiveBytes(node, what);
}

export function oidOf(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, asn1.Type.OID, false) || typeof node.value !== 'string') throw new UnexpectedAsn1(`expected ${what}`);
  return asn1.derToOid(node.value);
}

/** An INTEGER's magnitude bytes, without the sign byte; refuses negative ones. */
export function unsignedIntegerBytes(node: Asn1 | undefined, what: string): Uint8Array {
  if (!isUniversal(node, asn1.Type.INTEGER, false)) throw new UnexpectedAsn1(`expected ${what}`);
  const bytes = primitiveBytes(node, what);
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) !== 0) throw new UnexpectedAsn1(`${what} is negative`);
  const firstNonZero = bytes.findIndex((byte) => byte !== 0);
  return firstNonZero === -1 ? new Uint8Array(0) : bytes.subarray(firstNonZero);
}

/** A non-negative INTEGER as a number (versions, counts, lengths); Infinity past 2^48, which no sane field is. */
export function naturalNumberOf(node: Asn1 | undefined, what: string): number {
  const magnitude = unsignedIntegerBytes(node, what);
  if (magnitude.length > 6) return Number.POSITIVE_INFINITY;
  return magnitude.reduce((value, byte) => value * 256 + byte, 0);
}

/**
 * The encodings of a DER SEQUENCE's elements, byte for byte as they lie in `der`: a signature is
 * checked over the to-be-signed part as it was sent, never over a re-encoding of it. Definite
 * lengths only, as DER has them; anything else throws UnexpectedAsn1.
 */
export function sequenceElementBytes(der: Uint8Array): Uint8Array[] {
  const outer = tlvBounds(der, 0);
  if (der[0] !== 0x30 || outer.end !== der.length) throw new UnexpectedAsn1('expected one SEQUENCE');
  const elements: Uint8Array[] = [];
  for (let at = outer.contentStart; at < outer.end;) {
    const { end } = tlvBounds(der, at);
    if (end > outer.end) throw new UnexpectedAsn1('element runs past its SEQUENCE');
    elements.push(der.subarray(at, end));
    at = end;
  }
  return elements;
}

/** Where the contents of the tag-length-value at `at` start and where the value ends. */
function tlvBounds(der: Uint8Array, at: number): { contentStart: number; end: number } {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === undefined || first === undefined) throw new UnexpectedAsn1('truncated');
  if ((tag & 0x1f) === 0x1f) throw new UnexpectedAsn1('high tag number');
  let length = first;
  let contentStart = at + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    // 0: BER's indefinite length; more than 4 bytes of length: nothing we read is that large.
    if (count === 0 || count > 4) throw new UnexpectedAsn1('length not in DER');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart + i] ?? Number.NaN);
    contentStart += count;
  }
  const end = contentStart + length;
  if (!Number.isSafeInteger(end) || end > der.length) throw new UnexpectedAsn1('truncated');
  return { contentStart, end };
}

// ---------------------------------------------------------------------------------------------
// Building

export function seq(children: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, children);
}

export function set(children: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, children);
}

export function oidNode(dotted: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
}

export function nullNode(): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
}

export function octetString(bytes: Uint8Array): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, binaryStringOf(bytes));
}

/** A BIT STRING of whole bytes: the unused-bits byte 00, then `bytes`. */
export function bitString(bytes: Uint8Array): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${binaryStringOf(bytes)}`);
}

/** A small INTEGER (versions, iteration counts; forge encodes up to 32 bits). */
export function integer(value: number): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/** A UTF8String from text (forge wants the UTF-8 bytes as a binary string). */
export function utf8String(text: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(text));
}

/** `[tag]` constructed, context-specific: an EXPLICIT wrapper or an IMPLICIT SEQUENCE / SET. */
export function contextSpecific(tag: number, children: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag as forge.asn1.Type, true, children);
}

/**
 * AlgorithmIdentifier { algorithm, parameters }: an array is a SEQUENCE of parameters, null is NULL,
 * undefined leaves the parameters out.
 */
export function algorithmIdentifier(algorithm: string, parameters?: Asn1 | Asn1[] | null): Asn1 {
  if (parameters === undefined) return seq([oidNode(algorithm)]);
  const parametersNode = parameters === null ? nullNode() : Array.isArray(parameters) ? seq(parameters) : parameters;
  return seq([oidNode(algorithm), parametersNode]);
}

/** Attribute ::= SEQUENCE { type OID, values SET { value } } (one value). */
export function attribute(type: string, value: Asn1): Asn1 {
  return seq([oidNode(type), set([value])]);
}
