import { secureLinksIn } from '../../src/chat/secureLinks';
import type { CertificateFilesOnDevice } from '../../src/device/possessionProof';
import { provePossession } from '../../src/device/possessionProof';
import { type IdentityDetails, proofOf, type SecureApi, secureApiAt } from '../../src/secure/page/api';
import { issueOnDevice, type NewCertificate, type NewCertificateFiles, protectOnDevice } from '../../src/secure/page/device';
import type { CodeSent, IssuanceAuthorized, ProofChecked, SecureView } from '../../src/secure/secureApi';
import { CUSTOMER } from './journeys';

/**
 * The secure page over HTTP, as its script calls the page's API (src/secure/page/api.ts: the page's
 * Origin and the cookie `open` set, as the terminal chat's session sends them), and the device's
 * work done here with the page's own device code (src/secure/page/device.ts over src/device). No
 * browser, so journeys stay fast.
 */

/** The last secure step link (`<SECURE_ORIGIN>/secure/<ticket>`) in what the chat showed: texts, or cards as JSON. */
export function secureLinkIn(shown: string | readonly string[]): string {
  const text = typeof shown === 'string' ? shown : shown.join('\n');
  const link = secureLinksIn(text).at(-1);
  if (link === undefined) throw new Error(`no secure step link in:\n${text}`);
  return link.url;
}

/** The test customer as typed on the page: 13 digits, the phone's digits. */
export function identityDetails(rrn: string = CUSTOMER.rrn): IdentityDetails {
  return { name: CUSTOMER.name, rrn: rrn.replace('-', ''), carrier: CUSTOMER.carrier, phone: CUSTOMER.phoneDigits };
}

export interface PageOptions {
  /**
   * The instance the page's calls reach (its base URL), as a load balancer may pick another one
   * than the instance that made the link; the link's own origin unless given.
   */
  readonly via?: string;
}

/** One secure step's page, opened from its link: the ticket redeemed, the session's cookie kept. */
export class SecurePage {
  readonly api: SecureApi = secureApiAt({ base: '/secure/api', fetch: (path, init) => this.send(path, init) });
  private readonly cookies = new Map<string, string>();
  private opened: SecureView | undefined;

  private constructor(
    /** Where the page's calls go: the link's origin, or the instance a load balancer picks. */
    private server: string,
  ) {}

  static async open(url: string, options: PageOptions = {}): Promise<SecurePage> {
    const page = new SecurePage(options.via ?? new URL(url).origin);
    page.opened = await page.api.open(new URL(url).pathname.split('/').at(-1) ?? '');
    return page;
  }

  /** What `open` answered. */
  get view(): SecureView {
    if (this.opened === undefined) throw new Error('the page is not open');
    return this.opened;
  }

  /** From now on the page's calls reach `url` (another instance, or the same one restarted on another port), with the same cookie. */
  moveTo(url: string): void {
    this.server = url;
  }

  /** Agrees to every consent the step shows, as the page posts them before anything else. */
  async consent(): Promise<void> {
    await this.api.consent(this.view.consents);
  }

  /** 본인 인증 with the code the sandbox shows on the page; returns the code. */
  async verifyIdentity(details: IdentityDetails = identityDetails()): Promise<string> {
    await this.consent();
    return this.enterCode('identity', await this.api.startIdentity(details));
  }

  /** 추가 인증 with the phone on file and the code the sandbox shows; returns the code. */
  async verifyAdditional(): Promise<string> {
    await this.consent();
    return this.enterCode('additional', await this.api.startAdditional());
  }

  /** The bank registers the customer with the CA: the reference number and 인가코드 the device asks the CA with. */
  async authorize(): Promise<IssuanceAuthorized> {
    await this.consent();
    return this.api.authorize();
  }

  /** The device makes its key pair and R and the CA issues to it (authorized now unless given). Nothing saved yet. */
  async requestCertificate(authorized?: IssuanceAuthorized): Promise<NewCertificate> {
    const authorization = authorized ?? (await this.authorize());
    return issueOnDevice(authorization);
  }

  /** The device encrypts the key with `password`, keeps the files, and tells the bank; returns the files. */
  async save(certificate: NewCertificate, password: string): Promise<NewCertificateFiles> {
    const files = await protectOnDevice(certificate, password);
    await this.api.saved(files.serialNumber);
    return files;
  }

  /** A whole issuance on the page; returns the files the device kept. */
  async issue(password: string): Promise<NewCertificateFiles> {
    return this.save(await this.requestCertificate(), password);
  }

  /** Registration (or renewal's first half): the device opens the files with the password and signs the challenge. */
  async prove(files: CertificateFilesOnDevice, password: string): Promise<ProofChecked> {
    await this.consent();
    const result = await provePossession({ files, password, challenge: Buffer.from(this.view.challenge ?? '', 'base64') });
    if (result.status !== 'signed' && result.status !== 'noRandom') throw new Error(`the device could not sign: ${result.status}`);
    return this.api.proof(proofOf(result.proof));
  }

  /** A call as the page's browser makes it: the page's Origin (the API takes no other), and the cookie `open` set. */
  private async send(path: string, init: RequestInit): Promise<Response> {
    const { origin } = new URL(this.server);
    const headers = new Headers(init.headers);
    headers.set('origin', origin);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(`${origin}${path}`, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals > 0) this.cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
    return response;
  }

  private async enterCode(step: 'identity' | 'additional', sent: CodeSent): Promise<string> {
    if (!('maskedPhone' in sent)) throw new Error(`no code was sent: ${JSON.stringify(sent)}`);
    if (sent.sandboxCode === undefined) throw new Error('the page showed no sandbox code');
    const checked = await this.api.verify(step, sent.sandboxCode);
    if (!('verified' in checked)) throw new Error(`the code was not taken: ${JSON.stringify(checked)}`);
    return sent.sandboxCode;
  }
}
