import type { KeyStore } from '../../device/keyStore';
import { ApiError, secureApi } from './api';
import { issueOnDevice, protectOnDevice } from './device';
import { say, type TextKey } from './i18n';
import { chooseNewPassword } from './newPassword';
import { byId, clicked, screenOf, show, showError } from './ui';

/**
 * A new certificate with keys made here (issuance, and renewal once the current key is proven):
 * the server registers the customer with the CA; this device makes the key pair and R and asks
 * the CA itself; the customer chooses the password, which encrypts the key here; the KeyStore keeps
 * the files; the server hears the serial number. Neither the password nor the key leaves the page.
 */
export async function issueCertificate(store: KeyStore): Promise<void> {
  const certificate = await untilDone(async () => {
    progress('secure.issuance.authorizing');
    const authorized = await secureApi.authorize();
    progress('secure.issuance.requesting');
    return issueOnDevice(authorized);
  });
  const password = await chooseNewPassword();
  progress('secure.issuance.protecting');
  const files = await protectOnDevice(certificate, password);
  await untilDone(async () => {
    await store.save(files);
    progress('secure.issuance.saving');
    await secureApi.saved(files.serialNumber);
  });
}

/**
 * Work the customer may try again after it failed: the CA refused or could not be reached, the app
 * did not keep the files. What the server refuses for the step itself (4xx) is not tried again.
 */
async function untilDone<T>(work: () => Promise<T>): Promise<T> {
  const screen = screenOf('progress');
  const retry = byId('progress-retry', HTMLButtonElement);
  for (;;) {
    try {
      const result = await work();
      showError(screen);
      retry.hidden = true;
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw error;
      show('progress');
      showError(screen, 'secure.issuance.failed');
      retry.hidden = false;
      await clicked(retry);
    }
  }
}

function progress(key: TextKey): void {
  say(byId('progress-text', HTMLElement), key);
  show('progress');
}
