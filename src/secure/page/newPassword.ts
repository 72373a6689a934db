import { brokenPasswordRules, type PasswordRule } from '../../certificates/npki/passwordPolicy';
import { say } from './i18n';
import { byId, show, showError, submitted } from './ui';

/**
 * The rules the page checks as the customer types: those of passwordPolicy that need nothing
 * personal (the page holds no birth date or phone number). Too long shows only when it is.
 */
const SHOWN_RULES = [
  'tooShort',
  'missingLetter',
  'missingDigit',
  'missingSpecial',
  'forbiddenCharacter',
  'sequence',
  'repeated',
] as const satisfies readonly PasswordRule[];

/** What the checklist shows: the rules above, too long, and that the two passwords match. */
type Checked = (typeof SHOWN_RULES)[number] | 'tooLong' | 'matches';

/** The certificate's new password: typed twice, checked live against the rules; it never leaves the page. */
export async function chooseNewPassword(): Promise<string> {
  const form = byId('password-form', HTMLFormElement);
  const password = byId('new-password', HTMLInputElement);
  const confirm = byId('confirm-password', HTMLInputElement);
  const items = new Map<Checked, HTMLElement>();
  const list = byId('password-rules', HTMLElement);
  list.replaceChildren();
  for (const rule of [...SHOWN_RULES, 'tooLong', 'matches'] as const) items.set(rule, addItem(list, rule));

  const listening = new AbortController();
  const update = (): void => {
    const broken = new Set<PasswordRule | Checked>(brokenPasswordRules(password.value, { birthDate: [] }));
    if (password.value === '' || confirm.value !== password.value) broken.add('matches');
    for (const [rule, item] of items) {
      item.dataset.met = String(!broken.has(rule));
      item.hidden = rule === 'tooLong' && !broken.has(rule);
    }
  };
  for (const input of [password, confirm]) input.addEventListener('input', update, { signal: listening.signal });
  update();
  show('password');
  password.focus();
  try {
    for (;;) {
      await submitted(form);
      const broken = brokenPasswordRules(password.value, { birthDate: [] });
      if (broken.length > 0) showError(form, 'secure.password.broken');
      else if (confirm.value !== password.value) showError(form, 'secure.password.mismatch');
      else return password.value;
    }
  } finally {
    listening.abort();
    password.value = '';
    confirm.value = '';
    showError(form);
  }
}

function addItem(list: HTMLElement, rule: Checked): HTMLElement {
  const item = document.createElement('li');
  item.dataset.rule = rule;
  say(item, `secure.password.rules.${rule}`);
  list.append(item);
  return item;
}
