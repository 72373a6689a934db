import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeSerial, ParsedCrl, readCrl } from './certificateRevocationList';
import type { SandboxCa } from './sandboxCa';

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

/** Something that can tell whether an issuer revoked a certificate. */
export interface RevocationSource {
  status(certificate: X509Certificate, issuer: X509Certificate): Promise<RevocationStatus>;
}

/** The sandbox CAs' own records: exact and immediate, no CRL publication delay. */
export class SandboxCaRevocation implements RevocationSource {
  constructor(private readonly authorities: readonly SandboxCa[]) {}

  async status(certificate: X509Certificate): Promise<RevocationStatus> {
    const ca = this.authorities.find((authority) => authority.issued(certificate));
    return ca === undefined ? 'unknown' : ca.revocationStatus(certificate.serialNumber);
  }
}

/** CRL files configured for other CAs; a CRL counts only if its issuer's signature verifies. */
export class CrlFolderRevocation implements RevocationSource {
  private constructor(private readonly crls: readonly Buffer[]) {}

  static async load(folder: string | undefined): Promise<CrlFolderRevocation> {
    const files = folder === undefined ? [] : (await readdir(folder)).filter((f) => /\.crl$/i.test(f));
    return new CrlFolderRevocation(await Promise.all(files.map((f) => readFile(join(folder as string, f)))));
  }

  async status(certificate: X509Certificate, issuer: X509Certificate): Promise<RevocationStatus> {
    const crls = this.crls.map((der) => readCrl(der, issuer)).filter((crl): crl is ParsedCrl => crl !== undefined);
    if (crls.length === 0) return 'unknown';
    const serial = normalizeSerial(certificate.serialNumber);
    return crls.some((crl) => crl.revoked.has(serial)) ? 'revoked' : 'good';
  }
}

export async function isRevoked(
  sources: readonly RevocationSource[],
  certificate: X509Certificate,
  issuer: X509Certificate,
): Promise<boolean> {
  const statuses = await Promise.all(sources.map((source) => source.status(certificate, issuer)));
  return statuses.includes('revoked');
}
