/**
 * Registration and renewal prove possession on the device: the customer's files are opened there
 * with their password, and the key signs the server's challenge. The password and the key never
 * leave the device; the certificate, the signature and R (for the VID check) do.
 */
import { assertFileSize, CertificateError, type CertificateFailure, type CertificateFileRole } from '../certificates/npki/certificateError';
import { inspectCertificate } from '../certificates/npki/certificateInspection';
import { readNpkiZip } from '../certificates/npki/npkiBundle';
import { readPkcs12 } from '../certificates/npki/pkcs12';
import { decryptPrivateKeyFile } from '../certificates/npki/privateKeyFile';
import { bareRsaPrivateKeyInfo, keyMatchesCertificate, readPrivateKeyInfo } from '../certificates/npki/privateKeyInfo';
import { bufferSource, subtle } from '../certificates/npki/webCrypto';
import { SIGNATURE_ALGORITHM, signWith } from './deviceKeys';

/** The customer's certificate as chosen on the device: the NPKI pair (any scheme npki reads), a PFX, or an NPKI folder zipped. */
export type CertificateFilesOnDevice =
  { readonly signCert: Uint8Array; readonly signPri: Uint8Array } | { readonly pfx: Uint8Array } | { readonly zip: Uint8Array };

/** What the page posts to `/secure/api/proof`. */
export interface PossessionProof {
  readonly certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over the challenge. */
  readonly signature: Uint8Array;
  /** R from the key's attributes, when the file kept it. */
  readonly randomNum?: Uint8Array;
}

export type PossessionResult =
  | { readonly status: 'signed'; readonly proof: PossessionProof & { readonly randomNum: Uint8Array } }
  /** Signed, but the file kept no R (e.g. a PFX made by openssl): the server cannot check the VID; the NPKI folder would do. */
  | { readonly status: 'noRandom'; readonly proof: PossessionProof }
  /** Counted by the server (`/secure/api/wrong-password`). */
  | { readonly status: 'wrongPassword' }
  /** Not files we can use: which one and why (corrupt, unsupported, the key not the certificate's …). */
  | { readonly status: 'unreadable'; readonly reason: CertificateFailure; readonly file?: CertificateFileRole };

export async function provePossession(request: {
  readonly files: CertificateFilesOnDevice;
  readonly password: string;
  readonly challenge: Uint8Array;
}): Promise<PossessionResult> {
  try {
    const { certificate, privateKeyInfo } = await openCertificateFiles(request.files, request.password);
    if (!keyMatchesCertificate(privateKeyInfo, certificate)) throw new CertificateError('keyMismatch', 'privateKey');
    const { randomNum } = readPrivateKeyInfo(privateKeyInfo);
    // R stays out of what WebCrypto imports: WebKit refuses (or misreads) a PKCS#8 with attributes.
    const key = await subtle().importKey('pkcs8', bufferSource(bareRsaPrivateKeyInfo(privateKeyInfo)), SIGNATURE_ALGORITHM, false, [
      'sign',
    ]);
    const signature = await signWith(key, request.challenge);
    return randomNum === undefined
      ? { status: 'noRandom', proof: { certificate, signature } }
      : { status: 'signed', proof: { certificate, signature, randomNum } };
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    if (error.reason === 'wrongPassword') return { status: 'wrongPassword' };
    return { status: 'unreadable', reason: error.reason, ...(error.file !== undefined && { file: error.file }) };
  }
}

/** The certificate and the decrypted PrivateKeyInfo (R included); throws CertificateError. */
async function openCertificateFiles(
  files: CertificateFilesOnDevice,
  password: string,
): Promise<{ certificate: Uint8Array; privateKeyInfo: Uint8Array }> {
  const unzipped = 'zip' in files ? readNpkiZip(files.zip) : files;
  if ('pfx' in unzipped) return readPkcs12(unzipped.pfx, password);
  // The certificate first, so a key file given in its place is reported as the wrong file.
  assertFileSize(unzipped.signCert, 'certificate');
  await inspectCertificate(unzipped.signCert);
  return { certificate: unzipped.signCert, privateKeyInfo: await decryptPrivateKeyFile(unzipped.signPri, password) };
}
