import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MOBILE_CARRIERS, type Language, type MobileCarrier } from '../../dialogs/contract/domain';
import { bytesFromBase64 } from '../certificates/npki/bytes';
import type { CertificateFailure } from '../certificates/npki/certificateError';
import { brokenPasswordRules, type PasswordRule } from '../certificates/npki/passwordPolicy';
import type { PossessionResult } from '../device/possessionProof';
import type { Translator } from '../i18n/translator';
import {
  ApiError,
  type CodeStep,
  type Fetch,
  type IdentityDetails,
  type Proof,
  proofOf,
  type SecureApi,
  secureApiAt,
} from '../secure/page/api';
import type { ChosenFile } from '../secure/page/chosenFiles';
import { issueOnDevice, protectOnDevice, proveWithFiles } from '../secure/page/device';
import type { CodeSent, SecureView } from '../secure/secureApi';
import type { FileKeyStore } from './fileKeyStore';
import { attachedPaths } from './secureLinks';
import type { Terminal } from './terminalIo';

export interface SecureStepOptions {
  readonly terminal: Terminal;
  /** Where new certificates are kept, and kept ones are offered for a proof. */
  readonly store: FileKeyStore;
  /** The secure page's own texts (locales' `secure.*`), in the step's language. */
  readonly translator: Translator;
  /** The platform's fetch unless given. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Does a secure step (a `/secure/<ticket>` link) on this machine, as the secure page does in a
 * browser, with the same client code: the page's API calls, the device's keys, CA request, files
 * and proof of possession. Secrets are read hidden and go no further than the page would send
 * them.
 */
export function runSecureStep(url: string, options: SecureStepOptions): Promise<StepOutcome> {
  return new TerminalSecureStep(new URL(url), options).run();
}

/**
 * A fetch as the page's browser makes it: the page's Origin on every call (the API takes no other),
 * and the cookie `open` set sent back with each later call.
 */
export function pageSession(origin: string, send: typeof globalThis.fetch = globalThis.fetch): Fetch {
  const cookies = new Map<string, string>();
  return async (url, init) => {
    const headers = new Headers(init.headers);
    headers.set('origin', origin);
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await send(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals > 0) cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
    return response;
  };
}

/** How a step went for the terminal: over (done, or ended as the chat will explain), left by the customer, or the input ended. */
export type StepOutcome = 'over' | 'left' | 'quit';

/** The customer left the step (`/cancel`), or the terminal's input ended (`/quit`, end of input). */
class LeftStep {
  constructor(readonly quit: boolean) {}
}

/** The rules a new password is checked against, as the page lists them: those that need nothing personal. */
const SHOWN_RULES = ['tooShort', 'missingLetter', 'missingDigit', 'missingSpecial', 'forbiddenCharacter', 'sequence', 'repeated'] as const;
const RULES_WITH_TEXT: ReadonlySet<PasswordRule> = new Set<PasswordRule>([...SHOWN_RULES, 'tooLong']);

/** Files the device could not use, each with the page's words (a wrong password is counted apart). */
const FILE_PROBLEMS: Partial<Record<CertificateFailure, string>> = {
  keyMismatch: 'secure.files.problems.keyMismatch',
  corruptFile: 'secure.files.problems.corruptFile',
  fileTooLarge: 'secure.files.problems.fileTooLarge',
  missingKey: 'secure.files.problems.missingKey',
  missingCertificate: 'secure.files.problems.missingCertificate',
};

const REJECTED: Readonly<Record<Extract<CodeSent, { rejected: unknown }>['rejected'], string>> = {
  mismatch: 'secure.identity.errors.mismatch',
  unsupportedCarrier: 'secure.identity.errors.unsupportedCarrier',
  other: 'secure.identity.errors.other',
};

const RRN_PROBLEMS: Readonly<Record<string, string>> = {
  format: 'secure.identity.errors.rrnFormat',
  birthDate: 'secure.identity.errors.rrnBirthDate',
  genderDigit: 'secure.identity.errors.rrnGenderDigit',
};

/** Certificate files are a few KB; nothing larger is read into memory. */
const MAX_FILE_BYTES = 1024 * 1024;

type Sent = Extract<CodeSent, { readonly maskedPhone: string }>;
type Chosen = { readonly kept: string } | { readonly files: ChosenFile[] };

class TerminalSecureStep {
  private readonly api: SecureApi;
  private language: Language = 'ko';
  private view: SecureView | undefined;
  private readonly ticket: string;

  constructor(
    private readonly link: URL,
    private readonly options: SecureStepOptions,
  ) {
    this.api = secureApiAt({ base: `${link.origin}/secure/api`, fetch: pageSession(link.origin, options.fetch) });
    this.ticket = decodeURIComponent(link.pathname.split('/').filter(Boolean).at(-1) ?? '');
  }

  async run(): Promise<StepOutcome> {
    try {
      const view = await this.api.open(this.ticket);
      this.view = view;
      this.language = view.language;
      const kind = this.text(`secure.kinds.${view.kind}`);
      this.say(view.maskedName === undefined ? kind : this.text('secure.stepFor', { kind, name: view.maskedName }));
      this.note('the secure step runs here, on this machine; /cancel leaves it');
      await this.askConsents(view);
      if (await this.doStep(view)) this.say(this.text(`secure.done.${view.kind}`));
      return 'over';
    } catch (error) {
      if (!(error instanceof LeftStep)) {
        this.explain(error);
        return 'over';
      }
      if (this.view !== undefined) await this.cancel();
      return error.quit ? 'quit' : 'left';
    }
  }

  /** True once done; false when the step ended here (the chat explains what next). */
  private async doStep(view: SecureView): Promise<boolean> {
    switch (view.kind) {
      case 'identity':
        return this.verifyIdentity();
      case 'additional':
        return this.verifyAdditional(view);
      case 'registration':
        return this.provePossession(view);
      case 'renewal':
        if (view.proven !== true && !(await this.provePossession(view))) return false;
        // A renewal by key learns from the proof which certificate it renews: a 범용 one's fee is agreed now.
        // The view as it is now: a reload with the session's cookie, as the page reloads it.
        await this.askConsents(await this.api.open(this.ticket));
        return this.issue();
      case 'issuance':
        return this.issue();
    }
  }

  /**
   * Each consent not yet given shown with its version and agreed explicitly; declining one leaves
   * the step. Those given before (a renewal's, before its proof named the certificate) are not asked again.
   */
  private async askConsents(view: SecureView): Promise<void> {
    const missing = view.consents.filter((consent) => !view.accepted.includes(consent.id));
    if (missing.length === 0) return;
    this.say(this.text('secure.consents.title'));
    this.say(this.text('secure.consents.intro'));
    const fee = { amount: (view.fee?.amount ?? 0).toLocaleString('ko-KR'), account: view.fee?.account ?? '' };
    for (const consent of missing) {
      this.say(
        `${this.text(`secure.consents.${consent.id}`, fee)} (${this.text('secure.consents.version', { version: consent.version })})`,
      );
      if (await this.yes('agree? [y/n]')) continue;
      this.say(this.text('secure.consents.missing'));
      throw new LeftStep(false);
    }
    await this.api.consent(missing);
  }

  // 본인 인증 and 추가 인증

  private async verifyIdentity(): Promise<boolean> {
    for (;;) {
      const details = await this.identityDetails();
      let answer: CodeSent;
      try {
        answer = await this.api.startIdentity(details);
      } catch (error) {
        // The server's own checks of the details: the 주민등록번호's date and digits, the carrier, the phone's shape.
        if (!(error instanceof ApiError) || error.status !== 400) throw error;
        this.say(this.text(refusalOf(error)));
        continue;
      }
      const sent = this.sentOrSaid(answer);
      if (sent === 'locked') return false;
      if (sent !== undefined) return this.enterCode('identity', () => this.api.startIdentity(details), sent);
    }
  }

  /** Name, 주민등록번호 (the back part hidden), carrier and phone, each checked for shape as the page does. */
  private async identityDetails(): Promise<IdentityDetails> {
    const name = await this.askUntil(this.text('secure.identity.name'), (v) => v !== '', 'secure.identity.errors.name');
    const front = await this.askUntil(this.text('secure.identity.rrnFront'), (v) => /^\d{6}$/.test(v), 'secure.identity.errors.rrnFront');
    const back = await this.askUntil(
      `${this.text('secure.identity.rrnBack')} (hidden)`,
      (v) => /^\d{7}$/.test(v),
      'secure.identity.errors.rrnBack',
      {
        hidden: true,
      },
    );
    MOBILE_CARRIERS.forEach((carrier, i) => this.say(`  ${i + 1}. ${this.text(`secure.identity.carriers.${carrier}`)}`));
    const carrierOf = (answer: string): MobileCarrier | undefined =>
      MOBILE_CARRIERS[Number(answer) - 1] ?? MOBILE_CARRIERS.find((carrier) => carrier.toLowerCase() === answer.toLowerCase());
    const carrier = carrierOf(
      await this.askUntil(
        `${this.text('secure.identity.carrier')} [1-${MOBILE_CARRIERS.length}]`,
        (v) => carrierOf(v) !== undefined,
        'secure.identity.errors.carrier',
      ),
    );
    const phone = (
      await this.askUntil(
        this.text('secure.identity.phone'),
        (v) => /^01\d{8,9}$/.test(v.replace(/[\s-]/g, '')),
        'secure.identity.errors.phone',
      )
    ).replace(/[\s-]/g, '');
    return { name, rrn: front + back, carrier: carrier ?? 'SKT', phone };
  }

  private async verifyAdditional(view: SecureView): Promise<boolean> {
    this.say(this.text('secure.code.additionalIntro', { phone: view.maskedPhone ?? '' }));
    for (;;) {
      const sent = this.sentOrSaid(await this.api.startAdditional());
      if (sent === 'locked') return false;
      if (sent !== undefined) return this.enterCode('additional', () => this.api.startAdditional(), sent);
      await this.ask(`${this.text('secure.code.send')} [Enter]`);
    }
  }

  /** The code went out, or why not (said here); locked out ends the step. */
  private sentOrSaid(answer: CodeSent): Sent | 'locked' | undefined {
    if ('maskedPhone' in answer) return answer;
    if ('locked' in answer) {
      this.locked(answer.until);
      return 'locked';
    }
    if ('tooSoon' in answer)
      this.say(this.text('secure.code.tooSoon', { seconds: Math.max(1, Math.ceil((answer.retryAt - Date.now()) / 1000)) }));
    else if ('hourlyLimit' in answer) this.say(this.text('secure.code.hourlyLimit', { retryAt: new Date(answer.retryAt) }));
    else this.say(this.text(REJECTED[answer.rejected]));
    return undefined;
  }

  /** The one-time code, digits only; `/resend` sends a new one. True once it is right. */
  private async enterCode(step: CodeStep, send: () => Promise<CodeSent>, sent: Sent): Promise<boolean> {
    this.showSent(sent, 'secure.code.sent');
    for (;;) {
      const code = await this.ask(`${this.text('secure.code.label')} (/resend)`);
      if (code === '/resend') {
        const again = this.sentOrSaid(await send());
        if (again === 'locked') return false;
        if (again !== undefined) this.showSent(again, 'secure.code.resent');
        continue;
      }
      if (!/^\d{6}$/.test(code)) {
        this.say(this.text('secure.code.format'));
        continue;
      }
      const answer = await this.api.verify(step, code);
      if ('verified' in answer) return true;
      if ('locked' in answer) {
        this.locked(answer.until);
        return false;
      }
      this.say('wrong' in answer ? this.text('secure.code.wrong', { left: answer.attemptsLeft }) : this.text('secure.code.expired'));
    }
  }

  private showSent(sent: Sent, status: string): void {
    this.say(this.text(status, { phone: sent.maskedPhone }));
    // The sandbox shows its code, labelled as such, as the page does.
    if (sent.sandboxCode !== undefined) this.say(this.text('secure.code.sandbox', { code: sent.sandboxCode }));
  }

  private locked(until: number): void {
    this.say(this.text('secure.code.lockedTitle'));
    this.say(this.text('secure.code.locked', { until: new Date(until) }));
  }

  // Issuance (and renewal, once the current key is proven): keys made here, files kept here

  private async issue(): Promise<boolean> {
    this.say(this.text('secure.issuance.onDevice'));
    const certificate = await this.untilDone(async () => {
      this.say(this.text('secure.issuance.authorizing'));
      const authorized = await this.api.authorize();
      this.say(this.text('secure.issuance.requesting'));
      // The CA's address may be given as a path on the page's origin.
      return issueOnDevice({ ...authorized, caEndpoint: new URL(authorized.caEndpoint, this.link.origin).href });
    });
    const password = await this.newPassword();
    this.say(this.text('secure.issuance.protecting'));
    const files = await protectOnDevice(certificate, password);
    const { store } = this.options;
    await this.untilDone(async () => {
      await store.save(files);
      const { folder, pfx } = store.pathsOf(files);
      this.note(`kept on this machine: signCert.der and signPri.key in ${folder}`);
      this.note(`and the same certificate as a PFX: ${pfx}`);
      this.say(this.text('secure.issuance.saving'));
      await this.api.saved(files.serialNumber);
    });
    return true;
  }

  /** The new certificate's password, typed hidden twice and checked against the rules before it is used. */
  private async newPassword(): Promise<string> {
    this.say(this.text('secure.password.title'));
    this.say(this.text('secure.password.intro'));
    for (const rule of SHOWN_RULES) this.say(`  - ${this.text(`secure.password.rules.${rule}`)}`);
    for (;;) {
      const password = await this.ask(`${this.text('secure.password.password')} (hidden)`, { hidden: true, raw: true });
      const broken = brokenPasswordRules(password, { birthDate: [] });
      if (broken.length > 0) {
        this.say(this.text('secure.password.broken'));
        for (const rule of broken.filter((r) => RULES_WITH_TEXT.has(r))) this.say(`  x ${this.text(`secure.password.rules.${rule}`)}`);
        continue;
      }
      const confirm = await this.ask(`${this.text('secure.password.confirm')} (hidden)`, { hidden: true, raw: true });
      if (confirm === password) return password;
      this.say(this.text('secure.password.mismatch'));
    }
  }

  /** Work that may be tried again (the CA refused or could not be reached, the files could not be written); not the server's 4xx. */
  private async untilDone<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw error;
        this.say(this.text('secure.issuance.failed'));
        this.note(error instanceof Error ? error.message : String(error));
        if (!(await this.yes(`${this.text('secure.issuance.retry')}? [y/n]`))) throw new LeftStep(false);
      }
    }
  }

  // Registration and renewal: possession proven here

  /** True once proven; false when the step ended (a refusal, the password locked: the chat explains). */
  private async provePossession(view: SecureView): Promise<boolean> {
    const challenge = bytesFromBase64(view.challenge ?? '');
    const { store } = this.options;
    // A renewal asked for in the chat without 본인 인증 names no certificate: the one chosen here says which it is.
    if (view.kind === 'renewal' && view.renewing !== undefined)
      this.say(this.text('secure.files.introRenewal', { notAfter: view.renewing.notAfter }));
    else if (view.kind === 'renewal') this.say(this.text('secure.files.introRenewalAny'));
    else this.say(this.text('secure.files.intro'));
    const kept = await store.list();
    if (kept.length > 0) this.note(`certificates kept in ${store.root}:`);
    kept.forEach((certificate, i) => this.options.terminal.write(`      ${i + 1}. ${certificate.subjectDn} (${certificate.caDirectory})`));
    this.note(
      `/attach <files…>: signCert.der and signPri.key, a .pfx/.p12, an NPKI zip or folder${kept.length > 0 ? '; or the number of a kept one' : ''}`,
    );
    for (;;) {
      const chosen = await this.chooseCertificate(kept.map((certificate) => certificate.id));
      // A wrong password asks for the password again, the same files still chosen; files that cannot be used, for other files.
      for (;;) {
        const password = await this.askUntil(`${this.text('secure.files.password')} (hidden)`, (v) => v !== '', 'secure.files.noPassword', {
          hidden: true,
          raw: true,
        });
        const result =
          'kept' in chosen
            ? await store.sign(challenge, { id: chosen.kept, password })
            : await proveWithFiles(chosen.files, password, challenge);
        const proof = await this.usable(result);
        if (proof === 'ended') return false;
        if (proof === 'otherFiles') break;
        if (proof === 'again') continue;
        const answer = await this.api.proof(proof);
        if (!('failed' in answer)) return true;
        // The step ended with its reason; the chat says it, with the way forward.
        this.say(this.text('secure.files.failedTitle'));
        return false;
      }
    }
  }

  private async chooseCertificate(kept: readonly string[]): Promise<Chosen> {
    for (;;) {
      const answer = await this.ask(kept.length > 0 ? 'files (/attach <files…>) or a number' : 'files (/attach <files…>)');
      const picked = /^\d+$/.test(answer) ? kept[Number(answer) - 1] : undefined;
      if (picked !== undefined) return { kept: picked };
      const paths = attachedPaths(answer);
      if (paths.length === 0) {
        this.say(this.text('secure.files.noFiles'));
        continue;
      }
      const files = await this.readFiles(paths);
      if (files !== undefined) return { files };
    }
  }

  /** The files named, a folder's signCert.der and signPri.key; undefined (said) when one cannot be read. */
  private async readFiles(paths: readonly string[]): Promise<ChosenFile[] | undefined> {
    const files: ChosenFile[] = [];
    for (const given of paths) {
      const path = resolve(given.replace(/^~(?=$|\/)/, homedir()));
      try {
        const names = (await stat(path)).isDirectory() ? ['signCert.der', 'signPri.key'].map((name) => join(path, name)) : [path];
        for (const name of names) {
          if ((await stat(name)).size > MAX_FILE_BYTES) {
            this.say(this.text('secure.files.problems.fileTooLarge'));
            return undefined;
          }
          files.push({ name: basename(name), bytes: new Uint8Array(await readFile(name)) });
        }
      } catch (error) {
        this.note(`cannot read ${given}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        return undefined;
      }
    }
    return files;
  }

  /**
   * A proof to send, or what the customer is told instead: the files' problem (other files, then), a
   * wrong password (counted by the server; the fifth ends the step).
   */
  private async usable(result: PossessionResult): Promise<Proof | 'ended' | 'again' | 'otherFiles'> {
    if (result.status === 'unreadable') {
      this.say(this.text(FILE_PROBLEMS[result.reason] ?? 'secure.files.problems.unsupportedFile'));
      return 'otherFiles';
    }
    if (result.status === 'wrongPassword') {
      const counted = await this.api.wrongPassword();
      if ('locked' in counted) {
        this.say(this.text('secure.files.failedTitle'));
        return 'ended';
      }
      this.say(this.text('secure.files.wrongPassword', { left: counted.attemptsLeft }));
      return 'again';
    }
    return proofOf(result.proof);
  }

  // The terminal

  private async cancel(): Promise<void> {
    // Leaving is best effort: a step that already ended stays as it ended.
    await this.api.cancel().catch(() => undefined);
    this.say(this.text('secure.cancelled.title'));
  }

  /** What the customer is told when the step cannot go on: the ticket's state, or a fault. */
  private explain(error: unknown): void {
    const notice = (name: string): void => {
      this.say(this.text(`secure.notice.${name}.title`));
      this.say(this.text(`secure.notice.${name}.text`));
    };
    if (!(error instanceof ApiError)) {
      notice('failed');
      this.options.terminal.write(`(error) ${error instanceof Error ? error.message : String(error)}`);
    } else if (error.code === 'network') notice('network');
    else if (error.code === 'used') notice('used');
    else if (error.status === 410) notice('expired');
    else if (error.status === 404) notice('unknown');
    else if (error.status === 401) notice('session');
    else notice('failed');
  }

  private async ask(prompt: string, options: { hidden?: boolean; raw?: boolean } = {}): Promise<string> {
    const line = await this.options.terminal.read(`secure> ${prompt}: `, { hidden: options.hidden });
    if (line === undefined) throw new LeftStep(true);
    const command = line.trim();
    if (command === '/cancel') throw new LeftStep(false);
    if (command === '/quit' || command === '/exit') throw new LeftStep(true);
    // A password is taken as typed; anything else without the spaces around it.
    return options.raw === true ? line : command;
  }

  private async askUntil(
    prompt: string,
    valid: (answer: string) => boolean,
    problem: string,
    options: { hidden?: boolean; raw?: boolean } = {},
  ) {
    for (;;) {
      const answer = await this.ask(prompt, options);
      if (valid(answer)) return answer;
      this.say(this.text(problem));
    }
  }

  private async yes(prompt: string): Promise<boolean> {
    for (;;) {
      const answer = (await this.ask(prompt)).toLowerCase();
      if (answer === 'y' || answer === 'yes') return true;
      if (answer === 'n' || answer === 'no') return false;
    }
  }

  private text(key: string, params?: Record<string, unknown>): string {
    return String(this.options.translator.forLanguage(this.language)(key, params));
  }

  /** The secure page's words. */
  private say(line: string): void {
    this.options.terminal.write(`secure> ${line}`);
  }

  /** The terminal's own words, in parentheses as the chat's are. */
  private note(line: string): void {
    this.options.terminal.write(`(${line})`);
  }
}

/** The server's refusal of the details, in the page's words. */
function refusalOf({ code, detail }: ApiError): string {
  if (code === 'invalidRrn') return RRN_PROBLEMS[String(detail.problem)] ?? 'secure.identity.errors.rrnFormat';
  if (code === 'invalidCarrier') return 'secure.identity.errors.carrier';
  if (code === 'invalidPhone') return 'secure.identity.errors.phone';
  return 'secure.identity.errors.invalid';
}
