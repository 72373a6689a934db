/**
 * SEED-128 (RFC 4269), the Korean block cipher that protects NPKI private keys (signPri.key).
 *
 * Node's default OpenSSL 3 provider has no SEED and node-forge has none at all, so the product carries
 * its own. The tests prove it against the RFC's Appendix B vectors and byte for byte against OpenSSL's
 * legacy provider. Only the 128-bit variant exists in NPKI, and only CBC with PKCS#7 padding is used.
 */

import { bytesFromHex, concatBytes } from './bytes';

export const SEED_BLOCK_BYTES = 16;
export const SEED_KEY_BYTES = 16;

// The two 8-bit S-boxes of RFC 4269 Appendix A (S1, then S2), 256 bytes each.
const S1_HEX =
  'a985d6d3541dac255d43181e51fcca632844209de0e2c817a58f037bbb13d2ee' +
  '708c3fa832ddf674ec950b575c5bbd01241c739810ccf2d92ce772839bd186c9' +
  '6050a3eb0db69e4fb75ac678a612afd561c3b441527d8d081f9900190453f7e1' +
  'fd762f27b08b0eaba26e934d697c090abfeff3c58714fe64de2e4b1a06216b66' +
  '02f5928a0cb37ed07a4796e52680addfa13037ae36152238f4a7454c81e98497' +
  '35cbce3c7111c78975fbdaf8945982c4ff493967c0cfd7b80f8e4223916cdba4' +
  '34f148c26f3d2d40be3ebcc1aaba4e553bdc687f9cd84a5677a0ed46b52b65fa' +
  'e3b9b19f5ef9e6b231ea6d5fe4f0cd88163a58d462290733e81b0579906a2a9a';
const S2_HEX =
  '38e82da6cfdeb3b8af6055c7446f6b5bc36233b529a0e2a7d39111061cbc364b' +
  'ef886ca817c416f4c245e1d63f3d8e98284ef63ea5f90ddfd82b667a272ff172' +
  '42d441c07367ac8bf7ad801fca2caa34d20beee95d9418f857ae08c513cd86b9' +
  'ff7dc131f58a6ab1d120d7022204687107db9d9961bee659dd5190dc9aa3abd0' +
  '810f471ae3ec8dbf967b5ca2a163234dc89e9c3a0c2eba6e9f5af292f34978cc' +
  '15fb70757f351003646dc674d5b4ea097619fe4012e0bd05fa01f02a5ea95643' +
  '8514899bb0e5487997fc1e82218c1b5f7754b21d254f0046ed5852eb7edac9fd' +
  '3095653cb6e4bb7c0e5039263284699337e724a4cb530a87d94c838fce3b4ab7';

// The G function's byte masks (RFC 4269 §2.2).
const M0 = 0xfc;
const M1 = 0xf3;
const M2 = 0xcf;
const M3 = 0x3f;

/**
 * The G function is S-box lookups followed by a fixed bit permutation; folding the permutation into four
 * 32-bit tables (SS0..SS3, as in KISA's reference code) makes G four lookups and three XORs.
 */
function buildSsTable(sbox: Uint8Array, masks: readonly [number, number, number, number]): Uint32Array {
  const [a, b, c, d] = masks;
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const s = sbox[i] ?? 0;
    table[i] = (((s & a) << 24) | ((s & b) << 16) | ((s & c) << 8) | (s & d)) >>> 0;
  }
  return table;
}

const S1 = bytesFromHex(S1_HEX);
const S2 = bytesFromHex(S2_HEX);
const SS0 = buildSsTable(S1, [M3, M2, M1, M0]);
const SS1 = buildSsTable(S2, [M0, M3, M2, M1]);
const SS2 = buildSsTable(S1, [M1, M0, M3, M2]);
const SS3 = buildSsTable(S2, [M2, M1, M0, M3]);

/** Exposed for the tests, which check a few published SS values. */
export const seedTablesForTest = { S1, S2, SS0, SS1, SS2, SS3 } as const;

function g(x: number): number {
  // The tables have exactly 256 entries and every index is masked to a byte, so the lookups cannot miss.
  return (SS0[x & 0xff]! ^ SS1[(x >>> 8) & 0xff]! ^ SS2[(x >>> 16) & 0xff]! ^ SS3[x >>> 24]!) >>> 0;
}

/** Key constants KC_i = the golden ratio constant 0x9e3779b9 rotated left by i. */
const KC: readonly number[] = Array.from({ length: 16 }, (_, i) =>
  i === 0 ? 0x9e3779b9 : ((0x9e3779b9 << i) | (0x9e3779b9 >>> (32 - i))) >>> 0,
);

/** The 32 round-key words (two per round) for a 16-byte key. */
export type SeedRoundKeys = Uint32Array;

export function seedKeySchedule(key: Uint8Array): SeedRoundKeys {
  if (key.length !== SEED_KEY_BYTES) throw new Error(`SEED key must be ${SEED_KEY_BYTES} bytes`);
  const view = dataView(key);
  let k0 = view.getUint32(0);
  let k1 = view.getUint32(4);
  let k2 = view.getUint32(8);
  let k3 = view.getUint32(12);
  const rk = new Uint32Array(32);
  for (let i = 0; i < 16; i++) {
    const kc = KC[i]!;
    rk[2 * i] = g((k0 + k2 - kc) >>> 0);
    rk[2 * i + 1] = g((k1 - k3 + kc) >>> 0);
    if (i % 2 === 0) {
      // (K0 || K1) rotated right by 8 bits as one 64-bit value.
      const t = k0;
      k0 = ((k0 >>> 8) | (k1 << 24)) >>> 0;
      k1 = ((k1 >>> 8) | (t << 24)) >>> 0;
    } else {
      // (K2 || K3) rotated left by 8 bits as one 64-bit value.
      const t = k2;
      k2 = ((k2 << 8) | (k3 >>> 24)) >>> 0;
      k3 = ((k3 << 8) | (t >>> 24)) >>> 0;
    }
  }
  return rk;
}

/** One Feistel round: F(R, K) for the 64-bit right half (r0, r1) and the round's two key words. */
function roundF(r0: number, r1: number, k0: number, k1: number): [number, number] {
  let c = (r0 ^ k0) >>> 0;
  let d = (r1 ^ k1) >>> 0;
  d = g((c ^ d) >>> 0);
  c = g((c + d) >>> 0);
  d = g((d + c) >>> 0);
  c = (c + d) >>> 0;
  return [c, d];
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encrypts or decrypts one block; decryption is the same network with the round keys in reverse. */
function cryptBlock(rk: SeedRoundKeys, input: DataView, inOffset: number, output: DataView, outOffset: number, decrypt: boolean): void {
  let l0 = input.getUint32(inOffset);
  let l1 = input.getUint32(inOffset + 4);
  let r0 = input.getUint32(inOffset + 8);
  let r1 = input.getUint32(inOffset + 12);
  for (let n = 0; n < 16; n++) {
    const i = decrypt ? 15 - n : n;
    const [f0, f1] = roundF(r0, r1, rk[2 * i]!, rk[2 * i + 1]!);
    const nextR0 = (l0 ^ f0) >>> 0;
    const nextR1 = (l1 ^ f1) >>> 0;
    l0 = r0;
    l1 = r1;
    r0 = nextR0;
    r1 = nextR1;
  }
  // The last round has no swap, so the halves come out exchanged.
  output.setUint32(outOffset, r0);
  output.setUint32(outOffset + 4, r1);
  output.setUint32(outOffset + 8, l0);
  output.setUint32(outOffset + 12, l1);
}

export function seedEncryptBlock(rk: SeedRoundKeys, block: Uint8Array): Uint8Array {
  assertBlock(block);
  const out = new Uint8Array(SEED_BLOCK_BYTES);
  cryptBlock(rk, dataView(block), 0, dataView(out), 0, false);
  return out;
}

export function seedDecryptBlock(rk: SeedRoundKeys, block: Uint8Array): Uint8Array {
  assertBlock(block);
  const out = new Uint8Array(SEED_BLOCK_BYTES);
  cryptBlock(rk, dataView(block), 0, dataView(out), 0, true);
  return out;
}

function assertBlock(block: Uint8Array): void {
  if (block.length !== SEED_BLOCK_BYTES) throw new Error(`SEED block must be ${SEED_BLOCK_BYTES} bytes`);
}

function assertIv(iv: Uint8Array): void {
  if (iv.length !== SEED_BLOCK_BYTES) throw new Error(`SEED-CBC IV must be ${SEED_BLOCK_BYTES} bytes`);
}

/** SEED-CBC with PKCS#7 padding (always at least one padding byte, so a whole block when aligned). */
export function seedCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  assertIv(iv);
  const rk = seedKeySchedule(key);
  const padLength = SEED_BLOCK_BYTES - (plaintext.length % SEED_BLOCK_BYTES);
  const padded = concatBytes(plaintext, new Uint8Array(padLength).fill(padLength));
  const out = new Uint8Array(padded.length);
  const outView = dataView(out);
  const chain = Uint8Array.from(iv);
  const chainView = dataView(chain);
  for (let offset = 0; offset < padded.length; offset += SEED_BLOCK_BYTES) {
    for (let j = 0; j < SEED_BLOCK_BYTES; j++) chain[j] = chain[j]! ^ padded[offset + j]!;
    cryptBlock(rk, chainView, 0, outView, offset, false);
    chain.set(out.subarray(offset, offset + SEED_BLOCK_BYTES));
  }
  return out;
}

/**
 * SEED-CBC decryption with PKCS#7 unpadding. Throws a plain Error('bad padding') when the ciphertext is
 * not whole blocks or the padding is invalid; with a wrong key that is the usual symptom, and the caller
 * maps it to its own error.
 */
export function seedCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  assertIv(iv);
  if (ciphertext.length === 0 || ciphertext.length % SEED_BLOCK_BYTES !== 0) throw new Error('bad padding');
  const rk = seedKeySchedule(key);
  const out = new Uint8Array(ciphertext.length);
  const [inView, outView] = [dataView(ciphertext), dataView(out)];
  for (let offset = 0; offset < ciphertext.length; offset += SEED_BLOCK_BYTES) {
    cryptBlock(rk, inView, offset, outView, offset, true);
    const previous = offset === 0 ? iv : ciphertext.subarray(offset - SEED_BLOCK_BYTES, offset);
    for (let j = 0; j < SEED_BLOCK_BYTES; j++) out[offset + j] = out[offset + j]! ^ previous[j]!;
  }
  const padLength = out[out.length - 1]!;
  if (padLength < 1 || padLength > SEED_BLOCK_BYTES) throw new Error('bad padding');
  for (let j = out.length - padLength; j < out.length; j++) {
    if (out[j] !== padLength) throw new Error('bad padding');
  }
  return out.subarray(0, out.length - padLength);
}
