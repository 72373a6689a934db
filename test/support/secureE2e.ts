import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import RedisClient from 'ioredis';
import type Redis from 'ioredis';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { normalizeSerial } from '../../src/certificates/ca/certificateRevocationList';
import { createCertificateService } from '../../src/certificates/certificateService';
import { writeNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { loadConfig } from '../../src/config/config';
import { fileDatabaseUrl } from './testDatabase';
import type { SecureStepKind } from '../../dialogs/contract/secure';
import { createLogger } from '../../src/logging/logger';
import { memoryCertificateStores } from '../../src/stores';
import { DirectLineTestClient, type ReceivedActivity } from '../directLine/directLineClient';
import { shownIn } from '../directLine/directLineJourney';
import { fixtureDir } from './opensslFixtures';
import { deleteKeysMatching, keysMatching } from './redisCleanup';
import { promptOf } from './httpJourneys';
import { SHARED_REDIS_URL } from './sharedRedis';

/**
 * The acceptance journeys of the secure step (test/e2e): the whole app on a loopback port, its
 * state under a prefix of its own on the shared Redis, a customer on Direct Line in Node, and the
 * secure page in Debian's Chromium, done as a customer does it.
 */

/** The customer of the journeys; the openssl fixtures are made for the same name and 주민등록번호. */
export const E2E_CUSTOMER = {
  name: '홍길동',
  rrnFront: '900101',
  rrnBack: '1234567',
  carrier: 'SKT',
  phone: '010-2468-1357',
} as const;

export const CERTIFICATE_PASSWORD = 'Gildong#2026!';

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 860 }, acceptDownloads: true };
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export interface E2eApp {
  readonly url: string;
  readonly prefix: string;
  readonly caDirectory: string;
  /** Every line the app logged, at every level. */
  readonly logLines: string[];
  /** A client on the app's Redis, to read what it keeps. */
  readonly redis: Redis;
  close(): Promise<void>;
}

/** A port nothing listens on now: the app's links (the CA endpoint, the CRL) name the port it is started with. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The app as `npm start` runs it in the sandbox, configured from `env` as from the environment,
 * trusting besides its own CAs the openssl fixtures' "other bank" (root, issuing CA and CRL).
 */
export async function startE2eApp(env: Record<string, string> = {}): Promise<E2eApp> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'jca-e2e-'));
  const trusted = join(dir, 'trusted');
  mkdirSync(trusted);
  for (const file of ['root.pem', 'issuing.pem']) copyFileSync(join(fixtureDir(), file), join(trusted, file));
  const prefix = `jca-test-e2e-${randomUUID()}:`;
  const caDirectory = join(dir, 'ca');
  const logLines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  const app: App = await createApp(
    loadConfig({
      PORT: String(port),
      REDIS_URL: SHARED_REDIS_URL,
      STATE_KEY_PREFIX: prefix,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      CA_DIR: caDirectory,
      TRUSTED_ROOTS_DIR: trusted,
      CRL_DIR: join(fixtureDir(), 'crl'),
      DATABASE_URL: await fileDatabaseUrl(),
      ...env,
    }),
    logger,
  );
  await app.listen();
  const redis = new RedisClient(SHARED_REDIS_URL);
  return {
    url: `http://127.0.0.1:${port}`,
    prefix,
    caDirectory,
    logLines,
    redis,
    async close() {
      ChatCustomer.endAll();
      await app.close();
      await deleteKeysMatching(redis, `${prefix}*`);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every key under the prefix with its value as text (each type read whole). */
export async function redisDump(redis: Redis, prefix: string): Promise<string[]> {
  const keys = await keysMatching(redis, `${prefix}*`);
  return Promise.all(
    keys.map(async (key) => {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'list'
              ? JSON.stringify(await redis.lrange(key, 0, -1))
              : type === 'set'
                ? JSON.stringify(await redis.smembers(key))
                : type === 'zset'
                  ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
                  : type === 'stream'
                    ? JSON.stringify(await redis.xrange(key, '-', '+'))
                    : `(${type})`;
      return `${key} ${value ?? ''}`;
    }),
  );
}

/** A link to the secure page in a reply: the OpenUrl button of its hero card, and the step it is for (by the button's title). */
export function secureStepIn(activity: ReceivedActivity): { url: string; kind: SecureStepKind } | undefined {
  for (const attachment of (activity.attachments ?? []) as { content?: { buttons?: { type: string; title: string; value: string }[] } }[]) {
    const button = attachment.content?.buttons?.find((b) => b.type === 'openUrl' && /\/secure\/[\w-]{43}$/.test(String(b.value)));
    const kind = STEP_KINDS.find((step) => promptOf(`secureStep.button.${step}`) === button?.title);
    if (button !== undefined && kind !== undefined) return { url: String(button.value), kind };
  }
  return undefined;
}

const STEP_KINDS: readonly SecureStepKind[] = ['identity', 'additional', 'issuance', 'registration', 'renewal'];

/**
 * A customer on Direct Line (the client Web Chat uses), with a sandbox dev token. Replies are read in
 * order: each wait takes the bot's next messages after the ones already read.
 */
export class ChatCustomer {
  /** Customers still connected: `endAll` ends them after a file, whatever a test left. */
  private static readonly connected = new Set<ChatCustomer>();
  private read = 0;

  private constructor(
    readonly client: DirectLineTestClient,
    readonly userId: string,
  ) {}

  static async connect(appUrl: string): Promise<ChatCustomer> {
    const userId = `dl_e2e-${randomUUID()}`;
    const response = await fetch(`${appUrl}/directline/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    if (response.status !== 200) throw new Error(`no dev token: ${response.status}`);
    const { token } = (await response.json()) as { token: string };
    const customer = new ChatCustomer(new DirectLineTestClient({ domain: `${appUrl}/v3/directline`, token, webSocket: true }), userId);
    ChatCustomer.connected.add(customer);
    await customer.waitForText('menu.prompt');
    return customer;
  }

  /** The bot's messages so far, as the customer saw them. */
  get fromBot(): ReceivedActivity[] {
    return this.client.received.filter((activity) => activity.from?.id !== this.userId && activity.type === 'message');
  }

  async say(text: string): Promise<void> {
    await this.client.post({ type: 'message', from: { id: this.userId }, text });
  }

  /**
   * Waits for the bot's next message that `matches`, past those already read, and returns every
   * message from the last read up to it.
   */
  async waitFor(matches: (activity: ReceivedActivity) => boolean, timeoutMs = 20_000): Promise<ReceivedActivity[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = this.fromBot.slice(this.read);
      const at = fresh.findIndex(matches);
      if (at >= 0) {
        this.read += at + 1;
        return fresh.slice(0, at + 1);
      }
      if (Date.now() > deadline)
        throw new Error(`the bot said nothing that was expected; since the last read it said:\n${shownIn(fresh) || '(nothing)'}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for a message that shows the locale's text for `key` (up to its first parameter or line break). */
  async waitForText(key: string, timeoutMs?: number): Promise<ReceivedActivity[]> {
    const start = promptOf(key);
    return this.waitFor((activity) => shownIn([activity]).includes(start), timeoutMs);
  }

  /** Waits for the next link to the secure page (the hero card's button), and returns it with what the chat said up to it. */
  async secureLink(kind?: SecureStepKind, timeoutMs?: number): Promise<{ url: string; kind: SecureStepKind; shown: string }> {
    const activities = await this.waitFor((activity) => secureStepIn(activity) !== undefined, timeoutMs);
    const step = secureStepIn(activities.at(-1) as ReceivedActivity) as { url: string; kind: SecureStepKind };
    if (kind !== undefined && step.kind !== kind) throw new Error(`expected a link to the ${kind} page, got one to the ${step.kind} page`);
    return { ...step, shown: shownIn(activities) };
  }

  /** Everything the chat showed the customer, the bot's and theirs. */
  transcript(): string {
    return shownIn(this.client.received);
  }

  end(): void {
    ChatCustomer.connected.delete(this);
    this.client.end();
  }

  static endAll(): void {
    for (const customer of ChatCustomer.connected) customer.end();
  }
}

/** Every request a page sends: its address and its body. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly postData: string;
}

/**
 * A fresh browser context and page (its own cookies, downloads, IndexedDB), recording each request
 * the page sends and each Content-Security-Policy violation it reports.
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = DESKTOP,
): Promise<{ page: Page; sent: SentRequest[]; violations: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const sent: SentRequest[] = [];
  page.on('request', (request) => void sent.push({ url: request.url(), method: request.method(), postData: request.postData() ?? '' }));
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return { page, sent, violations };
}

/** The consents the step asks, each checked, then sent. */
export async function acceptConsents(page: Page): Promise<void> {
  await page.getByRole('heading', { name: '동의가 필요해요' }).waitFor();
  for (const box of await page.getByTestId('consents').getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: '동의하고 계속하기' }).click();
}

/** The one-time code the sandbox shows on the page, typed into the code field; returns it. */
async function typeShownCode(page: Page): Promise<string> {
  const sandboxCode = page.getByTestId('sandbox-code').filter({ hasText: /인증번호: \d{6}/ });
  await sandboxCode.waitFor();
  const shown = await sandboxCode.innerText();
  const code = /인증번호: (\d{6})/.exec(shown)?.[1];
  if (code === undefined) throw new Error(`no sandbox code on the page: ${shown}`);
  await page.getByLabel('인증번호 6자리').fill(code);
  await page.getByRole('button', { name: '확인', exact: true }).click();
  return code;
}

/** 본인 인증 on its page, as the customer does it: consents, details, the code the sandbox shows (returned). */
export async function verifyIdentityOnPage(page: Page, url: string): Promise<string> {
  await page.goto(url);
  await acceptConsents(page);
  await page.getByRole('heading', { name: '본인 인증' }).waitFor();
  await page.getByLabel('이름', { exact: true }).fill(E2E_CUSTOMER.name);
  await page.getByLabel('주민등록번호 앞 6자리').fill(E2E_CUSTOMER.rrnFront);
  await page.getByLabel('주민등록번호 뒤 7자리').fill(E2E_CUSTOMER.rrnBack);
  await page.getByLabel('통신사', { exact: true }).selectOption(E2E_CUSTOMER.carrier);
  await page.getByRole('textbox', { name: '휴대폰 번호' }).fill(E2E_CUSTOMER.phone);
  await page.getByRole('button', { name: '인증번호 받기' }).click();
  const code = await typeShownCode(page);
  await page.getByText('본인 인증을 마쳤어요.').waitFor();
  return code;
}

/** 추가 인증 on its page: the consent, a code to the phone on file (returned). */
export async function verifyAdditionalOnPage(page: Page, url: string): Promise<string> {
  await page.goto(url);
  await acceptConsents(page);
  await page.getByRole('button', { name: '인증번호 받기' }).click();
  const code = await typeShownCode(page);
  await page.getByText('추가 인증을 마쳤어요.').waitFor();
  return code;
}

/**
 * The chat's checks before a journey goes on: each secure step it links to (본인 인증, 추가 인증)
 * done on its page, until the chat says `key`. Returns the codes the pages showed, and that message.
 */
export async function verifyUntil(
  customer: ChatCustomer,
  page: Page,
  key: string,
): Promise<{ codes: string[]; steps: SecureStepKind[]; reached: ReceivedActivity }> {
  const next = promptOf(key);
  return passChecks(customer, page, (activity) => shownIn([activity]).includes(next));
}

/** The same checks, until the chat links to the page of the step `kind`; returns the codes and its address. */
export async function verifyUntilPage(
  customer: ChatCustomer,
  page: Page,
  kind: SecureStepKind,
): Promise<{ codes: string[]; steps: SecureStepKind[]; url: string }> {
  const { codes, steps, reached } = await passChecks(customer, page, (activity) => secureStepIn(activity)?.kind === kind);
  return { codes, steps, url: (secureStepIn(reached) as { url: string }).url };
}

async function passChecks(
  customer: ChatCustomer,
  page: Page,
  reached: (activity: ReceivedActivity) => boolean,
): Promise<{ codes: string[]; steps: SecureStepKind[]; reached: ReceivedActivity }> {
  const codes: string[] = [];
  const steps: SecureStepKind[] = [];
  for (;;) {
    const said = (await customer.waitFor((activity) => reached(activity) || secureStepIn(activity) !== undefined)).at(
      -1,
    ) as ReceivedActivity;
    if (reached(said)) return { codes, steps, reached: said };
    const step = secureStepIn(said) as { url: string; kind: SecureStepKind };
    steps.push(step.kind);
    if (step.kind === 'identity') codes.push(await verifyIdentityOnPage(page, step.url));
    else if (step.kind === 'additional') codes.push(await verifyAdditionalOnPage(page, step.url));
    else throw new Error(`the chat linked to the ${step.kind} page, which was not expected here`);
  }
}

/** What a suggested action of a message answers (its value), picked by its title. */
export function choiceOf(activity: ReceivedActivity, title: RegExp | string): string {
  const actions = (activity.suggestedActions?.actions ?? []) as { title: string; value: string }[];
  const action = actions.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  if (action === undefined) throw new Error(`no choice "${String(title)}" among ${JSON.stringify(actions.map((a) => a.title))}`);
  return String(action.value);
}

/** The new certificate's password, typed twice, with the live checklist met before it is sent. */
export async function chooseCertificatePassword(page: Page, password = CERTIFICATE_PASSWORD): Promise<void> {
  await page.getByRole('heading', { name: '인증서 비밀번호 정하기' }).waitFor({ timeout: 60_000 });
  const unmet = () => page.getByTestId('password-rules').locator('li[data-met="false"]').allInnerTexts();
  await page.getByLabel('비밀번호', { exact: true }).fill('abc1');
  expectUnmet(await unmet(), ['10자 이상', '특수문자 포함', '123, abc처럼 연속된 문자 쓰지 않기', '두 비밀번호가 같음']);
  await page.getByLabel('비밀번호', { exact: true }).fill(password);
  expectUnmet(await unmet(), ['두 비밀번호가 같음']);
  await page.getByLabel('비밀번호 확인').fill(password);
  expectUnmet(await unmet(), []);
  await page.getByRole('button', { name: '이 비밀번호로 저장하기' }).click();
}

function expectUnmet(actual: string[], expected: string[]): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`the password checklist shows unmet ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

export interface SavedFile {
  /** The name the page gave the download. */
  readonly name: string;
  readonly path: string;
}

/** On a desktop: both downloads the save screen offers, then "saved"; returns the files. */
export async function saveDownloads(page: Page): Promise<DesktopFiles> {
  await page.getByRole('heading', { name: '인증서 저장' }).waitFor({ timeout: 60_000 });
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'NPKI 폴더 저장 (zip)' }).click()]);
  const [pfx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PFX 파일 저장' }).click()]);
  const saved = {
    zip: { name: zip.suggestedFilename(), path: await zip.path() },
    pfx: { name: pfx.suggestedFilename(), path: await pfx.path() },
  };
  await page.getByRole('button', { name: '저장을 마쳤어요' }).click();
  return saved;
}

/**
 * The text forms a secret's bytes take: hex (either case) of a window of them, and base64 and
 * base64url of windows at three successive offsets, so that one of them lines up with the 3-byte
 * groups of any longer base64 text that holds the secret.
 */
export function encodingsOf(bytes: Uint8Array, windowBytes = 18): string[] {
  const data = Buffer.from(bytes);
  const size = Math.min(windowBytes, data.length - 2) - (Math.min(windowBytes, data.length - 2) % 3);
  const from = Math.max(0, Math.floor(data.length / 2) - size);
  const hex = data.subarray(from, from + size).toString('hex');
  const forms = [hex, hex.toUpperCase()];
  for (const shift of [0, 1, 2]) {
    const window = data.subarray(from + shift, from + shift + size);
    forms.push(window.toString('base64'), window.toString('base64url'));
  }
  return forms;
}

/**
 * The names of the secrets whose forms appear in `text`. Long forms (encoded bytes) are also looked
 * for with line breaks taken out, as PEM and JSON-escaped text would wrap them.
 */
export function secretsIn(text: string, secrets: Readonly<Record<string, readonly (string | RegExp)[]>>): string[] {
  const unwrapped = text.replace(/\\[nr]|\s/g, '');
  const found = (form: string | RegExp): boolean =>
    typeof form === 'string' ? text.includes(form) || (form.length >= 16 && unwrapped.includes(form)) : form.test(text);
  return Object.entries(secrets)
    .filter(([, forms]) => forms.some(found))
    .map(([name]) => name);
}

/** A one-time code as it would stand in text: six digits with no digit or letter around them. */
export const codePattern = (code: string): RegExp => new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`);

/** The page's requests as text, one a line: method, address and body. */
export const requestsText = (sent: readonly SentRequest[]): string => sent.map((r) => `${r.method} ${r.url} ${r.postData}`).join('\n');

/** The downloads a desktop browser saved. */
export interface DesktopFiles {
  readonly zip: SavedFile;
  readonly pfx: SavedFile;
}

/** What the chat showed once a certificate was issued, and the codes the checks before it showed. */
export interface IssuedThroughChat {
  /** The result card as the chat shows it (its fallback text and facts). */
  readonly card: string;
  readonly serialNumber: string;
  /** The codes the sandbox showed on the pages. */
  readonly codes: string[];
}

/**
 * Once the device has the new certificate (issuance, reissue, renewal): the password chosen with
 * its checklist, then, on a desktop, both downloads. Returns the files saved.
 */
export async function keepNewCertificate(
  page: Page,
  options: { downloads: boolean; password?: string },
): Promise<DesktopFiles | undefined> {
  await chooseCertificatePassword(page, options.password);
  return options.downloads ? saveDownloads(page) : undefined;
}

/** The signing pair in a downloaded NPKI zip, as files to pick on a page. */
export function npkiFilesIn(zip: SavedFile): PickedFile[] {
  const entries = unzipSync(readFileSync(zip.path));
  return Object.entries(entries)
    .filter(([name]) => /\/(signCert\.der|signPri\.key)$/.test(name))
    .map(([name, bytes]) => ({ name: name.slice(name.lastIndexOf('/') + 1), buffer: Buffer.from(bytes) }));
}

/** The serial number on a certificate card (issued, reissued, renewed). */
export function serialOnCard(card: string): string {
  const serial = /일련번호: ([0-9a-f]+)/.exec(card)?.[1];
  if (serial === undefined) throw new Error(`no serial number on the card: ${card}`);
  return serial;
}

/**
 * 발급 from the chat's menu up to the issuance page: 본인 인증 and 추가 인증 on their pages, the
 * terms and the type in the chat. Returns the codes the pages showed and the issuance page's link.
 */
export async function startIssuance(
  customer: ChatCustomer,
  page: Page,
  type: 'personalBanking' | 'personalGeneral' = 'personalBanking',
): Promise<{ codes: string[]; url: string }> {
  await customer.say(promptOf('menu.choices.issue'));
  const { codes } = await verifyUntil(customer, page, 'issuance.terms');
  await customer.say(promptOf('issuance.agree'));
  await customer.waitForText('issuance.chooseType');
  await customer.say(promptOf(`issuance.types.${type}`));
  const { url } = await customer.secureLink('issuance');
  return { codes, url };
}

/**
 * 발급 on a desktop from the chat's menu: the checks, then the issuance page (consents, the new
 * password, both downloads), until the chat shows the card.
 */
export async function issueThroughChat(customer: ChatCustomer, page: Page): Promise<IssuedThroughChat & { files: DesktopFiles }> {
  const { codes, url } = await startIssuance(customer, page);
  await page.goto(url);
  await acceptConsents(page);
  const files = await keepNewCertificate(page, { downloads: true });
  await page.getByText('인증서를 발급받아 저장했어요.').waitFor({ timeout: 60_000 });
  return { ...(await issuedCard(customer)), codes, files: files as DesktopFiles };
}

/** The chat's card once the page issued a certificate. */
export async function issuedCard(customer: ChatCustomer): Promise<{ card: string; serialNumber: string }> {
  const card = shownIn((await customer.waitForText('issuance.issued')).slice(-1));
  return { card, serialNumber: serialOnCard(card) };
}

/** Another bank's certificate for the journeys' customer, in each form the customer may have it, with what it must never leak. */
export interface OtherBankCertificate {
  readonly zip: Buffer;
  readonly signCert: Buffer;
  readonly signPri: Buffer;
  readonly pfx: Buffer;
  /** The decrypted key, R included. */
  readonly privateKeyInfo: Uint8Array;
}

/**
 * A certificate of the sandbox's second CA ("another bank"), made as `npm run sandbox:other-bank-cert`
 * makes it (src/sandbox/otherBankCertificate.ts): the app trusts that CA because it shares CA_DIR.
 */
export async function otherBankCertificate(app: E2eApp, password: string): Promise<OtherBankCertificate> {
  const service = await createCertificateService({
    caDirectory: app.caDirectory,
    crlUrl: (caId) => `${app.url}/ca/${caId}.crl`,
    stores: memoryCertificateStores(),
  });
  const ca = service.otherBankCa;
  const idn = `${E2E_CUSTOMER.rrnFront}${E2E_CUSTOMER.rrnBack}`;
  const issued = await ca.issue({ realName: E2E_CUSTOMER.name, idn, type: 'personalGeneral' });
  const signPri = Buffer.from(await encryptPrivateKeyFile(issued.privateKeyInfo, password));
  const { certificate, privateKeyInfo, subjectDn } = issued;
  return {
    zip: Buffer.from(writeNpkiZip({ caDirectory: ca.profile.caDirectory, subjectDn, signCert: certificate, signPri })),
    signCert: Buffer.from(certificate),
    signPri,
    pfx: Buffer.from(await writePkcs12({ certificate, privateKeyInfo, chain: [ca.issuingCertificate.raw], password })),
    privateKeyInfo,
  };
}

/** A file the customer picks on the page. */
export interface PickedFile {
  readonly name: string;
  readonly buffer: Buffer;
}

/**
 * 타기관 인증서 등록 from the chat's menu: 본인 인증 and 추가 인증 on their pages, "register" in the
 * chat, then the registration page (`proveOnPage`). The step's outcome is the page's and the chat's
 * to show. Returns the codes the pages showed.
 */
export async function registerThroughChat(
  customer: ChatCustomer,
  page: Page,
  files: readonly PickedFile[],
  password: string,
): Promise<string[]> {
  await customer.say(promptOf('menu.choices.register'));
  const { codes } = await verifyUntil(customer, page, 'registration.chooseAction');
  await customer.say(promptOf('registration.choices.add'));
  const { url } = await customer.secureLink('registration');
  await proveOnPage(page, url, files, password);
  return codes;
}

/** A registration (or renewal) page: its consents unless given already, the files chosen, their password, "check". */
export async function proveOnPage(page: Page, url: string, files: readonly PickedFile[], password: string): Promise<void> {
  await page.goto(url);
  const consents = page.getByRole('heading', { name: '동의가 필요해요' });
  await consents.or(page.getByRole('heading', { name: '인증서 확인' })).waitFor();
  if (await consents.isVisible()) await acceptConsents(page);
  await page.getByRole('heading', { name: '인증서 확인' }).waitFor();
  await page
    .getByLabel('인증서 파일')
    .setInputFiles(files.map(({ name, buffer }) => ({ name, mimeType: 'application/octet-stream', buffer })));
  await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill(password);
  await page.getByRole('button', { name: '확인하기' }).click();
}

/**
 * A CA's CRL as anyone fetches it (GET /ca/<caId>.crl), read by `openssl crl`: each revoked serial
 * (as the chat's cards show them: whole bytes of lower-case hex) with its entry's text.
 */
export async function revokedSerials(appUrl: string, caId: string): Promise<Map<string, string>> {
  const response = await fetch(`${appUrl}/ca/${caId}.crl`);
  if (response.status !== 200) throw new Error(`GET /ca/${caId}.crl answered ${response.status}`);
  const folder = mkdtempSync(join(tmpdir(), 'jca-e2e-crl-'));
  try {
    const file = join(folder, `${caId}.crl`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
    const revoked = new Map<string, string>();
    for (const entry of text.split(/(?=^\s*Serial Number:)/m).slice(1)) {
      const serial = /Serial Number:\s*([0-9A-Fa-f]+)/.exec(entry)?.[1];
      if (serial !== undefined) revoked.set(normalizeSerial(serial), entry);
    }
    return revoked;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
