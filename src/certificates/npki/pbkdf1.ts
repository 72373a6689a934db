/**
 * PBKDF1 with SHA-1 (RFC 8018 §5.1), the key derivation of KISA's seedCBCWithSHA1 keys.
 *
 * Neither WebCrypto nor Node has PBKDF1, and it chains thousands of digests of 20 bytes each:
 * one WebCrypto call per digest costs some 15 µs of hand-over, several times the digest itself.
 * So SHA-1 is computed here, synchronously, and the loop yields now and then so that a slow file
 * cannot stall the bot or the page.
 */
import { concatBytes } from './bytes';
import { nextTurn } from './nextTurn';

/** How many rounds run between turns of the event loop. */
const ROUNDS_PER_SLICE = 4096;

const INITIAL_STATE = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
/** The message schedule: one block's 16 words, extended to 80. */
const schedule = new Int32Array(80);

/** Runs SHA-1's compression over the block in schedule[0..16), updating `state` (5 words). */
function compress(state: Int32Array): void {
  for (let t = 16; t < 80; t++) {
    const x = schedule[t - 3]! ^ schedule[t - 8]! ^ schedule[t - 14]! ^ schedule[t - 16]!;
    schedule[t] = (x << 1) | (x >>> 31);
  }
  let [a, b, c, d, e] = state as unknown as [number, number, number, number, number];
  for (let t = 0; t < 80; t++) {
    let mixed: number;
    if (t < 20) mixed = ((b & c) | (~b & d)) + 0x5a827999;
    else if (t < 40) mixed = (b ^ c ^ d) + 0x6ed9eba1;
    else if (t < 60) mixed = ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc;
    else mixed = (b ^ c ^ d) + 0xca62c1d6;
    const next = (((a << 5) | (a >>> 27)) + mixed + e + schedule[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  state[0]! += a;
  state[1]! += b;
  state[2]! += c;
  state[3]! += d;
  state[4]! += e;
}

function digestBytes(state: Int32Array): Uint8Array {
  const digest = new Uint8Array(20);
  const view = new DataView(digest.buffer);
  state.forEach((word, i) => view.setInt32(4 * i, word));
  return digest;
}

/** SHA-1 (FIPS 180-4) of `message`. */
export function sha1(message: Uint8Array): Uint8Array {
  // The message, a 1 bit, zeros, then the length in bits as 64 bits: a whole number of 64-byte blocks.
  const padded = new Uint8Array((((message.length + 8) >>> 6) + 1) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(message.length / 0x20000000));
  view.setUint32(padded.length - 4, (message.length * 8) >>> 0);
  const state = Int32Array.from(INITIAL_STATE);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let t = 0; t < 16; t++) schedule[t] = view.getInt32(offset + 4 * t);
    compress(state);
  }
  return digestBytes(state);
}

/** PBKDF1-SHA1: T = SHA1(P || S), then SHA1(T) for the remaining rounds; 20 bytes. */
export async function pbkdf1Sha1(password: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const first = sha1(concatBytes(password, salt));
  const view = new DataView(first.buffer);
  let digest = Int32Array.from({ length: 5 }, (_, i) => view.getInt32(4 * i));
  // Every later round hashes one 20-byte digest: a single block, padded the same way each time.
  for (let round = 1; round < iterations; round++) {
    schedule.set(digest);
    schedule.fill(0, 5, 16);
    schedule[5] = 0x80000000 | 0;
    schedule[15] = 20 * 8;
    digest = Int32Array.from(INITIAL_STATE);
    compress(digest);
    if (round % ROUNDS_PER_SLICE === 0) await nextTurn();
  }
  return digestBytes(digest);
}
