import type { SecureFailure } from '../../../dialogs/contract/secure';
import { bytesFromBase64 } from '../../certificates/npki/bytes';
import type { CertificateFailure } from '../../certificates/npki/certificateError';
import type { KeyStore } from '../../device/keyStore';
import type { PossessionResult } from '../../device/possessionProof';
import type { SecureView } from '../secureApi';
import { type Proof, proofOf, secureApi } from './api';
import { proveWithFiles } from './device';
import { say, type TextKey } from './i18n';
import { busy, byId, notice, show, showError, submitted } from './ui';

/** Files the device could not use, each with its own words (a wrong password is counted apart). */
const FILE_PROBLEMS: Partial<Record<CertificateFailure, TextKey>> = {
  keyMismatch: 'secure.files.problems.keyMismatch',
  corruptFile: 'secure.files.problems.corruptFile',
  fileTooLarge: 'secure.files.problems.fileTooLarge',
  missingKey: 'secure.files.problems.missingKey',
  missingCertificate: 'secure.files.problems.missingCertificate',
};

/**
 * Registration and renewal: the customer's certificate is opened here with its password (or by the
 * bank's app, where the store signs), the key signs the server's challenge, and the server checks
 * possession, the chain, validity, revocation, policy and the VID. True once proven; false when the
 * step ended here (the chat explains what next).
 */
export async function provePossession(view: SecureView, store: KeyStore): Promise<boolean> {
  const form = byId('files-form', HTMLFormElement);
  const challenge = bytesFromBase64(view.challenge ?? '');
  const sign = store.sign?.bind(store);
  prepare(view, sign !== undefined);
  show('files');
  for (;;) {
    await submitted(form);
    const result = sign === undefined ? await fromFiles(form, challenge) : await sign(challenge);
    show('files');
    const proof = await usable(form, result);
    if (proof === 'ended') return false;
    if (proof === undefined) continue;
    const answer = await busy(form, () => secureApi.proof(proof));
    // A refusal ends the step, each with its way forward (a file without R: the NPKI folder instead).
    return 'failed' in answer ? failed(answer.failed) : true;
  }
}

function prepare(view: SecureView, inApp: boolean): void {
  const intro = byId('files-intro', HTMLElement);
  if (inApp) say(intro, 'secure.files.introApp');
  // A renewal asked for in the chat without 본인 인증 names no certificate: the one chosen here says which it is.
  else if (view.kind === 'renewal' && view.renewing !== undefined)
    say(intro, 'secure.files.introRenewal', { notAfter: view.renewing.notAfter });
  else if (view.kind === 'renewal') say(intro, 'secure.files.introRenewalAny');
  else say(intro, 'secure.files.intro');
  byId('files-choice', HTMLElement).hidden = inApp;
  say(byId('files-submit', HTMLButtonElement), inApp ? 'secure.files.fromApp' : 'secure.files.submit');
}

/** The chosen files, opened with the password typed here. */
async function fromFiles(form: HTMLFormElement, challenge: Uint8Array): Promise<PossessionResult | undefined> {
  const chosen = [...(byId('files', HTMLInputElement).files ?? [])];
  const password = byId('file-password', HTMLInputElement);
  if (chosen.length === 0) return void showError(form, 'secure.files.noFiles');
  if (password.value === '') return void showError(form, 'secure.files.noPassword');
  const files = await Promise.all(chosen.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
  try {
    return await busy(form, () => proveWithFiles(files, password.value, challenge));
  } finally {
    password.value = '';
  }
}

/**
 * A proof to send, or what the customer is told instead: the files' problem, a wrong password
 * (counted by the server; the fifth ends the step), or that the app signed nothing.
 */
async function usable(form: HTMLFormElement, result: PossessionResult | null | undefined): Promise<Proof | 'ended' | undefined> {
  if (result === undefined) return undefined;
  if (result === null) return void showError(form, 'secure.files.declined');
  if (result.status === 'unreadable') return void showError(form, FILE_PROBLEMS[result.reason] ?? 'secure.files.problems.unsupportedFile');
  if (result.status === 'wrongPassword') {
    const counted = await secureApi.wrongPassword();
    if ('locked' in counted) {
      failed('passwordLocked');
      return 'ended';
    }
    return void showError(form, 'secure.files.wrongPassword', { left: counted.attemptsLeft });
  }
  showError(form);
  return proofOf(result.proof);
}

/** The server refused the certificate, or the password is locked: the step ends with that reason, as the chat is told. */
function failed(reason: SecureFailure): false {
  notice('secure.files.failedTitle', `secureStep.failed.${reason}`);
  return false;
}
