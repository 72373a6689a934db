import { createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { normalizeSerial } from '../../src/certificates/ca/certificateRevocationList';
import { readCertificationRequest } from '../../src/certificates/ca/certificationRequestReader';
import { BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { readPkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { pageHeaders } from '../../src/server/securityHeaders';
import { BUILT_PAGES } from '../../src/server/staticFiles';
import type { IssuanceAuthorized, SecureView } from '../../src/secure/secureApi';
import { launchChromium, screenshotPath } from '../support/browser';
import { fixture, FIXTURE_PASSWORD } from '../support/opensslFixtures';

/**
 * The secure page alone, built as `npm run build` builds it, in Chromium at a phone's size,
 * against a fake of its API (canned answers on a loopback server, with the real page's CSP).
 * The journeys through the real server are test/secure's others.
 */
const TICKET = 'T'.repeat(43);
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const KAKAOTALK =
  'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 KAKAOTALK 10.8.5';
const CONSENTS = [
  { id: 'personalData', version: '2026-12' },
  { id: 'uniqueIdentifier', version: '2026-12' },
  { id: 'phoneVerification', version: '2026-12' },
] as const;

type Answer = { readonly status: number; readonly body: object };
type Handler = (body: Record<string, unknown>) => Answer | object | Promise<object>;

/** The page's API (and the CA's issuance endpoint), faked: each path answers as the test says; every request is kept. */
class FakeApi {
  readonly requests: { path: string; body: Record<string, unknown> }[] = [];
  private handlers = new Map<string, Handler>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    // A handler that throws answers 500 rather than leaving the page waiting.
    this.server = createServer(
      (req, res) =>
        void this.serve(req, res).catch(() => {
          res.statusCode = 500;
          res.end();
        }),
    );
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close = (): Promise<void> => new Promise((resolve) => this.server.close(() => resolve()));

  answer(path: string, handler: Handler): void {
    this.handlers.set(path, handler);
  }

  reset(): void {
    this.requests.length = 0;
    this.handlers.clear();
  }

  bodiesOf = (path: string): Record<string, unknown>[] => this.requests.filter((r) => r.path === path).map((r) => r.body);

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { ...pageHeaders({ framing: { sameOriginAnd: [] } }), 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const name = path.replace(/^\/secure\/api\//, '/');
      this.requests.push({ path: name, body });
      const handler = this.handlers.get(name);
      const answered = handler === undefined ? { status: 404, body: { error: 'unknown' } } : await handler(body);
      const { status, body: json } = 'status' in answered && 'body' in answered ? (answered as Answer) : { status: 200, body: answered };
      // Not chained: restify, loaded by other test files in this worker, patches writeHead to return nothing.
      res.writeHead(status, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
      return;
    }
    const file = this.files.get(path) ?? (path.startsWith('/secure/') ? this.files.get('/secure/') : undefined);
    res.writeHead(file === undefined ? 404 : 200, file === undefined ? headers : { ...headers, 'content-type': file.type });
    res.end(file?.body());
  }

  /** The files served besides the API: the built page (for any /secure/ path), and the test's own. */
  readonly files = new Map<string, { readonly type: string; readonly body: () => Buffer | string }>([
    ['/secure/', { type: 'text/html; charset=utf-8', body: () => readFileSync(join(BUILT_PAGES, 'secure', 'index.html')) }],
    ['/secure/assets/secure.js', { type: 'text/javascript', body: () => readFileSync(join(BUILT_PAGES, 'secure', 'secure.js')) }],
    ['/secure/assets/secure.css', { type: 'text/css', body: () => readFileSync(join(BUILT_PAGES, 'secure', 'secure.css')) }],
    // Where the bank's app's deep link leads, in this fake.
    ['/bank-app', { type: 'text/html', body: () => '<title>app</title>' }],
  ]);
}

const api = new FakeApi();
let browser: Browser;

beforeAll(async () => {
  await api.start();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api.close();
});

beforeEach(() => api.reset());

const view = (kind: SecureView['kind'], more: Partial<SecureView> = {}): SecureView => ({
  kind,
  language: 'ko',
  consents: [],
  accepted: [],
  sandbox: true,
  ...more,
});

/** A page at a phone's size (or in a messenger's browser), with any Content-Security-Policy violation noted. */
async function phonePage(userAgent?: string): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ ...PHONE, ...(userAgent === undefined ? {} : { userAgent }) });
  const page = await context.newPage();
  // Generous: several browsers may share a slow CI machine; a test must not fail for speed.
  page.setDefaultTimeout(30_000);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return { page, violations };
}

test('본인 인증: consents first, the back part masked, a numeric code field, the sandbox code shown, wrong codes counted', async () => {
  api.answer('/open', () => view('identity', { consents: [...CONSENTS] }));
  api.answer('/consent', () => ({}));
  api.answer('/identity/start', () => ({ maskedPhone: '010-****-5678', sandboxCode: '123456' }));
  api.answer('/identity/verify', ({ code }) => (code === '123456' ? { verified: true } : { wrong: true, attemptsLeft: 4 }));
  const { page, violations } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);

  // Consents: each with its version, all of them needed.
  await page.getByRole('heading', { name: '동의가 필요해요' }).waitFor();
  const consents = page.getByTestId('consents').locator('li');
  expect(await consents.count()).toBe(3);
  expect(await consents.allInnerTexts()).toEqual([
    expect.stringContaining('개인정보 수집·이용 동의'),
    expect.stringContaining('고유식별정보 처리 동의'),
    expect.stringContaining('휴대폰 본인 확인 동의'),
  ]);
  expect(await consents.first().innerText()).toContain('버전 2026-12');
  await consents.nth(0).getByRole('checkbox').check();
  await page.getByRole('button', { name: '동의하고 계속하기' }).click();
  await page.getByText('모든 항목에 동의해 주셔야 진행할 수 있어요').waitFor();
  expect(api.bodiesOf('/consent')).toEqual([]);
  await consents.nth(1).getByRole('checkbox').check();
  await consents.nth(2).getByRole('checkbox').check();
  await page.getByRole('button', { name: '동의하고 계속하기' }).click();

  // The details: the 주민등록번호's back part masked, on a numeric keyboard.
  await page.getByRole('heading', { name: '본인 인증' }).waitFor();
  const back = page.getByLabel('주민등록번호 뒤 7자리');
  expect(await attributes(back, ['type', 'inputmode', 'autocomplete'])).toEqual(['password', 'numeric', 'off']);
  expect(await attributes(page.getByLabel('주민등록번호 앞 6자리'), ['type', 'inputmode'])).toEqual(['text', 'numeric']);
  expect(await attributes(page.getByRole('textbox', { name: '휴대폰 번호' }), ['type'])).toEqual(['tel']);
  await page.getByLabel('이름', { exact: true }).fill('홍길동');
  await page.getByLabel('주민등록번호 앞 6자리').fill('900101');
  await back.fill('1234567');
  await page.getByLabel('통신사', { exact: true }).selectOption({ label: '알뜰폰 (KT망)' });
  await page.getByRole('textbox', { name: '휴대폰 번호' }).fill('010-1234-5678');
  const saveTo = screenshotPath('secure-page.png');
  if (saveTo !== undefined) await page.screenshot({ path: saveTo, fullPage: true });
  await page.getByRole('button', { name: '인증번호 받기' }).click();

  // The code: numeric, offered for autofill from the text message; the sandbox shows it, labelled.
  await page.getByText('휴대폰 번호(010-****-5678)로 인증번호 6자리를 보냈어요').waitFor();
  expect(await page.getByTestId('sandbox-code').innerText()).toBe(
    '[샌드박스] 시험 환경이라 문자 대신 여기에 보여 드려요. 인증번호: 123456',
  );
  const code = page.getByLabel('인증번호 6자리');
  expect(await attributes(code, ['inputmode', 'autocomplete'])).toEqual(['numeric', 'one-time-code']);
  await code.fill('000000');
  await page.getByRole('button', { name: '확인', exact: true }).click();
  await page.getByText('인증번호가 맞지 않아요. 4번 더 시도할 수 있어요.').waitFor();
  await code.fill('123456');
  await page.getByRole('button', { name: '확인', exact: true }).click();
  await page.getByText('본인 인증을 마쳤어요.').waitFor();
  await page.getByText('채팅으로 돌아가 주세요').waitFor();
  await page.getByRole('button', { name: '채팅으로 돌아가기' }).waitFor();

  expect(api.bodiesOf('/consent')).toEqual([{ accepted: CONSENTS }]);
  expect(api.bodiesOf('/identity/start')).toEqual([{ name: '홍길동', rrn: '9001011234567', carrier: 'KT_MVNO', phone: '01012345678' }]);
  expect(api.bodiesOf('/identity/verify')).toEqual([{ code: '000000' }, { code: '123456' }]);
  // Only `open` carries the ticket, in its body; the back part is gone from the page once sent.
  expect(api.requests.filter((r) => JSON.stringify(r.body).includes(TICKET)).map((r) => r.path)).toEqual(['/open']);
  expect(await back.inputValue()).toBe('');
  expect(violations).toEqual([]);
  await page.context().close();
});

test('the page speaks the ticket’s language, and switches', async () => {
  api.answer('/open', () => view('additional', { language: 'en', maskedPhone: '010-****-5678' }));
  api.answer('/additional/start', () => ({ tooSoon: true, retryAt: Date.now() + 20_000 }));
  const { page } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByText('we will send a code to your phone on file, 010-****-5678').waitFor();
  await page.getByRole('button', { name: '한국어' }).click();
  await page.getByText('등록된 휴대폰 번호(010-****-5678)로 인증번호를 보내 드릴게요').waitFor();
  await page.getByRole('button', { name: '인증번호 받기' }).click();
  await page.getByText(/인증번호는 \d+초 뒤에 다시 받을 수 있어요/).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('ko');
  await page.context().close();
});

test('a messenger’s in-app browser gets no issuance: the bank’s app or a code for a PC instead', async () => {
  api.answer('/open', () =>
    view('issuance', { certificateType: 'personalGeneral', consents: [...CONSENTS.slice(0, 2), { id: 'fee', version: '2026-12' }] }),
  );
  api.answer('/handover', ({ to }) =>
    to === 'pc' ? { code: 'K7Q29XPA', expiresAt: Date.parse('2026-12-01T05:10:00Z') } : { appLink: `${api.url}/bank-app?step=1` },
  );
  const { page, violations } = await phonePage(KAKAOTALK);
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByRole('heading', { name: '여기서는 진행할 수 없어요' }).waitFor();
  expect(await page.getByTestId('consents').locator('li').count()).toBe(0);

  await page.getByRole('button', { name: 'PC에서 계속하기' }).click();
  const handover = page.getByTestId('handover-code');
  await handover.getByText('K7Q29XPA').waitFor();
  expect(await handover.innerText()).toContain(`${api.url}/secure/continue`);
  expect(await handover.innerText()).toContain('14:10까지 한 번만 쓸 수 있어요');

  await page.getByRole('button', { name: '은행 앱에서 열기' }).click();
  await page.waitForURL(`${api.url}/bank-app?step=1`);
  expect(api.bodiesOf('/handover')).toEqual([{ to: 'pc' }, { to: 'app' }]);
  expect(api.bodiesOf('/issuance/authorize')).toEqual([]);
  expect(violations).toEqual([]);
  await page.context().close();
});

test('a messenger’s in-app browser still does 본인 인증', async () => {
  api.answer('/open', () => view('identity'));
  const { page } = await phonePage(KAKAOTALK);
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByLabel('주민등록번호 뒤 7자리').waitFor();
  await page.context().close();
});

test.each([
  ['used', 410, '이미 사용한 링크예요'],
  ['expired', 410, '링크의 유효 시간이 지났어요'],
  ['unknown', 404, '확인할 수 없는 링크예요'],
])('a %s ticket gets a Korean page that leads back to the chat', async (error, status, title) => {
  api.answer('/open', () => ({ status, body: { error } }));
  const { page, violations } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByRole('heading', { name: title }).waitFor();
  await page.getByRole('button', { name: '채팅으로 돌아가기' }).waitFor();
  await page.getByText('채팅으로 돌아가', { exact: false }).first().waitFor();
  expect(await page.getByTestId('cancel').isVisible()).toBe(false);
  expect(violations).toEqual([]);
  await page.context().close();
});

test('cancelling leaves the step for the chat to go on with', async () => {
  api.answer('/open', () => view('identity'));
  api.answer('/cancel', () => ({}));
  const { page } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByTestId('cancel').click();
  await page.getByRole('heading', { name: '취소했어요' }).waitFor();
  expect(api.bodiesOf('/cancel')).toEqual([{}]);
  await page.context().close();
});

test('on a PC, the code from the phone opens the same step', async () => {
  const next = 'N'.repeat(43);
  api.answer('/continue', ({ code }) =>
    code === 'K7Q29XPA' ? { ticket: next, url: `${api.url}/secure/${next}` } : { status: 404, body: { error: 'unknown' } },
  );
  api.answer('/open', () => view('registration', { challenge: Buffer.alloc(32, 7).toString('base64') }));
  const { page } = await phonePage();
  await page.goto(`${api.url}/secure/continue`);
  await page.getByLabel('코드').fill('WRONG');
  await page.getByRole('button', { name: '계속하기' }).click();
  await page.getByText('코드를 확인할 수 없어요').waitFor();
  await page.getByLabel('코드').fill('k7q2-9xpa');
  await page.getByRole('button', { name: '계속하기' }).click();
  await page.getByRole('heading', { name: '인증서 확인' }).waitFor();
  expect(api.bodiesOf('/open')).toEqual([{ ticket: next }]);
  await page.context().close();
});

test('registration: the files are opened here, a wrong password is counted, the proof is sent', async () => {
  const challenge = Buffer.alloc(32, 9);
  api.answer('/open', () => view('registration', { challenge: challenge.toString('base64') }));
  api.answer('/wrong-password', () => ({ attemptsLeft: 4 }));
  api.answer('/proof', () => ({ registered: true }));
  const folder = mkdtempSync(join(tmpdir(), 'jca-secure-page-'));
  const files = ['signCert.der', 'signPri.key'].map((name) => join(folder, name));
  writeFileSync(files[0]!, fixture('personal.signCert.der'));
  writeFileSync(files[1]!, fixture('personal.signPri.key'));
  const { page, violations } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByRole('heading', { name: '인증서 확인' }).waitFor();
  await page.getByLabel('인증서 파일').setInputFiles(files);

  await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill('Not#The2Password');
  await page.getByRole('button', { name: '확인하기' }).click();
  await page.getByText('비밀번호가 맞지 않아요. 4번 더 시도할 수 있어요.').waitFor();
  expect(api.bodiesOf('/wrong-password')).toEqual([{}]);

  await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill(FIXTURE_PASSWORD);
  await page.getByRole('button', { name: '확인하기' }).click();
  await page.getByText('인증서 확인을 마쳤어요.').waitFor();

  // The proof: the certificate, a signature over the challenge by its key, and R; never the password or the key.
  const [proof] = api.bodiesOf('/proof') as { certificate: string; signature: string; randomNum?: string }[];
  const certificate = new X509Certificate(Buffer.from(proof!.certificate, 'base64'));
  expect(createVerify('SHA256').update(challenge).verify(certificate.publicKey, Buffer.from(proof!.signature, 'base64'))).toBe(true);
  expect(Buffer.from(proof!.randomNum ?? '', 'base64')).toHaveLength(20);
  const sent = JSON.stringify(api.requests);
  expect(sent).not.toContain(FIXTURE_PASSWORD);
  expect(sent).not.toContain('Not#The2Password');
  expect(sent).not.toContain(fixture('personal.signPri.key').toString('base64'));
  expect(violations).toEqual([]);
  await page.context().close();
});

test('renewal asked for in the chat: the page names no certificate; once the proof shows a 범용 one, its fee is agreed before the CA is asked', async () => {
  const challenge = Buffer.alloc(32, 5);
  const fee = { amount: 4400, account: 'SANDBOX 000-000000-00-000' };
  const consents = [...CONSENTS.slice(0, 2)];
  let proven = false;
  api.answer('/open', () =>
    proven
      ? view('renewal', {
          challenge: challenge.toString('base64'),
          proven: true,
          certificateType: 'personalGeneral',
          fee,
          renewing: { fingerprint: 'e'.repeat(64), notAfter: '2026-12-20' },
          consents: [...consents, { id: 'fee', version: '2026-12' }],
          accepted: ['personalData', 'uniqueIdentifier'],
        })
      : view('renewal', { challenge: challenge.toString('base64'), consents }),
  );
  api.answer('/consent', () => ({}));
  api.answer('/proof', () => {
    proven = true;
    return { proven: true };
  });
  // Where this test stops: the CA's authorisation is asked only once every consent is in.
  api.answer('/issuance/authorize', () => ({ status: 409, body: { error: 'stop' } }));
  const folder = mkdtempSync(join(tmpdir(), 'jca-secure-page-'));
  const files = ['signCert.der', 'signPri.key'].map((name) => join(folder, name));
  writeFileSync(files[0]!, fixture('personal.signCert.der'));
  writeFileSync(files[1]!, fixture('personal.signPri.key'));
  const { page, violations } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: '동의하고 계속하기' }).click();

  await page.getByText('갱신할 인증서의 파일을 골라 주세요. 이 은행에서 발급받은, 만료가 30일 안으로 남은 인증서예요.').waitFor();
  await page.getByLabel('인증서 파일').setInputFiles(files);
  await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill(FIXTURE_PASSWORD);
  await page.getByRole('button', { name: '확인하기' }).click();

  const asked = page.getByTestId('consents').locator('li');
  await page.getByText('범용 인증서 발급 수수료 4,400원을 SANDBOX 000-000000-00-000 계좌에서 출금하는 데 동의해요').waitFor();
  expect(await asked.count()).toBe(3);
  await asked.nth(2).getByRole('checkbox').check();
  await page.getByRole('button', { name: '동의하고 계속하기' }).click();
  await page.getByText('문제가 생겼어요').waitFor();
  expect(api.requests.map((r) => r.path)).toEqual(['/open', '/consent', '/proof', '/open', '/consent', '/issuance/authorize']);
  expect(api.bodiesOf('/consent').at(-1)).toEqual({ accepted: [...consents, { id: 'fee', version: '2026-12' }] });
  expect(violations).toEqual([]);
  await page.context().close();
});

test('a PFX without R is sent without it, and the server’s refusal ends the step with the way forward', async () => {
  api.answer('/open', () => view('registration', { challenge: Buffer.alloc(32, 3).toString('base64') }));
  api.answer('/proof', () => ({ failed: 'noRandom' }));
  const pfx = join(mkdtempSync(join(tmpdir(), 'jca-secure-page-')), 'certificate.p12');
  writeFileSync(pfx, fixture('personal.p12'));
  const { page } = await phonePage();
  await page.goto(`${api.url}/secure/${TICKET}`);
  await page.getByLabel('인증서 파일').setInputFiles(pfx);
  await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill(FIXTURE_PASSWORD);
  await page.getByRole('button', { name: '확인하기' }).click();
  await page.getByRole('heading', { name: '이 인증서로는 진행할 수 없어요' }).waitFor();
  await page.getByText('NPKI 폴더(signCert.der와 signPri.key)로 다시 시도해 주세요', { exact: false }).waitFor();
  expect(Object.keys(api.bodiesOf('/proof')[0]!)).toEqual(['certificate', 'signature']);
  expect(await page.getByTestId('cancel').isVisible()).toBe(false);
  await page.context().close();
});

/** The sandbox's bank CA, made once for the issuance tests, and the fake's CA endpoint signing with it (no MAC or R checked: the page is under test). */
let bankCa: SandboxCa | undefined;
async function caEndpoint(): Promise<IssuanceAuthorized> {
  bankCa ??= await SandboxCa.open({
    profile: BANK_CA_PROFILE,
    folder: mkdtempSync(join(tmpdir(), 'jca-secure-page-ca-')),
    ledger: new MemoryCaLedger(),
    crlUrl: 'http://127.0.0.1/crl',
  });
  const ca = bankCa;
  api.answer('/ca/v1/certificates', async ({ certificationRequest }) => {
    const publicKey = readCertificationRequest(Buffer.from(String(certificationRequest), 'base64'));
    const signed = await ca.certify({
      realName: '홍길동',
      idn: '9001011234567',
      type: 'personalGeneral',
      publicKey,
      randomNum: new Uint8Array(20),
    });
    return { certificate: signed.certificate.toString('base64'), chain: [ca.issuingCertificate.raw.toString('base64')] };
  });
  return {
    referenceNumber: 'reference-1',
    authCode: 'authorisation-1',
    caEndpoint: `${api.url}/ca/v1/certificates`,
    caCertificate: ca.issuingCertificate.raw.toString('base64'),
  };
}

/** Chooses the certificate's password on the page, checking the live checklist on the way. */
async function choosePassword(page: Page, password: string): Promise<void> {
  await page.getByRole('heading', { name: '인증서 비밀번호 정하기' }).waitFor();
  const rules = page.getByTestId('password-rules');
  const unmet = () => rules.locator('li[data-met="false"]').allInnerTexts();
  await page.getByLabel('비밀번호', { exact: true }).fill('abc1');
  expect(await unmet()).toEqual(['10자 이상', '특수문자 포함', '123, abc처럼 연속된 문자 쓰지 않기', '두 비밀번호가 같음']);
  await page.getByLabel('비밀번호', { exact: true }).fill(password);
  expect(await unmet()).toEqual(['두 비밀번호가 같음']);
  await page.getByLabel('비밀번호 확인').fill(password);
  expect(await unmet()).toEqual([]);
  await page.getByRole('button', { name: '이 비밀번호로 저장하기' }).click();
}

test('issuance on a desktop: the fee agreed first, keys made here, the password checked as typed, the NPKI folder and the PFX downloaded', async () => {
  const password = 'Gildong#2026!';
  const authorized = await caEndpoint();
  api.answer('/open', () =>
    view('issuance', {
      certificateType: 'personalGeneral',
      fee: { amount: 4400, account: 'SANDBOX 000-000000-00-000' },
      consents: [...CONSENTS.slice(0, 2), { id: 'fee', version: '2026-12' }],
    }),
  );
  api.answer('/consent', () => ({}));
  api.answer('/issuance/authorize', () => authorized);
  api.answer('/issuance/saved', () => ({ done: true }));
  const { page, violations } = await phonePage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${api.url}/secure/${TICKET}`);
  const fee = page.getByTestId('consents').locator('li').nth(2);
  expect(await fee.innerText()).toContain('범용 인증서 발급 수수료 4,400원을 SANDBOX 000-000000-00-000 계좌에서 출금하는 데 동의해요');
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: '동의하고 계속하기' }).click();

  await choosePassword(page, password);
  await page.getByRole('heading', { name: '인증서 저장' }).waitFor();
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'NPKI 폴더 저장 (zip)' }).click()]);
  const [pfx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PFX 파일 저장' }).click()]);
  await page.getByRole('button', { name: '저장을 마쳤어요' }).click();
  await page.getByText('인증서를 발급받아 저장했어요.').waitFor();

  // The files open with the password chosen on the page; the key keeps R.
  const entries = unzipSync(readFileSync(await zip.path()));
  const keyFile = Object.keys(entries).find((name) => /^NPKI\/yessign\/USER\/.+\/signPri\.key$/.test(name));
  expect(keyFile).toBeDefined();
  expect(readPrivateKeyInfo(await decryptPrivateKeyFile(entries[keyFile!]!, password)).randomNum).toHaveLength(20);
  const fromPfx = await readPkcs12(readFileSync(await pfx.path()), password);
  const serialNumber = (await inspectCertificate(fromPfx.certificate)).serialNumber;
  expect(api.bodiesOf('/issuance/saved')).toEqual([{ serialNumber }]);
  expect(api.bodiesOf('/consent')).toEqual([{ accepted: [...CONSENTS.slice(0, 2), { id: 'fee', version: '2026-12' }] }]);
  // Neither the password nor the key went anywhere; R went only to the CA, encrypted.
  const sent = JSON.stringify(api.requests);
  expect(sent).not.toContain(password);
  expect(Object.keys(api.bodiesOf('/ca/v1/certificates')[0]!)).toEqual([
    'referenceNumber',
    'certificationRequest',
    'encryptedRandom',
    'mac',
  ]);
  expect(violations).toEqual([]);
  await page.context().close();
}, 60_000);

test('the in-app path through the sandbox bridge: the app keeps the new certificate, lists it, and signs with it', async () => {
  const password = 'Gildong#2026!';
  const authorized = await caEndpoint();
  api.answer('/open', () => view('issuance', { certificateType: 'personalBanking' }));
  api.answer('/issuance/authorize', () => authorized);
  api.answer('/issuance/saved', () => ({ done: true }));
  const { page, violations } = await phonePage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${api.url}/secure/${TICKET}?bridge=sandbox`);
  await choosePassword(page, password);
  await page.getByText('인증서를 발급받아 저장했어요.').waitFor();
  const kept = page.getByTestId('app-store');
  await kept.getByText('[샌드박스] 은행 앱 보관함의 인증서').waitFor();
  expect(await kept.locator('li').allInnerTexts()).toEqual([expect.stringMatching(/^홍\*동 · yessign · \d{4}\. \d{2}\. \d{2}\.까지$/)]);
  const saved = api.bodiesOf('/issuance/saved');
  expect(saved).toHaveLength(1);

  // Registration in the "app": the app's sheet picks the kept certificate and asks its password.
  const challenge = Buffer.alloc(32, 5);
  api.answer('/open', () => view('registration', { challenge: challenge.toString('base64') }));
  api.answer('/proof', () => ({ registered: true }));
  await page.goto(`${api.url}/secure/${TICKET}?bridge=sandbox`);
  await page.getByRole('button', { name: '앱의 인증서로 확인하기' }).click();
  const sheet = page.getByTestId('sandbox-bridge');
  await sheet.getByRole('radio').check();
  await sheet.getByRole('textbox', { name: '인증서 비밀번호' }).fill('Wrong#Password9');
  await sheet.getByRole('button', { name: '이 인증서로 확인' }).click();
  await sheet.getByText('비밀번호가 맞지 않아요.').waitFor();
  await sheet.getByRole('textbox', { name: '인증서 비밀번호' }).fill(password);
  await sheet.getByRole('button', { name: '이 인증서로 확인' }).click();
  await page.getByText('인증서 확인을 마쳤어요.').waitFor();
  const [proof] = api.bodiesOf('/proof') as { certificate: string; signature: string; randomNum?: string }[];
  const certificate = new X509Certificate(Buffer.from(proof!.certificate, 'base64'));
  // Whole bytes, a leading zero byte's nibble kept (09…), as the CA and the journal write it.
  expect(normalizeSerial(certificate.serialNumber)).toBe(saved[0]!.serialNumber);
  expect(createVerify('SHA256').update(challenge).verify(certificate.publicKey, Buffer.from(proof!.signature, 'base64'))).toBe(true);
  expect(proof!.randomNum).toBeDefined();
  expect(JSON.stringify(api.requests)).not.toContain(password);
  expect(violations).toEqual([]);
  await page.context().close();
}, 60_000);

test('the chat page opens a /secure/ button of its own origin over the chat, and closes it when the page leads back', async () => {
  // The chat page's card action middleware alone, bundled as the chat page bundles it, on a page of this origin.
  const bundle = await build({
    entryPoints: [join(__dirname, '..', '..', 'src', 'webChat', 'page', 'secureOverlay.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'chatOverlay',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  api.files.set('/chat.js', { type: 'text/javascript', body: () => bundle.outputFiles[0]!.text });
  api.files.set('/chat', {
    type: 'text/html; charset=utf-8',
    body: () => '<!doctype html><title>chat</title><script src="/chat.js"></script>',
  });
  api.answer('/open', () => ({ status: 410, body: { error: 'used' } }));
  const { page, violations } = await phonePage();
  await page.goto(`${api.url}/chat`);
  /** Whether the middleware passed the button on to Web Chat's own handling (a new window). */
  const passedOn = (url: string) =>
    page.evaluate((value) => {
      const { secureStepInOverlay } = (globalThis as unknown as { chatOverlay: ChatOverlay }).chatOverlay;
      let next = false;
      secureStepInOverlay(() => ({ secureTitle: '보안 화면', secureClose: '닫고 채팅으로 돌아가기' }))()(() => (next = true))({
        cardAction: { type: 'openUrl', value },
      });
      return next;
    }, url);

  expect(await passedOn('https://secure.bank.example/secure/abc')).toBe(true);
  expect(await passedOn(`${api.url}/help`)).toBe(true);
  expect(await passedOn(`${api.url}/secure/${TICKET}`)).toBe(false);
  const secure = page.frameLocator('.secure-overlay iframe');
  await secure.getByRole('heading', { name: '이미 사용한 링크예요' }).waitFor();
  await secure.getByRole('button', { name: '채팅으로 돌아가기' }).click();
  await page.locator('.secure-overlay').waitFor({ state: 'detached' });
  expect(violations).toEqual([]);
  await page.context().close();
});

/** The bundle's export (src/webChat/page/secureOverlay.ts), as the test calls it: that module is the DOM's, apart from this program. */
interface ChatOverlay {
  secureStepInOverlay(
    texts: () => { secureTitle: string; secureClose: string },
  ): () => (next: () => unknown) => (request: { cardAction: { type: string; value: string } }) => unknown;
}

/** Some of an element's attributes, in order. */
async function attributes(locator: ReturnType<Page['locator']>, names: string[]): Promise<(string | null)[]> {
  return Promise.all(names.map((name) => locator.getAttribute(name)));
}
