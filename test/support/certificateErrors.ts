import { CertificateError, CertificateFailure, CertificateFileRole } from '../../src/certificates/npki/certificateError';

/** Runs `action` (synchronous, or returning a promise) and expects a CertificateError with this reason about this file. */
export async function expectCertificateError(action: () => unknown, reason: CertificateFailure, file: CertificateFileRole): Promise<void> {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CertificateError);
  expect((thrown as CertificateError).reason).toBe(reason);
  expect((thrown as CertificateError).file).toBe(file);
}
