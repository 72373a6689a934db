/**
 * The sandbox's stand-in for the bank's app's bridge (`?bridge=sandbox`): it keeps the files in this
 * page's IndexedDB, as the app's native store would, and signs with them after asking for the
 * password on a sheet of its own, as the app would. So the in-app path can be tried and tested.
 */
import { bytesFromBase64 } from '../../certificates/npki/bytes';
import { inspectCertificate } from '../../certificates/npki/certificateInspection';
import { type Proof, proofOf } from './api';
import { proveWithFiles } from './device';
import { sayWith, text } from './i18n';
import { busy, byId, fromTemplate, show, showError, submitted, within } from './ui';

const DATABASE = 'jca-sandbox-bank-app';
const STORE = 'certificates';

/** What the sandbox's "app" keeps: the two NPKI files, base64, as the bridge passed them. */
interface Kept {
  readonly signCert: string;
  readonly signPri: string;
  readonly keptAt: string;
}

function database(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  });
}

async function inStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB refused'));
    });
  } finally {
    db.close();
  }
}

const keep = async (files: { signCert: string; signPri: string }): Promise<void> => {
  const kept: Kept = { signCert: files.signCert, signPri: files.signPri, keptAt: new Date().toISOString() };
  await inStore('readwrite', (store) => store.add(kept));
};

/** Everything the sandbox's "app" keeps, oldest first. */
export const keptCertificates = (): Promise<Kept[]> => inStore('readonly', (store) => store.getAll() as IDBRequest<Kept[]>);

/** A kept certificate as the app's list would show it: whose, by whom, until when. */
export async function describe(kept: Kept): Promise<() => string> {
  const summary = await inspectCertificate(bytesFromBase64(kept.signCert));
  const params = { name: summary.maskedName, issuer: summary.issuerOrganization ?? summary.issuerCommonName, notAfter: summary.notAfter };
  return () => text('secure.bridge.item', params);
}

/** The app's sheet: pick a kept certificate, type its password; null when the customer closes it. */
async function sign(challenge: string): Promise<Proof | null> {
  const form = byId('bridge-form', HTMLFormElement);
  const list = byId('bridge-list', HTMLElement);
  const password = byId('bridge-password', HTMLInputElement);
  const kept = await keptCertificates();
  const choices = await Promise.all(kept.map((certificate) => addChoice(list, certificate)));
  showError(form, kept.length === 0 ? 'secure.bridge.empty' : undefined);
  show('bridge');
  const closing = new AbortController();
  const closed = new Promise<'closed'>((resolve) =>
    byId('bridge-close', HTMLButtonElement).addEventListener('click', () => resolve('closed'), { signal: closing.signal }),
  );
  try {
    for (;;) {
      if ((await Promise.race([submitted(form), closed])) === 'closed') return null;
      const chosen = kept[choices.findIndex((choice) => choice.checked)];
      if (chosen === undefined) {
        showError(form, 'secure.bridge.chooseOne');
        continue;
      }
      const files = [
        { name: 'signCert.der', bytes: bytesFromBase64(chosen.signCert) },
        { name: 'signPri.key', bytes: bytesFromBase64(chosen.signPri) },
      ];
      const result = await busy(form, () => proveWithFiles(files, password.value, bytesFromBase64(challenge)));
      if (result.status === 'wrongPassword') showError(form, 'secure.bridge.wrongPassword');
      else if (result.status === 'unreadable') showError(form, 'secure.files.problems.unsupportedFile');
      else return proofOf(result.proof);
    }
  } finally {
    closing.abort();
    password.value = '';
    list.replaceChildren();
  }
}

async function addChoice(list: HTMLElement, kept: Kept): Promise<HTMLInputElement> {
  const item = fromTemplate('choice-item');
  sayWith(within(item, '.choice-text', HTMLElement), await describe(kept));
  list.append(item);
  return within(item, 'input', HTMLInputElement);
}

export const sandboxBridge = {
  certificates: { store: keep, sign },
};
