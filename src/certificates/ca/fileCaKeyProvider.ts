import { X509Certificate, sign } from 'node:crypto';
import { CaMaterial, loadOrCreateCaMaterial } from './caKeyFolder';
import { keyIdentifier } from './x509Building';
import { octetsOf, parseDer } from '../npki/der';
import { readCertificateStructure } from '../npki/x509Structure';
import type { CaKeyProvider, CaSigner } from '../../keys/keyProvider';

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** The sandbox CA's issuing key, from the folder the sandbox CA keeps it in (CA_DIR/<ca id>). */
export class FileCaKeyProvider implements CaKeyProvider {
  constructor(private readonly folder: string) {}

  async issuingSigner(): Promise<CaSigner> {
    const { issuing } = await loadOrCreateCaMaterial(this.folder, () =>
      Promise.reject(new Error(`no CA in ${this.folder}: the sandbox CA makes it on first start`)),
    );
    return caSignerOf(issuing);
  }
}

/** A signer over a CA's key and certificate as caKeyFolder holds them in memory. */
export function caSignerOf(material: CaMaterial): CaSigner {
  return {
    keyId: subjectKeyIdentifier(material.certificate).toString('hex'),
    certificate: material.certificate,
    sign: async (data) => sign('sha256', data, material.key),
  };
}

/** The certificate's SubjectKeyIdentifier; without one, RFC 5280's method 1, which is how this CA writes it. */
function subjectKeyIdentifier(certificateDer: Buffer): Buffer {
  const extension = readCertificateStructure(parseDer(certificateDer)).extensions.get(SUBJECT_KEY_IDENTIFIER);
  if (extension !== undefined) return Buffer.from(octetsOf(parseDer(extension), 'subjectKeyIdentifier'));
  return keyIdentifier(new X509Certificate(certificateDer).publicKey);
}
