/**
 * The entry the browser test bundles with esbuild: npki/'s round trips, exposed on
 * `globalThis.npki` with bytes as base64 (hex for short values) so that they cross
 * `page.evaluate` as plain strings. Nothing here is Node: it is what issue I's secure page runs.
 */
import { base64Of, bytesFromBase64, bytesFromHex, hexOf } from '../../../src/certificates/npki/bytes';
import { CertificateError } from '../../../src/certificates/npki/certificateError';
import { inspectCertificate } from '../../../src/certificates/npki/certificateInspection';
import { readNpkiZip, writeNpkiZip } from '../../../src/certificates/npki/npkiBundle';
import { readPkcs12, writePkcs12 } from '../../../src/certificates/npki/pkcs12';
import {
  decryptPrivateKeyFile,
  encryptPrivateKeyFile,
  type EncryptPrivateKeyFileOptions,
} from '../../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../../src/certificates/npki/privateKeyInfo';
import { seedCbcDecrypt, seedCbcEncrypt } from '../../../src/certificates/npki/seed';
import { computeVirtualId, verifyVirtualId, type VidHashAlgorithm } from '../../../src/certificates/npki/virtualId';

/** What a key or PFX opened in the browser gave: the PrivateKeyInfo's bytes and R. */
export interface OpenedKey {
  readonly privateKeyInfo: string;
  readonly randomNum?: string;
}

/** A refusal, as the reason a CertificateError gives; anything else is thrown as is. */
export interface Refusal {
  readonly refused: string;
}

async function orRefusal<T>(work: () => Promise<T>): Promise<T | Refusal> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CertificateError) return { refused: error.reason };
    throw error;
  }
}

function opened(privateKeyInfo: Uint8Array): OpenedKey {
  const { randomNum } = readPrivateKeyInfo(privateKeyInfo);
  return { privateKeyInfo: base64Of(privateKeyInfo), ...(randomNum !== undefined && { randomNum: hexOf(randomNum) }) };
}

const roundTrips = {
  seedCbc(keyHex: string, ivHex: string, plaintextHex: string): { ciphertext: string; decrypted: string } {
    const [key, iv] = [bytesFromHex(keyHex), bytesFromHex(ivHex)];
    const ciphertext = seedCbcEncrypt(key, iv, bytesFromHex(plaintextHex));
    return { ciphertext: hexOf(ciphertext), decrypted: hexOf(seedCbcDecrypt(key, iv, ciphertext)) };
  },

  async encryptKeyFile(privateKeyInfo: string, password: string, options?: EncryptPrivateKeyFileOptions): Promise<string> {
    return base64Of(await encryptPrivateKeyFile(bytesFromBase64(privateKeyInfo), password, options));
  },

  decryptKeyFile(signPri: string, password: string): Promise<OpenedKey | Refusal> {
    return orRefusal(async () => opened(await decryptPrivateKeyFile(bytesFromBase64(signPri), password)));
  },

  readPfx(pfx: string, password: string): Promise<(OpenedKey & { certificate: string; chain: string[] }) | Refusal> {
    return orRefusal(async () => {
      const contents = await readPkcs12(bytesFromBase64(pfx), password);
      return { ...opened(contents.privateKeyInfo), certificate: base64Of(contents.certificate), chain: contents.chain.map(base64Of) };
    });
  },

  async writePfx(certificate: string, privateKeyInfo: string, password: string): Promise<string> {
    return base64Of(
      await writePkcs12({ certificate: bytesFromBase64(certificate), privateKeyInfo: bytesFromBase64(privateKeyInfo), password }),
    );
  },

  async computeVid(idn: string, randomNumHex: string, hash: VidHashAlgorithm): Promise<string> {
    return hexOf(await computeVirtualId(idn, bytesFromHex(randomNumHex), hash));
  },

  verifyVid(certificate: string, idn: string, randomNumHex: string): Promise<boolean> {
    return verifyVirtualId(bytesFromBase64(certificate), idn, bytesFromHex(randomNumHex));
  },

  /** The summary with its dates as ISO text, as JSON carries it. */
  async inspect(certificate: string): Promise<Record<string, unknown>> {
    const summary = await inspectCertificate(bytesFromBase64(certificate));
    return { ...summary, notBefore: summary.notBefore.toISOString(), notAfter: summary.notAfter.toISOString() };
  },

  readZip(zip: string): Record<string, string> {
    const contents = readNpkiZip(bytesFromBase64(zip));
    return 'pfx' in contents
      ? { pfx: base64Of(contents.pfx) }
      : { signCert: base64Of(contents.signCert), signPri: base64Of(contents.signPri) };
  },

  writeZip(caDirectory: string, subjectDn: string, signCert: string, signPri: string): string {
    return base64Of(writeNpkiZip({ caDirectory, subjectDn, signCert: bytesFromBase64(signCert), signPri: bytesFromBase64(signPri) }));
  },
};

export type NpkiRoundTrips = typeof roundTrips;

(globalThis as { npki?: NpkiRoundTrips }).npki = roundTrips;
