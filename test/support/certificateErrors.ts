import { CertificateError, CertificateFailure, CertificateFileRole } from '../../src/certificates/npki/certificateError';

/** Runs `action` and expects it to throw a CertificateError with this reason about this file. */
export function expectCertificateError(action: () => unknown, reason: CertificateFailure, file: CertificateFileRole): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CertificateError);
  expect((thrown as CertificateError).reason).toBe(reason);
  expect((thrown as CertificateError).file).toBe(file);
}
