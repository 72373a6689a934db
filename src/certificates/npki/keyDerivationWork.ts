/**
 * The key-derivation work a customer's key file asks for, and the most any file may ask.
 *
 * A password-based file names its own iteration count, so whoever wrote it chooses what opening it
 * costs the device that opens it (the secure page, the terminal chat). Real files ask for little: NPKI keys 2048 iterations, PKCS#12 files 3 × 2048 (OpenSSL)
 * or 3 × 10,000 (Java). A file asking for more than MAX_KEY_DERIVATION_ITERATIONS in all is
 * refused while it is parsed, before any derivation runs.
 */
import { CertificateError, type CertificateFileRole } from './certificateError';
import { type Asn1, naturalNumberOf, UnexpectedAsn1 } from './der';

/** The sum of the iteration counts one file may declare. */
export const MAX_KEY_DERIVATION_ITERATIONS = 100_000;

/** Throws 'excessiveKeyProtection' when the iteration counts declared so far add up past the cap. */
export function assertIterationsWithinCap(declared: number, file: CertificateFileRole): void {
  if (declared > MAX_KEY_DERIVATION_ITERATIONS) {
    throw new CertificateError('excessiveKeyProtection', file, `${declared} iterations, above ${MAX_KEY_DERIVATION_ITERATIONS}`);
  }
}

/** An iteration count as a file declares it: at least 1, and refused past the cap here, while parsing, so nothing is derived with it. */
export function readIterationCount(node: Asn1 | undefined, file: CertificateFileRole): number {
  const iterations = naturalNumberOf(node, 'iteration count');
  if (iterations < 1) throw new UnexpectedAsn1('iteration count below 1');
  assertIterationsWithinCap(iterations, file);
  return iterations;
}
