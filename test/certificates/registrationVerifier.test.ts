import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { CertificateError, CertificateFailure } from '../../src/certificates/npki/certificateError';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { PossessionCheck, RegistrationVerifier } from '../../src/certificates/registrationVerifier';
import { CrlFolderRevocation, SandboxCaRevocation } from '../../src/certificates/ca/revocation';
import { BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { TrustStore } from '../../src/certificates/ca/trustStore';
import { type CertificateFilesOnDevice, provePossession } from '../../src/device/possessionProof';
import { FIXTURE_IDN, FIXTURE_PASSWORD, fixture, fixtureDir } from '../support/opensslFixtures';

/**
 * The server's side of a registration: what the device proved (test/device/possessionProof.test.ts
 * has the files, the schemes and the refusals a customer meets) checked against the trust store,
 * the clock and the revocation sources.
 */
const DAY = 24 * 3600 * 1000;
const CHALLENGE = randomBytes(32);
let verifier: RegistrationVerifier;
let ca: SandboxCa;

beforeAll(async () => {
  ca = await SandboxCa.open({
    profile: BANK_CA_PROFILE,
    folder: join(mkdtempSync(join(tmpdir(), 'jca-ca-')), 'bank'),
    ledger: new MemoryCaLedger(),
    crlUrl: 'http://127.0.0.1/ca/bank.crl',
  });
  // The other bank's root and issuing CA come from the openssl fixtures, as a configured trust folder would.
  const trustStore = new TrustStore(
    [ca.rootCertificate, new X509Certificate(fixture('root.pem'))],
    [ca.issuingCertificate, new X509Certificate(fixture('issuing.pem'))],
  );
  verifier = new RegistrationVerifier(trustStore, [
    new SandboxCaRevocation([ca]),
    await CrlFolderRevocation.load(join(fixtureDir(), 'crl')),
  ]);
});

/** What the device posts once it opened the files and signed the challenge. */
async function proofFrom(files: CertificateFilesOnDevice, password: string, idn: string): Promise<PossessionCheck> {
  const result = await provePossession({ files, password, challenge: CHALLENGE });
  if (result.status !== 'signed') throw new Error(`expected a signed proof, got ${result.status}`);
  return { ...result.proof, challenge: CHALLENGE, idn };
}

const fixtureProof = () =>
  proofFrom({ signCert: fixture('personal.signCert.der'), signPri: fixture('personal.signPri.key') }, FIXTURE_PASSWORD, FIXTURE_IDN);

async function failure(promise: Promise<unknown>): Promise<{ reason: CertificateFailure; file?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CertificateError)) throw new Error(`expected a CertificateError, got ${String(error)}`);
  return { reason: error.reason, file: error.file };
}

describe('another bank’s certificate made by the openssl CLI, proven on the device', () => {
  test('is accepted and described: name, CA, kind, the VID’s hash', async () => {
    const { summary } = await verifier.verifyPossession(await fixtureProof());
    expect(summary.realName).toBe('홍길동');
    expect(summary.maskedName).toBe('홍*동');
    expect(summary.policy).toMatchObject({ ca: 'KICA', kind: 'personalGeneral', holder: 'personal' });
    expect(summary.virtualId?.hashAlgorithm).toBe('sha256');
  });

  test('is not yet valid, or expired, by the clock of the check', async () => {
    const proof = await fixtureProof();
    const { notBefore, notAfter } = await verifier.checkCertificate(proof.certificate);
    expect((await failure(verifier.verifyPossession({ ...proof, now: new Date(notBefore.getTime() - DAY) }))).reason).toBe('notYetValid');
    expect((await failure(verifier.verifyPossession({ ...proof, now: new Date(notAfter.getTime() + DAY) }))).reason).toBe('expired');
  });

  test.each<[string, Uint8Array, CertificateFailure]>([
    ['random bytes', randomBytes(900), 'corruptFile'],
    ['the key file', fixture('personal.signPri.key'), 'corruptFile'],
    ['an oversized file', Buffer.alloc(70_000, 1), 'fileTooLarge'],
  ])('a proof whose certificate is %s is refused as that, before its signature is looked at', async (_name, certificate, reason) => {
    const proof = await fixtureProof();
    expect(await failure(verifier.verifyPossession({ ...proof, certificate }))).toEqual({ reason, file: 'certificate' });
  });
});

describe('a certificate issued by our sandbox CA', () => {
  test('is accepted, and refused once the CA revoked it', async () => {
    const issued = await ca.issue({ realName: '김철수', idn: '0203044123456', type: 'personalBanking' });
    const files = { signCert: issued.certificate, signPri: await encryptPrivateKeyFile(issued.privateKeyInfo, 'Sandbox!2345') };
    const proof = await proofFrom(files, 'Sandbox!2345', '0203044123456');
    const { summary } = await verifier.verifyPossession(proof);
    expect(summary.policy).toMatchObject({ ca: 'yessign', kind: 'personalBanking' });
    expect(summary.subjectDn).toBe(issued.subjectDn);

    await ca.revoke(issued.serialNumber, 'superseded');
    expect((await failure(verifier.verifyPossession(proof))).reason).toBe('revoked');
  });
});
