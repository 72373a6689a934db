/**
 * Every way a customer's certificate or file can be refused. Each reason is distinct so the
 * flow can explain it and offer the right way forward; none carries file bytes or secrets.
 */
export type CertificateFailure =
  | 'wrongPassword' // the key file does not decrypt with this password (the caller counts attempts)
  | 'keyMismatch' // the private key is not the certificate's
  | 'notYetValid'
  | 'expired'
  | 'untrustedChain' // the chain does not reach a trusted root
  | 'revoked'
  | 'unsupportedFile' // a well-formed file of a kind or scheme we do not handle
  | 'excessiveKeyProtection' // asks for far more key-derivation work than real files do; refused before deriving
  | 'corruptFile' // not parseable: random bytes, truncated DER, wrong file given
  | 'fileTooLarge'
  | 'missingKey' // e.g. a PFX without a private key
  | 'missingCertificate'
  | 'notPersonal' // a corporate (법인) or otherwise non-personal certificate
  | 'ownerMismatch' // the VID does not match the customer's 주민등록번호
  | 'noRandom' // the key file kept no R (e.g. a PFX made by openssl), so the VID cannot be checked: the NPKI folder would do
  | 'notRenewable'; // a renewal of a valid certificate that is not yet within the renewal window before its expiry

/** Which of the customer's files the failure is about, so the bot can say which one is wrong. */
export type CertificateFileRole = 'certificate' | 'privateKey' | 'pfx' | 'zip';

export class CertificateError extends Error {
  override name = 'CertificateError';

  constructor(
    readonly reason: CertificateFailure,
    readonly file?: CertificateFileRole,
    /** A short technical note for logs; never contains file contents, passwords or 주민등록번호. */
    readonly detail?: string,
  ) {
    super(`${reason}${file ? ` (${file})` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

/** Largest file we accept from a customer; real NPKI files are a few KB. */
export const MAX_FILE_BYTES = 64 * 1024;

export function assertFileSize(bytes: Uint8Array, file: CertificateFileRole): void {
  if (bytes.length > MAX_FILE_BYTES) throw new CertificateError('fileTooLarge', file, `${bytes.length} bytes`);
  if (bytes.length === 0) throw new CertificateError('corruptFile', file, 'empty');
}
