import { MOBILE_CARRIERS, type MobileCarrier } from '../../../dialogs/contract/domain';
import type { SecureView } from '../secureApi';
import { ApiError, type IdentityDetails, secureApi } from './api';
import { type Sent, sentOrSaid, verifyCode } from './codeStep';
import { say, type TextKey } from './i18n';
import { busy, byId, show, showError, submitted } from './ui';

/** 본인 인증: name, 주민등록번호 (the back part masked), carrier and phone, then the code sent to it. */
export async function verifyIdentity(): Promise<void> {
  const form = byId('identity-form', HTMLFormElement);
  fillCarriers();
  show('identity');
  byId('name', HTMLInputElement).focus();
  for (;;) {
    await submitted(form);
    const read = readDetails();
    if ('problem' in read) {
      showError(form, read.problem);
      continue;
    }
    const sent = await send(form, read);
    if (sent === undefined) continue;
    // The back part is not kept in the page once sent; a resend sends what was read.
    byId('rrn-back', HTMLInputElement).value = '';
    return verifyCode('identity', () => secureApi.startIdentity(read), sent);
  }
}

/** The details to the server, which checks them and sends the code; undefined when it did not (said in the form). */
async function send(form: HTMLFormElement, details: IdentityDetails): Promise<Sent | undefined> {
  try {
    return sentOrSaid(await busy(form, () => secureApi.startIdentity(details)), form);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    showError(form, refusalOf(error));
    return undefined;
  }
}

/** The server's own checks of the details: the 주민등록번호's date and digits, the carrier, the phone's shape. */
function refusalOf({ code, detail }: ApiError): TextKey {
  if (code === 'invalidRrn') return RRN_PROBLEMS[String(detail.problem)] ?? 'secure.identity.errors.rrnFormat';
  if (code === 'invalidCarrier') return 'secure.identity.errors.carrier';
  if (code === 'invalidPhone') return 'secure.identity.errors.phone';
  return 'secure.identity.errors.invalid';
}

const RRN_PROBLEMS: Readonly<Record<string, TextKey>> = {
  format: 'secure.identity.errors.rrnFormat',
  birthDate: 'secure.identity.errors.rrnBirthDate',
  genderDigit: 'secure.identity.errors.rrnGenderDigit',
};

function fillCarriers(): void {
  const select = byId('carrier', HTMLSelectElement);
  if (select.options.length > 1) return;
  for (const carrier of MOBILE_CARRIERS) {
    const option = document.createElement('option');
    option.value = carrier;
    say(option, `secure.identity.carriers.${carrier}`);
    select.append(option);
  }
}

/** What the form holds, checked for shape; the server checks the rest (the 주민등록번호's date and digits, the carrier's records). */
function readDetails(): IdentityDetails | { problem: TextKey } {
  const name = byId('name', HTMLInputElement).value.trim();
  const front = byId('rrn-front', HTMLInputElement).value.trim();
  const back = byId('rrn-back', HTMLInputElement).value.trim();
  const carrier = byId('carrier', HTMLSelectElement).value;
  const phone = byId('phone', HTMLInputElement).value.replace(/[\s-]/g, '');
  if (name === '') return { problem: 'secure.identity.errors.name' };
  if (!/^\d{6}$/.test(front)) return { problem: 'secure.identity.errors.rrnFront' };
  if (!/^\d{7}$/.test(back)) return { problem: 'secure.identity.errors.rrnBack' };
  if (!isCarrier(carrier)) return { problem: 'secure.identity.errors.carrier' };
  if (!/^01\d{8,9}$/.test(phone)) return { problem: 'secure.identity.errors.phone' };
  return { name, rrn: front + back, carrier, phone };
}

const isCarrier = (value: string): value is MobileCarrier => (MOBILE_CARRIERS as readonly string[]).includes(value);

/** 추가 인증: a code to the phone on file, sent when the customer asks. */
export async function verifyAdditional(view: SecureView): Promise<void> {
  say(byId('code-status', HTMLElement), 'secure.code.additionalIntro', { phone: view.maskedPhone ?? '' });
  await verifyCode('additional', () => secureApi.startAdditional());
}
