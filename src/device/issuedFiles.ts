/**
 * The files a new certificate is kept in, written on the device with the customer's password:
 * signPri.key in the profile NPKI programs read (PBES2, PBKDF2 with the default HMAC-SHA1 and no PRF
 * field, 2048 iterations, SEED-CBC, R as the randomNum attribute), a PFX as the CAs export it (3DES
 * key bag keeping R, SHA-1 MAC), and the NPKI folder as a zip.
 */
import { inspectCertificate } from '../certificates/npki/certificateInspection';
import { writeNpkiZip } from '../certificates/npki/npkiBundle';
import { writePkcs12 } from '../certificates/npki/pkcs12';
import { encryptPrivateKeyFile } from '../certificates/npki/privateKeyFile';
import { buildPrivateKeyInfo } from '../certificates/npki/privateKeyInfo';
import { type DeviceKeyPair, privateKeyPkcs8 } from './deviceKeys';

export interface IssuedFilesInput {
  readonly certificate: Uint8Array;
  /** The issuing CA's certificates, for the PFX. */
  readonly chain: readonly Uint8Array[];
  readonly keyPair: DeviceKeyPair;
  readonly randomNum: Uint8Array;
  readonly password: string;
}

/** Where an NPKI program looks for them: `NPKI/<caDirectory>/USER/<subjectDn>/`. */
export interface NpkiLocation {
  readonly caDirectory: string;
  readonly subjectDn: string;
}

export interface IssuedFiles extends NpkiLocation {
  readonly signCert: Uint8Array;
  readonly signPri: Uint8Array;
  readonly pfx: Uint8Array;
  /** `NPKI/<caDirectory>/USER/<subjectDn>/signCert.der` and `signPri.key`. */
  readonly npkiZip: Uint8Array;
}

export async function writeIssuedFiles(input: IssuedFilesInput): Promise<IssuedFiles> {
  const privateKeyInfo = buildPrivateKeyInfo(await privateKeyPkcs8(input.keyPair), input.randomNum);
  const signPri = await encryptPrivateKeyFile(privateKeyInfo, input.password);
  const pfx = await writePkcs12({ certificate: input.certificate, privateKeyInfo, chain: [...input.chain], password: input.password });
  const location = await npkiLocationOf(input.certificate);
  return {
    ...location,
    signCert: input.certificate,
    signPri,
    pfx,
    npkiZip: writeNpkiZip({ ...location, signCert: input.certificate, signPri }),
  };
}

/** The CA's folder from the certificate's policy (yessign, KICA …), else its issuer's organization. */
export async function npkiLocationOf(certificate: Uint8Array): Promise<NpkiLocation> {
  const summary = await inspectCertificate(certificate);
  return { caDirectory: summary.policy?.ca ?? summary.issuerOrganization ?? 'unknown', subjectDn: summary.subjectDn };
}
