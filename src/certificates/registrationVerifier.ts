import { X509Certificate } from 'node:crypto';
import { bufferOf } from './bufferOf';
import { CertificateError, assertFileSize } from './npki/certificateError';
import { CertificateSummary, inspectCertificate } from './npki/certificateInspection';
import type { DeclaredDerivation } from './npki/keyDerivationWork';
import { decryptPrivateKeyFile, privateKeyFileDerivations } from './npki/privateKeyFile';
import { keyMatchesCertificate, readPrivateKeyInfo } from './npki/privateKeyInfo';
import { pkcs12Derivations, readPkcs12 } from './npki/pkcs12';
import { isRevoked, RevocationSource } from './ca/revocation';
import type { TrustStore } from './ca/trustStore';
import { verifyVirtualId } from './npki/virtualId';

/** A customer's certificate as they hand it over: the NPKI pair, or one PKCS#12 file. */
export type CustomerCertificateFiles = { readonly signCert: Uint8Array; readonly signPri: Uint8Array } | { readonly pfx: Uint8Array };

export interface RegistrationCheck {
  readonly files: CustomerCertificateFiles;
  readonly password: string;
  /** The verified customer's 주민등록번호, for the VID check only; never kept. */
  readonly idn: string;
  readonly now?: Date;
}

export interface VerifiedCertificate {
  readonly certificate: Buffer;
  readonly summary: CertificateSummary;
}

/**
 * Every check a bank makes before registering another institution's certificate. Each failure
 * is a distinct CertificateError reason, in the order a customer can act on: the file, its
 * validity, chain, revocation and kind, then the password, the key, and finally the owner.
 */
export class RegistrationVerifier {
  constructor(
    private readonly trustStore: TrustStore,
    private readonly revocation: readonly RevocationSource[],
  ) {}

  /** The checks that need no password: worth doing before asking the customer for one. */
  async checkCertificate(
    certificateDer: Uint8Array,
    now: Date = new Date(),
    extraChain: readonly Uint8Array[] = [],
  ): Promise<CertificateSummary> {
    assertFileSize(certificateDer, 'certificate');
    const summary = await inspectCertificate(certificateDer);
    if (now < summary.notBefore) throw new CertificateError('notYetValid', 'certificate');
    if (now > summary.notAfter) throw new CertificateError('expired', 'certificate');
    const certificate = new X509Certificate(certificateDer);
    const chain = this.trustStore.chainOf(
      certificate,
      now,
      extraChain.map((der) => new X509Certificate(der)),
    );
    const issuer = chain[1];
    if (issuer !== undefined && (await isRevoked(this.revocation, certificate, issuer)))
      throw new CertificateError('revoked', 'certificate');
    if (summary.policy === undefined) throw new CertificateError('unsupportedFile', 'certificate', 'unknown certificate policy');
    if (summary.policy.holder !== 'personal') throw new CertificateError('notPersonal', 'certificate');
    return summary;
  }

  async verify(check: RegistrationCheck): Promise<VerifiedCertificate> {
    const unlocked = await this.unlock(check.files, check.password, check.now);
    await this.checkOwner(unlocked.certificate, check.idn, unlocked.randomNum);
    return { certificate: unlocked.certificate, summary: unlocked.summary };
  }

  /**
   * Everything but the owner check: the password opens the key, the key is the certificate's,
   * and the certificate passes every check. The owner check can then run in a later turn, with
   * the 주민등록번호 asked again, from R (which the caller keeps sealed).
   */
  async unlock(files: CustomerCertificateFiles, password: string, now: Date = new Date()): Promise<UnlockedCertificate> {
    const opened = await openFiles(files, password);
    const summary = await this.checkCertificate(opened.certificate, now, opened.chain);
    const { randomNum } = readPrivateKeyInfo(opened.privateKeyInfo);
    if (!keyMatchesCertificate(opened.privateKeyInfo, opened.certificate)) throw new CertificateError('keyMismatch', 'privateKey');
    return { certificate: bufferOf(opened.certificate), summary, ...(randomNum !== undefined && { randomNum: bufferOf(randomNum) }) };
  }

  /** The VID binds the certificate to a 주민등록번호 through R, which only the key file holds. */
  async checkOwner(certificate: Uint8Array, idn: string, randomNum: Uint8Array | undefined): Promise<void> {
    if (randomNum === undefined) throw new CertificateError('ownerMismatch', 'privateKey', 'no randomNum in the key');
    if (!(await verifyVirtualId(certificate, idn, randomNum))) throw new CertificateError('ownerMismatch', 'certificate');
  }
}

export interface UnlockedCertificate extends VerifiedCertificate {
  /** R from the key's attributes; as sensitive as the 주민등록번호 itself. */
  readonly randomNum?: Buffer;
}

/**
 * The key derivations opening the files will run, read without the password; throws what opening
 * them throws before deriving, a file asking too much ('excessiveKeyProtection') included.
 */
export async function keyDerivationsOf(files: CustomerCertificateFiles): Promise<DeclaredDerivation[]> {
  if ('pfx' in files) return pkcs12Derivations(files.pfx);
  await parseCertificateFirst(files.signCert);
  return privateKeyFileDerivations(files.signPri);
}

interface OpenedFiles {
  readonly certificate: Uint8Array;
  readonly privateKeyInfo: Uint8Array;
  readonly chain: Uint8Array[];
}

async function openFiles(files: CustomerCertificateFiles, password: string): Promise<OpenedFiles> {
  if ('pfx' in files) return readPkcs12(files.pfx, password);
  await parseCertificateFirst(files.signCert);
  return { certificate: files.signCert, privateKeyInfo: await decryptPrivateKeyFile(files.signPri, password), chain: [] };
}

/** The certificate is parsed before the key, so a key file given in its place is reported as the wrong file. */
async function parseCertificateFirst(signCert: Uint8Array): Promise<void> {
  assertFileSize(signCert, 'certificate');
  await inspectCertificate(signCert);
}
