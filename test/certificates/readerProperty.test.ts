import fc from 'fast-check';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { readNpkiZip, writeNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { readPkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { FIXTURE_PASSWORD, fixture } from '../support/opensslFixtures';

/**
 * 10,000 damaged versions of valid files (truncated, bytes flipped, bytes inserted) go through
 * the readers: each either reads or fails with a typed CertificateError, never anything else.
 */
const damaged = (original: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: original.length - 1 }).map((end) => original.subarray(0, end)),
    fc
      .array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const copy = Buffer.from(original);
        for (const [at, mask] of flips) copy[at] = (copy[at] ?? 0) ^ mask;
        return copy;
      }),
    fc
      .tuple(fc.nat({ max: original.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([at, bytes]) => Buffer.concat([original.subarray(0, at), Buffer.from(bytes), original.subarray(at)])),
  );

async function onlyTypedErrors(read: () => unknown): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (err) {
    if (err instanceof CertificateError) return true;
    throw err;
  }
}

const signCert = fixture('personal.signCert.der');
const signPri = fixture('personal.signPri.key');

test.each([
  { name: 'signCert.der', original: signCert, runs: 4000, read: (bytes: Uint8Array) => inspectCertificate(bytes) },
  { name: 'signPri.key', original: signPri, runs: 3000, read: (bytes: Uint8Array) => decryptPrivateKeyFile(bytes, FIXTURE_PASSWORD) },
  {
    name: 'an NPKI zip',
    original: writeNpkiZip({
      caDirectory: 'KICA',
      subjectDn: 'cn=홍길동()0081,ou=OTHERBANK,ou=personal4IB,o=KICA,c=KR',
      signCert,
      signPri,
    }),
    runs: 2500,
    read: (bytes: Uint8Array) => readNpkiZip(bytes),
  },
  { name: 'a PKCS#12', original: fixture('personal.p12'), runs: 500, read: (bytes: Uint8Array) => readPkcs12(bytes, FIXTURE_PASSWORD) },
])(
  'damaged $name: only typed errors escape ($runs cases)',
  async ({ original, runs, read }) => {
    await fc.assert(
      fc.asyncProperty(damaged(original), (bytes) => onlyTypedErrors(() => read(bytes))),
      { numRuns: runs, seed: 4269 },
    );
  },
  120_000,
);
