import type { CertificateFailure } from '../../certificates/npki/certificateError';
import type { CertificateFilesOnDevice } from '../../device/possessionProof';

/** A file the customer chose, read into memory (certificate files are a few KB). */
export interface ChosenFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const extensionOf = (name: string): string => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

/**
 * Which of the customer's certificate forms the chosen files are, by their names: an NPKI folder
 * zipped, a PFX, or the signing pair (signCert.der + signPri.key; a whole NPKI folder's files may be
 * chosen, the kmCert/kmPri encryption pair beside them). Otherwise what is missing.
 */
export function certificateFilesOf(files: readonly ChosenFile[]): CertificateFilesOnDevice | CertificateFailure {
  const byExtension = (...extensions: string[]) => files.filter((file) => extensions.includes(extensionOf(file.name)));
  const signing = (candidates: ChosenFile[]) => candidates.find((file) => /^sign/i.test(file.name)) ?? candidates[0];
  const [zip] = byExtension('zip');
  if (zip !== undefined) return { zip: zip.bytes };
  const [pfx] = byExtension('pfx', 'p12');
  if (pfx !== undefined) return { pfx: pfx.bytes };
  const signCert = signing(byExtension('der', 'cer', 'crt'));
  const signPri = signing(byExtension('key'));
  if (signCert !== undefined && signPri !== undefined) return { signCert: signCert.bytes, signPri: signPri.bytes };
  if (signCert !== undefined) return 'missingKey';
  return signPri !== undefined ? 'missingCertificate' : 'unsupportedFile';
}
