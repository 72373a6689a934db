import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const PBES2 = '1.2.840.113549.1.5.13';
const DATA = '1.2.840.113549.1.7.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';

const parse = (der: Uint8Array | string): Asn1 => asn1.fromDer(typeof der === 'string' ? der : Buffer.from(der).toString('binary'));
const toDer = (node: Asn1): string => asn1.toDer(node).getBytes();
const children = (node: Asn1): Asn1[] => node.value as Asn1[];
const integerNode = (value: number): Asn1 =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());

/**
 * signPri.key with its header asking for `iterations` (PBES2 or KISA's schemes): what an uploader
 * who re-encrypted the key that way would send. The ciphertext stays, so only a reader that
 * derives a key with that count finds out the password no longer fits.
 */
export function withIterationCount(signPri: Uint8Array, iterations: number): Buffer {
  const root = parse(signPri);
  const [algorithm] = children(root);
  const [oid, params] = children(algorithm!);
  const saltAndCount = asn1.derToOid(oid!.value as string) === PBES2 ? children(children(params!)[0]!)[1]! : params!;
  children(saltAndCount)[1] = integerNode(iterations);
  return Buffer.from(toDer(root), 'binary');
}

/** A PFX whose MAC and (plain-data) shrouded key bag declare these iteration counts; nothing is recomputed. */
export function pfxWithIterationCounts(pfx: Uint8Array, counts: { mac?: number; keyBag?: number }): Buffer {
  const root = parse(pfx);
  const [, authSafe, macData] = children(root);
  if (counts.mac !== undefined) children(macData!)[2] = integerNode(counts.mac);
  if (counts.keyBag !== undefined) {
    const authSafeOctets = children(children(authSafe!)[1]!)[0]!;
    const contentInfos = parse(authSafeOctets.value as string);
    for (const contentInfo of children(contentInfos)) {
      const [type, content] = children(contentInfo);
      if (asn1.derToOid(type!.value as string) !== DATA) continue;
      const octets = children(content!)[0]!;
      const safeContents = parse(octets.value as string);
      for (const bag of children(safeContents)) {
        const [bagId, bagValue] = children(bag);
        if (asn1.derToOid(bagId!.value as string) !== SHROUDED_KEY_BAG) continue;
        const [algorithm] = children(children(bagValue!)[0]!);
        const params = children(algorithm!)[1]!;
        const pbkdf2Params =
          asn1.derToOid(children(algorithm!)[0]!.value as string) === PBES2 ? children(children(params)[0]!)[1]! : params;
        children(pbkdf2Params)[1] = integerNode(counts.keyBag);
      }
      octets.value = toDer(safeContents);
    }
    authSafeOctets.value = toDer(contentInfos);
  }
  return Buffer.from(toDer(root), 'binary');
}
