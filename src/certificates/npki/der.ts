/**
 * The one place that parses and writes DER with node-forge, and the small ASN.1 node builders the
 * certificate code shares.
 */
import forge from 'node-forge';

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
 * PKCS#12 files use.) `bytes` is a buffer or a binary string, as forge hands out nested values.
 * Throws forge's plain errors; callers turn them into their own.
 */
export function parseDer(bytes: Uint8Array | string, options: ParseDerOptions = {}): Asn1 {
  const binary = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
  const fromDer = asn1.fromDer as unknown as FromDer;
  return fromDer(forge.util.createBuffer(binary), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: options.decodeBitStrings ?? false,
    maxDepth: options.maxDepth ?? MAX_ASN1_DEPTH,
  });
}

export function toDerBuffer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
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

export function octetString(bytes: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
}

/** A BIT STRING of whole bytes: the unused-bits byte 00, then `bytes`. */
export function bitString(bytes: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${bytes.toString('binary')}`);
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
