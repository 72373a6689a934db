import forge from 'node-forge';

type FromDerWithOptions = (bytes: forge.util.ByteBuffer, options: { strict: boolean; decodeBitStrings: boolean; parseAllBytes: boolean }) => forge.asn1.Asn1;

/**
 * Strict DER parsing that leaves BIT STRINGs as bytes: forge would otherwise try to read their
 * contents as ASN.1 (random bytes sometimes parse). Throws on trailing bytes or bad encodings.
 */
export function parseDer(bytes: Uint8Array): forge.asn1.Asn1 {
  const fromDer = forge.asn1.fromDer as unknown as FromDerWithOptions;
  return fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')), { strict: true, decodeBitStrings: false, parseAllBytes: true });
}

export function toDerBuffer(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}
