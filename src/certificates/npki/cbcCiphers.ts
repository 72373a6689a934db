/**
 * The CBC ciphers that password-based key files name, by OID: SEED (our own), AES (WebCrypto) and
 * DES / 3DES (node-forge: WebCrypto has no DES, and Node's OpenSSL 3 keeps single DES in its legacy
 * provider). All use PKCS#7 padding.
 */
import forge from 'node-forge';
import { binaryStringOf, bytesFromBinaryString } from './bytes';
import { OID } from './oids';
import { seedCbcDecrypt } from './seed';
import { aesCbcDecrypt } from './webCrypto';

export interface CbcCipher {
  readonly keyBytes: number;
  /** The IV is one block, so this is also the block size. */
  readonly ivBytes: number;
  /** Decrypts and unpads; rejects (with any error) when the padding is wrong. */
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}

const seedCbc: CbcCipher = { keyBytes: 16, ivBytes: 16, decrypt: async (key, iv, ciphertext) => seedCbcDecrypt(key, iv, ciphertext) };

const aesCbc = (keyBytes: number): CbcCipher => ({ keyBytes, ivBytes: 16, decrypt: aesCbcDecrypt });

const forgeCbc = (algorithm: '3DES-CBC' | 'DES-CBC', keyBytes: number): CbcCipher => ({
  keyBytes,
  ivBytes: 8,
  decrypt: async (key, iv, ciphertext) => forgeCrypt('decrypt', algorithm, key, iv, ciphertext),
});

const CBC_CIPHERS: Readonly<Record<string, CbcCipher>> = {
  [OID.seedCbc]: seedCbc,
  [OID.aes128Cbc]: aesCbc(16),
  [OID.aes192Cbc]: aesCbc(24),
  [OID.aes256Cbc]: aesCbc(32),
  [OID.desEde3Cbc]: forgeCbc('3DES-CBC', 24),
  [OID.desCbc]: forgeCbc('DES-CBC', 8),
};

/** The cipher an encryption scheme names; undefined for one we do not handle (RC2, Camellia …). */
export function cbcCipher(oid: string): CbcCipher | undefined {
  return Object.hasOwn(CBC_CIPHERS, oid) ? CBC_CIPHERS[oid] : undefined;
}

/** SEED-CBC, the cipher of every NPKI key file. */
export const SEED_CBC = seedCbc;

/** DES-EDE3-CBC encryption with PKCS#7 padding, for the PKCS#12 files we write as the CAs do. */
export function tripleDesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return forgeCrypt('encrypt', '3DES-CBC', key, iv, plaintext);
}

function forgeCrypt(
  direction: 'encrypt' | 'decrypt',
  algorithm: '3DES-CBC' | 'DES-CBC',
  key: Uint8Array,
  iv: Uint8Array,
  input: Uint8Array,
): Uint8Array {
  const keyBuffer = forge.util.createBuffer(binaryStringOf(key));
  const cipher =
    direction === 'encrypt' ? forge.cipher.createCipher(algorithm, keyBuffer) : forge.cipher.createDecipher(algorithm, keyBuffer);
  cipher.start({ iv: forge.util.createBuffer(binaryStringOf(iv)) });
  cipher.update(forge.util.createBuffer(binaryStringOf(input)));
  if (!cipher.finish()) throw new Error('bad padding');
  return bytesFromBinaryString(cipher.output.getBytes());
}
