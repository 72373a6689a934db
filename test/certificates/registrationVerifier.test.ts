import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { CertificateError, CertificateFailure } from '../../src/certificates/npki/certificateError';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { RegistrationVerifier } from '../../src/certificates/registrationVerifier';
import { CrlFolderRevocation, SandboxCaRevocation } from '../../src/certificates/ca/revocation';
import { BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { TrustStore } from '../../src/certificates/ca/trustStore';
import { FIXTURE_IDN, FIXTURE_PASSWORD, fixture, fixtureDir } from '../support/opensslFixtures';

const DAY = 24 * 3600 * 1000;
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

const pair = (prefix: string, keyFile = `${prefix}.signPri.key`) => ({
  signCert: fixture(`${prefix}.signCert.der`),
  signPri: fixture(keyFile),
});

async function failure(promise: Promise<unknown>): Promise<{ reason: CertificateFailure; file?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CertificateError)) throw new Error(`expected a CertificateError, got ${String(error)}`);
  return { reason: error.reason, file: error.file };
}

describe('another bank’s certificate made by the openssl CLI', () => {
  test('is accepted with the right password and 주민등록번호, and described', async () => {
    const { summary } = await verifier.verify({ files: pair('personal'), password: FIXTURE_PASSWORD, idn: FIXTURE_IDN });
    expect(summary.realName).toBe('홍길동');
    expect(summary.maskedName).toBe('홍*동');
    expect(summary.policy).toMatchObject({ ca: 'KICA', kind: 'personalGeneral', holder: 'personal' });
    expect(summary.virtualId?.hashAlgorithm).toBe('sha256');
  });

  test.each<[string, () => Parameters<RegistrationVerifier['verify']>[0], CertificateFailure, string]>([
    ['wrong password', () => ({ files: pair('personal'), password: 'wrong-Password1!', idn: FIXTURE_IDN }), 'wrongPassword', 'privateKey'],
    [
      'another certificate’s key',
      () => ({
        files: { signCert: fixture('personal.signCert.der'), signPri: fixture('corporate.signPri.key') },
        password: FIXTURE_PASSWORD,
        idn: FIXTURE_IDN,
      }),
      'keyMismatch',
      'privateKey',
    ],
    [
      'a revoked certificate (the CA’s CRL)',
      () => ({ files: pair('revoked'), password: FIXTURE_PASSWORD, idn: FIXTURE_IDN }),
      'revoked',
      'certificate',
    ],
    [
      'a corporate certificate',
      () => ({ files: pair('corporate'), password: FIXTURE_PASSWORD, idn: FIXTURE_IDN }),
      'notPersonal',
      'certificate',
    ],
    [
      'a policy we do not know',
      () => ({ files: pair('unknownpolicy'), password: FIXTURE_PASSWORD, idn: FIXTURE_IDN }),
      'unsupportedFile',
      'certificate',
    ],
    [
      'someone else’s 주민등록번호',
      () => ({ files: pair('personal'), password: FIXTURE_PASSWORD, idn: '8505052345678' }),
      'ownerMismatch',
      'certificate',
    ],
    [
      'a key without the random number R',
      () => ({ files: pair('personal', 'personal.openssl-seed.key'), password: FIXTURE_PASSWORD, idn: FIXTURE_IDN }),
      'ownerMismatch',
      'privateKey',
    ],
    [
      'a certificate nobody trusts',
      () => ({
        files: { signCert: fixture('stranger.signCert.der'), signPri: fixture('personal.signPri.key') },
        password: FIXTURE_PASSWORD,
        idn: FIXTURE_IDN,
      }),
      'untrustedChain',
      'certificate',
    ],
    [
      'random bytes as the certificate',
      () => ({
        files: { signCert: randomBytes(900), signPri: fixture('personal.signPri.key') },
        password: FIXTURE_PASSWORD,
        idn: FIXTURE_IDN,
      }),
      'corruptFile',
      'certificate',
    ],
    [
      'the key file given as the certificate',
      () => ({
        files: { signCert: fixture('personal.signPri.key'), signPri: fixture('personal.signPri.key') },
        password: FIXTURE_PASSWORD,
        idn: FIXTURE_IDN,
      }),
      'corruptFile',
      'certificate',
    ],
    [
      'the certificate given as the key',
      () => ({
        files: { signCert: fixture('personal.signCert.der'), signPri: fixture('personal.signCert.der') },
        password: FIXTURE_PASSWORD,
        idn: FIXTURE_IDN,
      }),
      'corruptFile',
      'privateKey',
    ],
    [
      'an oversized file',
      () => ({
        files: { signCert: Buffer.alloc(70_000, 1), signPri: fixture('personal.signPri.key') },
        password: FIXTURE_PASSWORD,
        idn: FIXTURE_IDN,
      }),
      'fileTooLarge',
      'certificate',
    ],
  ])('%s is refused with its own reason', async (_name, check, reason, file) => {
    expect(await failure(verifier.verify(check()))).toEqual({ reason, file });
  });

  test('not yet valid, and expired, by the clock of the check', async () => {
    const { notBefore, notAfter } = await verifier.checkCertificate(fixture('personal.signCert.der'));
    const check = { files: pair('personal'), password: FIXTURE_PASSWORD, idn: FIXTURE_IDN };
    expect((await failure(verifier.verify({ ...check, now: new Date(notBefore.getTime() - DAY) }))).reason).toBe('notYetValid');
    expect((await failure(verifier.verify({ ...check, now: new Date(notAfter.getTime() + DAY) }))).reason).toBe('expired');
  });

  test('a PKCS#12 from openssl opens; without R the owner cannot be proven', async () => {
    const result = await failure(
      verifier.verify({ files: { pfx: fixture('personal.p12') }, password: FIXTURE_PASSWORD, idn: FIXTURE_IDN }),
    );
    expect(result).toEqual({ reason: 'ownerMismatch', file: 'privateKey' });
    expect((await failure(verifier.verify({ files: { pfx: fixture('personal.p12') }, password: 'nope', idn: FIXTURE_IDN }))).reason).toBe(
      'wrongPassword',
    );
  });
});

describe('a certificate issued by our sandbox CA', () => {
  test('is accepted, and refused once the CA revoked it', async () => {
    const issued = await ca.issue({ realName: '김철수', idn: '0203044123456', type: 'personalBanking' });
    const files = { signCert: issued.certificate, signPri: await encryptPrivateKeyFile(issued.privateKeyInfo, 'Sandbox!2345') };
    const { summary } = await verifier.verify({ files, password: 'Sandbox!2345', idn: '0203044123456' });
    expect(summary.policy).toMatchObject({ ca: 'yessign', kind: 'personalBanking' });
    expect(summary.subjectDn).toBe(issued.subjectDn);

    await ca.revoke(issued.serialNumber, 'superseded');
    expect((await failure(verifier.verify({ files, password: 'Sandbox!2345', idn: '0203044123456' }))).reason).toBe('revoked');
  });
});
