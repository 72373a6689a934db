import { base64Of } from '../../certificates/npki/bytes';
import { writeNpkiZip } from '../../certificates/npki/npkiBundle';
import type { KeyStore } from '../../device/keyStore';
import { possessionOf } from './api';
import type { BankAppBridge } from './bankBridge';
import { byId, screenOf, show, showError } from './ui';

/** The bank's app: its native store keeps the files and signs; the bridge speaks base64. */
export const appKeyStore = (bridge: BankAppBridge): KeyStore => ({
  save: (certificate) => bridge.certificates.store({ signCert: base64Of(certificate.signCert), signPri: base64Of(certificate.signPri) }),
  sign: async (challenge) => {
    const proof = await bridge.certificates.sign(base64Of(challenge));
    return proof === null ? null : possessionOf(proof);
  },
});

/** A desktop browser keeps nothing: the NPKI folder as a zip and the PFX, each a download the customer starts. */
export const downloadKeyStore: KeyStore = {
  save: (certificate) =>
    new Promise((resolve) => {
      const screen = screenOf('save');
      const listening = new AbortController();
      let saved = false;
      const offer = (id: string, file: () => Uint8Array, name: string, type: string): void =>
        byId(id, HTMLButtonElement).addEventListener(
          'click',
          () => {
            download(file(), name, type);
            saved = true;
            showError(screen);
          },
          { signal: listening.signal },
        );
      const { caDirectory, subjectDn, signCert, signPri } = certificate;
      offer('save-zip', () => writeNpkiZip({ caDirectory, subjectDn, signCert, signPri }), 'NPKI.zip', 'application/zip');
      offer('save-pfx', () => certificate.pfx, 'certificate.pfx', 'application/x-pkcs12');
      byId('save-finish', HTMLButtonElement).addEventListener(
        'click',
        () => {
          if (!saved) return showError(screen, 'secure.save.needOne');
          listening.abort();
          resolve();
        },
        { signal: listening.signal },
      );
      show('save');
    }),
};

/** Saves bytes as a file through a blob: address that lives only for the click. */
function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click's task: the browser has taken the file by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
