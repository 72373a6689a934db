import { ApiError, secureApi } from './api';
import { busy, byId, show, showError, submitted } from './ui';

/** `/secure/continue` on a PC: the code shown in a messaging app's browser opens the same step here. */
export async function continueHere(): Promise<void> {
  const form = byId('continue-form', HTMLFormElement);
  const input = byId('continue-code', HTMLInputElement);
  show('continue');
  input.focus();
  for (;;) {
    await submitted(form);
    const code = input.value.replace(/[\s-]/g, '').toUpperCase();
    if (code === '') {
      showError(form, 'secure.continue.empty');
      continue;
    }
    try {
      const continued = await busy(form, () => secureApi.continueWith(code));
      // Replaced, not pushed: going back does not return to a used code.
      location.replace(continued.url);
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code === 'network') showError(form, 'secure.errors.network');
      else showError(form, 'secure.continue.unknown');
    }
  }
}
