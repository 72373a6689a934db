import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateError } from '../npki/certificateError';

const MAX_CHAIN_LENGTH = 5;

/**
 * The roots we trust and the intermediate CAs we know, and the chain building between them.
 * Node's X509Certificate checks names (checkIssued) and signatures natively.
 */
export class TrustStore {
  constructor(
    private readonly roots: readonly X509Certificate[],
    private readonly intermediates: readonly X509Certificate[],
  ) {}

  /** Adds the certificates (PEM or DER, one per file) of a folder: self-signed ones as roots. */
  static async fromFolder(
    folder: string | undefined,
    base: { roots: X509Certificate[]; intermediates: X509Certificate[] },
  ): Promise<TrustStore> {
    const roots = [...base.roots];
    const intermediates = [...base.intermediates];
    for (const file of folder === undefined ? [] : await readdir(folder)) {
      if (!/\.(pem|crt|cer|der)$/i.test(file)) continue;
      const certificate = new X509Certificate(await readFile(join(folder as string, file)));
      (isSelfSigned(certificate) ? roots : intermediates).push(certificate);
    }
    return new TrustStore(roots, intermediates);
  }

  /**
   * The chain from `certificate` up to a trusted root (leaf first, root last), every link
   * signed by the next and valid at `now`; otherwise CertificateError('untrustedChain').
   */
  chainOf(certificate: X509Certificate, now: Date): X509Certificate[] {
    const chain = [certificate];
    const candidates = [...this.intermediates, ...this.roots];
    for (let current = certificate; chain.length <= MAX_CHAIN_LENGTH;) {
      if (this.roots.some((root) => root.fingerprint256 === current.fingerprint256)) return chain;
      const issuer = candidates.find((c) => c.ca && current.checkIssued(c) && current.verify(c.publicKey) && validAt(c, now));
      if (issuer === undefined) break;
      chain.push(issuer);
      current = issuer;
    }
    throw new CertificateError('untrustedChain', 'certificate');
  }
}

function isSelfSigned(certificate: X509Certificate): boolean {
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

function validAt(certificate: X509Certificate, now: Date): boolean {
  return new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);
}
