import forge from 'node-forge';
import {
  MAX_ASN1_DEPTH,
  algorithmIdentifier,
  attribute,
  bitString,
  contextSpecific,
  integer,
  isUniversal,
  naturalNumberOf,
  nullNode,
  octetString,
  oidNode,
  parseDer,
  seq,
  sequenceElementBytes,
  sequenceOf,
  set,
  toDer,
  UnexpectedAsn1,
  unsignedIntegerBytes,
  utf8String,
} from '../../src/certificates/npki/der';

const { asn1 } = forge;
const toDerBuffer = (node: forge.asn1.Asn1): Buffer => Buffer.from(toDer(node));
const hex = (node: forge.asn1.Asn1): string => toDerBuffer(node).toString('hex');

/** `depth` SEQUENCEs, each holding the next, the innermost empty. */
function nested(depth: number): Buffer {
  let node = seq([]);
  for (let i = 1; i < depth; i++) node = seq([node]);
  return toDerBuffer(node);
}

describe('parseDer', () => {
  const der = Buffer.from('3006020101040100', 'hex'); // SEQUENCE { INTEGER 1, OCTET STRING 00 }

  it('reads a buffer, a view into a larger buffer and a binary string alike, and writes the same bytes back', () => {
    const padded = Buffer.concat([Buffer.from('ffff', 'hex'), der, Buffer.from('ff', 'hex')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 2, der.length);
    for (const input of [der, view, der.toString('binary')]) {
      expect(toDerBuffer(parseDer(input)).equals(der)).toBe(true);
    }
  });

  it('refuses trailing bytes and truncated values', () => {
    expect(() => parseDer(Buffer.concat([der, Buffer.from([0])]))).toThrow();
    expect(() => parseDer(der.subarray(0, der.length - 1))).toThrow();
    expect(() => parseDer(Buffer.alloc(0))).toThrow();
  });

  it('leaves BIT STRINGs as bytes unless asked, even when their contents look like DER', () => {
    const bits = toDerBuffer(bitString(Buffer.from('0402abcd', 'hex')));
    const plain = parseDer(bits);
    expect(plain.value).toBe('\x00\x04\x02\xab\xcd');
    const decoded = parseDer(bits, { decodeBitStrings: true });
    expect(Array.isArray(decoded.value)).toBe(true);
  });

  it('limits nesting to MAX_ASN1_DEPTH, or to the depth asked for', () => {
    expect(MAX_ASN1_DEPTH).toBe(64);
    expect(() => parseDer(nested(MAX_ASN1_DEPTH))).not.toThrow();
    expect(() => parseDer(nested(MAX_ASN1_DEPTH + 1))).toThrow();
    expect(() => parseDer(nested(5), { maxDepth: 5 })).not.toThrow();
    expect(() => parseDer(nested(6), { maxDepth: 5 })).toThrow();
  });
});

describe('ASN.1 builders', () => {
  it('write the DER one expects', () => {
    const sha256 = '2.16.840.1.101.3.4.2.1';
    expect(hex(oidNode(sha256))).toBe('0609608648016503040201');
    expect(hex(nullNode())).toBe('0500');
    expect(hex(algorithmIdentifier(sha256, null))).toBe('300d06096086480165030402010500');
    expect(hex(algorithmIdentifier(sha256))).toBe('300b0609608648016503040201');
    expect(hex(algorithmIdentifier(sha256, [integer(1)]))).toBe('3010060960864801650304020130030201' + '01');
    expect(hex(algorithmIdentifier(sha256, octetString(Buffer.from('ab', 'hex'))))).toBe('300e060960864801650304020104' + '01ab');
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(10_000))).toBe('02022710');
    expect(hex(integer(128))).toBe('02020080');
    expect(hex(bitString(Buffer.from('abcd', 'hex')))).toBe('030300abcd');
    expect(hex(utf8String('홍'))).toBe('0c03ed998d');
    expect(hex(contextSpecific(0, [integer(3)]))).toBe('a003020103');
    expect(hex(set([integer(1), integer(2)]))).toBe('3106020101020102');
    expect(hex(attribute('1.2.410.200004.10.1.1.3', bitString(Buffer.from('01', 'hex'))))).toBe(
      '3012060a2a831a8c9a440a010103' + '3104030200' + '01',
    );
  });

  it('isUniversal checks class and type, and constructed-ness when asked', () => {
    const node = seq([]);
    expect(isUniversal(node, asn1.Type.SEQUENCE)).toBe(true);
    expect(isUniversal(node, asn1.Type.SEQUENCE, true)).toBe(true);
    expect(isUniversal(node, asn1.Type.SEQUENCE, false)).toBe(false);
    expect(isUniversal(node, asn1.Type.SET)).toBe(false);
    expect(isUniversal(contextSpecific(asn1.Type.SEQUENCE, []), asn1.Type.SEQUENCE)).toBe(false);
    expect(isUniversal(undefined, asn1.Type.SEQUENCE)).toBe(false);
  });
});

describe('ASN.1 readers', () => {
  const integerNode = (hexContents: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, Buffer.from(hexContents, 'hex').toString('binary'));

  it('read counts as numbers, huge ones as Infinity, and refuse negative ones and other types', () => {
    expect(naturalNumberOf(integer(2048), 'count')).toBe(2048);
    expect(naturalNumberOf(integerNode('00ffffffffffff'), 'count')).toBe(2 ** 48 - 1);
    expect(naturalNumberOf(integerNode('7fffffffffffffffff'), 'count')).toBe(Number.POSITIVE_INFINITY);
    expect(() => naturalNumberOf(integerNode('fb'), 'count')).toThrow(UnexpectedAsn1);
    expect(() => naturalNumberOf(nullNode(), 'count')).toThrow(UnexpectedAsn1);
    expect(Buffer.from(unsignedIntegerBytes(integerNode('0080'), 'n')).toString('hex')).toBe('80');
  });

  it('check how many fields a SEQUENCE has, naming the field and never its contents', () => {
    expect(sequenceOf(seq([integer(1), integer(2)]), 'pair', 2, 2)).toHaveLength(2);
    expect(() => sequenceOf(seq([integer(1)]), 'pair', 2, 2)).toThrow('pair has 1 fields');
    expect(() => sequenceOf(set([]), 'pair')).toThrow('expected pair');
  });
});

describe('sequenceElementBytes', () => {
  test('gives each element exactly as encoded, long lengths included', () => {
    const long = octetString(new Uint8Array(300));
    const elements = [integer(5), long, seq([utf8String('홍길동')])];
    const der = toDer(seq(elements));
    expect(sequenceElementBytes(der).map((bytes) => Buffer.from(bytes).toString('hex'))).toEqual(elements.map(hex));
    expect(sequenceElementBytes(toDer(seq([])))).toEqual([]);
  });

  test('refuses what is not one whole DER SEQUENCE', () => {
    const der = toDerBuffer(seq([integer(1), integer(2)]));
    const refusals = [
      der.subarray(0, der.length - 1), // cut short
      Buffer.concat([der, Buffer.from([0])]), // a byte after it
      toDerBuffer(set([integer(1)])), // a SET
      Buffer.from('3080020101 0000'.replace(/ /g, ''), 'hex'), // BER's indefinite length
      Buffer.from('3003020501', 'hex'), // an element running past its SEQUENCE
      Buffer.from([]),
    ];
    for (const bytes of refusals) expect(() => sequenceElementBytes(bytes)).toThrow(UnexpectedAsn1);
  });
});
