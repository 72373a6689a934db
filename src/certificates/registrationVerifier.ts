import { X509Certificate, verify } from 'node:crypto';
import { bufferOf } from './bufferOf';
import { CertificateError, assertFileSize } from './npki/certificateError';
import { CertificateSummary, inspectCertificate } from './npki/certificateInspection';
import { isRevoked, RevocationSource } from './ca/revocation';
import type { TrustStore } from './ca/trustStore';
import { verifyVirtualId } from './npki/virtualId';

/** The device opened the files and signed the challenge; the key never came here. */
export interface KeyProof {
  readonly certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `challenge`, by the certificate's key. */
  readonly signature: Uint8Array;
  readonly challenge: Uint8Array;
  readonly now?: Date;
}

/** Registration and renewal of a known customer's certificate on the secure page: the key, and the owner through R. */
export interface PossessionCheck extends KeyProof {
  /** R, when the device's file kept it. */
  readonly randomNum?: Uint8Array;
  /** The verified customer's 주민등록번호, for the VID check only; never kept. */
  readonly idn: string;
}

export interface VerifiedCertificate {
  readonly certificate: Buffer;
  readonly summary: CertificateSummary;
}

/**
 * Every check a bank makes before registering another institution's certificate, once the device
 * proved it holds the key. Each failure is a distinct CertificateError reason, in the order a
 * customer can act on: the file, its validity, chain, revocation and kind, then the key, and
 * finally the owner.
 */
export class RegistrationVerifier {
  constructor(
    private readonly trustStore: TrustStore,
    private readonly revocation: readonly RevocationSource[],
  ) {}

  /** The certificate's own checks: file, validity, chain, revocation, policy (personal only). */
  async checkCertificate(certificateDer: Uint8Array, now: Date = new Date()): Promise<CertificateSummary> {
    assertFileSize(certificateDer, 'certificate');
    const summary = await inspectCertificate(certificateDer);
    if (now < summary.notBefore) throw new CertificateError('notYetValid', 'certificate');
    if (now > summary.notAfter) throw new CertificateError('expired', 'certificate');
    const certificate = new X509Certificate(certificateDer);
    const chain = this.trustStore.chainOf(certificate, now);
    const issuer = chain[1];
    if (issuer !== undefined && (await isRevoked(this.revocation, certificate, issuer)))
      throw new CertificateError('revoked', 'certificate');
    if (summary.policy === undefined) throw new CertificateError('unsupportedFile', 'certificate', 'unknown certificate policy');
    if (summary.policy.holder !== 'personal') throw new CertificateError('notPersonal', 'certificate');
    return summary;
  }

  /**
   * Every check a registration makes, with the challenge's signature for the key: the certificate's
   * own checks, then possession ('keyMismatch'), then the owner, from R ('noRandom' without it).
   */
  async verifyPossession(proof: PossessionCheck): Promise<VerifiedCertificate> {
    const { summary } = await this.verifyKey(proof);
    if (proof.randomNum === undefined) throw new CertificateError('noRandom', 'privateKey');
    await this.checkOwner(proof.certificate, proof.idn, proof.randomNum);
    return { certificate: bufferOf(proof.certificate), summary };
  }

  /**
   * The certificate's own checks and possession of its key, without the owner: renewal by key,
   * where the certificate on record names its owner.
   */
  async verifyKey(proof: KeyProof): Promise<VerifiedCertificate> {
    const summary = await this.checkCertificate(proof.certificate, proof.now);
    if (!signedBy(proof.certificate, proof.challenge, proof.signature)) throw new CertificateError('keyMismatch', 'privateKey');
    return { certificate: bufferOf(proof.certificate), summary };
  }

  /** The VID binds the certificate to a 주민등록번호 through R, which only the key file holds. */
  private async checkOwner(certificate: Uint8Array, idn: string, randomNum: Uint8Array): Promise<void> {
    if (!(await verifyVirtualId(certificate, idn, randomNum))) throw new CertificateError('ownerMismatch', 'certificate');
  }
}

/** Whether the certificate's key made `signature` over `data` (RSASSA-PKCS1-v1_5, SHA-256). */
function signedBy(certificate: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, new X509Certificate(certificate).publicKey, signature);
  } catch {
    return false;
  }
}
