import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { npkiFolderPath } from '../certificates/npki/npkiBundle';
import { npkiLocationOf } from '../device/issuedFiles';
import type { NpkiLocation } from '../device/issuedFiles';
import type { CertificateToKeep, KeptCertificate, KeyStore, SignChoice } from '../device/keyStore';
import { type PossessionResult, provePossession } from '../device/possessionProof';

/**
 * The terminal chat's KeyStore: files under a folder, laid out as NPKI programs look for them
 * (`<root>/NPKI/<CA>/USER/<subject DN>/signCert.der + signPri.key`, the key readable by its owner
 * only), the PFX beside them in `<root>/PFX/`. It signs with a kept certificate when told which one
 * and its password, which the terminal asked for.
 */
export class FileKeyStore implements KeyStore {
  constructor(readonly root: string) {}

  /** Where a certificate's files go (or went): its NPKI folder and its PFX. */
  pathsOf(location: NpkiLocation): { readonly folder: string; readonly pfx: string } {
    const folder = npkiFolderPath(location.caDirectory, location.subjectDn);
    // The folder's last part is the subject DN, already made safe as a file name.
    return { folder: join(this.root, folder), pfx: join(this.root, 'PFX', `${folder.split('/').at(-2) ?? 'certificate'}.pfx`) };
  }

  async save(certificate: CertificateToKeep): Promise<void> {
    const { folder, pfx } = this.pathsOf(certificate);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(join(folder, 'signCert.der'), certificate.signCert);
    await writeFile(join(folder, 'signPri.key'), certificate.signPri, { mode: 0o600 });
    await mkdir(join(this.root, 'PFX'), { recursive: true, mode: 0o700 });
    await writeFile(pfx, certificate.pfx, { mode: 0o600 });
  }

  /** Every NPKI folder under the root with both files; `id` is the folder, relative to the root. */
  async list(): Promise<KeptCertificate[]> {
    const kept: KeptCertificate[] = [];
    for (const ca of await subfolders(join(this.root, 'NPKI'))) {
      for (const user of await subfolders(join(this.root, 'NPKI', ca, 'USER'))) {
        const id = join('NPKI', ca, 'USER', user);
        const files = await readdir(join(this.root, id));
        if (!files.includes('signCert.der') || !files.includes('signPri.key')) continue;
        kept.push({ id, ...(await npkiLocationOf(await readFile(join(this.root, id, 'signCert.der')))) });
      }
    }
    return kept;
  }

  async sign(challenge: Uint8Array, choice?: SignChoice): Promise<PossessionResult> {
    if (choice?.id === undefined || choice.password === undefined)
      throw new Error('the terminal signs with a chosen certificate and its password');
    const folder = join(this.root, choice.id);
    const [signCert, signPri] = await Promise.all([readFile(join(folder, 'signCert.der')), readFile(join(folder, 'signPri.key'))]);
    return provePossession({ files: { signCert, signPri }, password: choice.password, challenge });
  }
}

async function subfolders(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}
