import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import {
  seedCbcDecrypt,
  seedCbcEncrypt,
  seedDecryptBlock,
  seedEncryptBlock,
  seedKeySchedule,
  seedTablesForTest,
} from '../../src/certificates/npki/seed';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
/** The SEED functions return plain Uint8Array; a Buffer view reads them as hex and text. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** OpenSSL's legacy provider is the independent oracle for SEED-CBC. */
function opensslSeedCbc(direction: 'encrypt' | 'decrypt', key: Buffer, iv: Buffer, input: Buffer): Buffer {
  const args = ['enc', direction === 'encrypt' ? '-e' : '-d', '-seed-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex')];
  args.push('-provider', 'legacy', '-provider', 'default');
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('SEED-128 block cipher (RFC 4269 Appendix B)', () => {
  const vectors: Array<[string, string, string]> = [
    ['00000000000000000000000000000000', '000102030405060708090a0b0c0d0e0f', '5ebac6e0054e166819aff1cc6d346cdb'],
    ['000102030405060708090a0b0c0d0e0f', '00000000000000000000000000000000', 'c11f22f20140505084483597e4370f43'],
    ['4706480851e61be85d74bfb3fd956185', '83a2f8a288641fb9a4e9a5cc2f131c7d', 'ee54d13ebcae706d226bc3142cd40d4a'],
    ['28dbc3bc49ffd87dcfa509b11d422be7', 'b41e6be2eba84a148e2eed84593c5ec7', '9b9b7bfcd1813cb95d0b3618f40f5122'],
  ];

  it.each(vectors)('key %s encrypts %s to %s and back', (key, plaintext, ciphertext) => {
    const rk = seedKeySchedule(hex(key));
    expect(asBuffer(seedEncryptBlock(rk, hex(plaintext))).toString('hex')).toBe(ciphertext);
    expect(asBuffer(seedDecryptBlock(rk, hex(ciphertext))).toString('hex')).toBe(plaintext);
  });

  it('derives the published SS tables from S1/S2', () => {
    const { SS0, SS1, SS2, SS3 } = seedTablesForTest;
    expect([SS0[0], SS1[0], SS2[0], SS3[0], SS3[255]]).toEqual([0x2989a1a8, 0x38380830, 0xa1a82989, 0x08303838, 0x87b3b437]);
    expect(SS0[1]).toBe(0x05858184);
  });

  it('rejects keys that are not 16 bytes', () => {
    expect(() => seedKeySchedule(Buffer.alloc(15))).toThrow();
  });
});

describe('SEED-CBC with PKCS#7 padding', () => {
  it('matches the research CBC vector (a whole padding block is added)', () => {
    const key = hex('893a72a5790b1eb0d56c8836ab11e441');
    const iv = hex('24803bd6a8f0d92577c270c3d822f237');
    const expected = 'f393ff1023963729d13f6510eb077768383cbe92ecf9293a17ce10e074c39795';
    const ciphertext = asBuffer(seedCbcEncrypt(key, iv, Buffer.from('NPKI test vector', 'ascii')));
    expect(ciphertext.toString('hex')).toBe(expected);
    expect(asBuffer(seedCbcDecrypt(key, iv, hex(expected))).toString('ascii')).toBe('NPKI test vector');
  });

  it('agrees byte for byte with OpenSSL in both directions for 50 random inputs', () => {
    for (let n = 0; n < 50; n++) {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const plaintext = randomBytes(randomInt(0, 101));
      const ours = asBuffer(seedCbcEncrypt(key, iv, plaintext));
      expect(ours.toString('hex')).toBe(opensslSeedCbc('encrypt', key, iv, plaintext).toString('hex'));

      // Their ciphertext of an independent plaintext, decrypted by us.
      const other = randomBytes(randomInt(0, 101));
      const theirs = opensslSeedCbc('encrypt', key, iv, other);
      expect(asBuffer(seedCbcDecrypt(key, iv, theirs)).toString('hex')).toBe(other.toString('hex'));
      // And OpenSSL decrypts ours.
      expect(opensslSeedCbc('decrypt', key, iv, ours).toString('hex')).toBe(plaintext.toString('hex'));
    }
  });

  it('throws "bad padding" on corrupted padding, partial blocks and empty input', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const ciphertext = asBuffer(seedCbcEncrypt(key, iv, Buffer.from('twelve bytes')));
    // Flip a bit in the IV-side block so the last plaintext byte (the padding length) changes.
    const tamperedIv = Buffer.from(iv);
    tamperedIv[15] = tamperedIv[15]! ^ 0x01;
    expect(() => seedCbcDecrypt(key, tamperedIv, ciphertext)).toThrow('bad padding');
    expect(() => seedCbcDecrypt(key, iv, ciphertext.subarray(0, 15))).toThrow('bad padding');
    expect(() => seedCbcDecrypt(key, iv, Buffer.alloc(0))).toThrow('bad padding');

    // A padding length byte of 0 or > 16, and inconsistent padding bytes, are all refused.
    // Encrypting 16 chosen bytes and keeping only the first block yields a ciphertext whose "padding" we pick.
    const onePadByte = seedCbcEncrypt(key, iv, Buffer.alloc(15)).subarray(0, 16);
    expect(asBuffer(seedCbcDecrypt(key, iv, onePadByte))).toEqual(Buffer.alloc(15));
    const block = (last: Buffer): Uint8Array => seedCbcEncrypt(key, iv, last).subarray(0, 16);
    const withZeroLength = block(Buffer.concat([Buffer.alloc(15, 7), Buffer.from([0x00])]));
    expect(() => seedCbcDecrypt(key, iv, withZeroLength)).toThrow('bad padding');
    const withLength17 = block(Buffer.concat([Buffer.alloc(15, 17), Buffer.from([17])]));
    expect(() => seedCbcDecrypt(key, iv, withLength17)).toThrow('bad padding');
    const inconsistent = block(Buffer.concat([Buffer.alloc(13, 9), Buffer.from([2, 3, 3])]));
    expect(() => seedCbcDecrypt(key, iv, inconsistent)).toThrow('bad padding');
  });
});
