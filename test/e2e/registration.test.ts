import type { Browser } from 'playwright-core';
import { oidOf, parseDer, sequenceOf } from '../../src/certificates/npki/der';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { shownIn } from '../directLine/directLineJourney';
import { launchChromium } from '../support/browser';
import { promptOf } from '../support/httpJourneys';
import { fixture, FIXTURE_PASSWORD } from '../support/opensslFixtures';
import {
  ChatCustomer,
  codePattern,
  E2E_CUSTOMER,
  type E2eApp,
  encodingsOf,
  openPage,
  type OtherBankCertificate,
  otherBankCertificate,
  type PickedFile,
  proveOnPage,
  redisDump,
  registerThroughChat,
  requestsText,
  secretsIn,
  secureStepIn,
  type SentRequest,
  startE2eApp,
} from '../support/secureE2e';

// 타기관 인증서 등록 end to end: the customer's files are opened on the secure page in Chromium with
// their password, the key signs the bank's challenge, and the bank checks the rest.
const OTHER_BANK_PASSWORD = 'Other#Bank2026';
const SEED_CBC_WITH_SHA1 = '1.2.410.200004.1.15';

let app: E2eApp;
let browser: Browser;
let otherBank: OtherBankCertificate;
/** What every registration's pages sent, and the codes they showed, for the scan at the end. */
const sent: SentRequest[] = [];
const codes: string[] = [];
const transcripts: string[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchChromium()]);
  otherBank = await otherBankCertificate(app, OTHER_BANK_PASSWORD);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Files to choose on the registration page, and their password. */
interface Attempt {
  readonly files: readonly PickedFile[];
  readonly password: string;
}

/** What the page, then the chat, showed after an attempt; and the page's new link when the chat offered it again. */
interface Outcome {
  readonly page: string;
  readonly chat: string;
  readonly offeredAgain?: string;
}

/**
 * A registration from the chat's menu with the first attempt's files; each next attempt on the page
 * the chat offers again. Returns what each attempt showed.
 */
async function register(...attempts: Attempt[]): Promise<Outcome[]> {
  const customer = await ChatCustomer.connect(app.url);
  const { page, sent: pageSent, violations } = await openPage(browser);
  const outcomes: Outcome[] = [];
  try {
    for (const [index, { files, password }] of attempts.entries()) {
      if (index === 0) codes.push(...(await registerThroughChat(customer, page, files, password)));
      else {
        const again = outcomes.at(-1)?.offeredAgain;
        if (again === undefined) throw new Error('the chat did not offer the page again');
        await proveOnPage(page, again, files, password);
      }
      const outcome = page.getByTestId('done').or(page.getByTestId('notice')).filter({ visible: true });
      await outcome.waitFor();
      const menu = promptOf('menu.prompt');
      const said = await customer.waitFor(
        (activity) => shownIn([activity]).includes(menu) || secureStepIn(activity)?.kind === 'registration',
      );
      outcomes.push({ page: await outcome.innerText(), chat: shownIn(said), offeredAgain: secureStepIn(said.at(-1)!)?.url });
    }
    expect(violations).toEqual([]);
    return outcomes;
  } finally {
    sent.push(...pageSent);
    transcripts.push(customer.transcript());
    customer.end();
    await page.context().close();
  }
}

/** A registration with one attempt. */
const registerOnce = async (attempt: Attempt): Promise<Outcome> => (await register(attempt))[0] as Outcome;

/** The chat's card for a registered certificate of KICA's (the sandbox's other bank and the openssl fixtures' CA both name it). */
function expectRegisteredCard(chat: string): void {
  expect(chat).toContain('인증서를 등록했어요.');
  expect(chat).toContain('한국정보인증(KICA)');
  expect(chat).toContain('범용');
}

test('another bank’s NPKI folder, zipped (the sandbox’s other bank): opened on the page, registered, the card in the chat', async () => {
  const { page, chat } = await registerOnce({ files: [{ name: 'NPKI.zip', buffer: otherBank.zip }], password: OTHER_BANK_PASSWORD });
  expect(page).toContain('인증서 확인을 마쳤어요.');
  expectRegisteredCard(chat);
}, 90_000);

test('openssl’s signCert.der with its key in KISA’s 1.15 scheme (seedCBCWithSHA1): registered', async () => {
  const signPri = Buffer.from(await encryptPrivateKeyFile(fixture('personal.pki.der'), FIXTURE_PASSWORD, { scheme: 'seedCBCWithSHA1' }));
  const [algorithm] = sequenceOf(parseDer(signPri), 'EncryptedPrivateKeyInfo');
  expect(oidOf(sequenceOf(algorithm, 'encryptionAlgorithm')[0], 'scheme')).toBe(SEED_CBC_WITH_SHA1);
  const files = [
    { name: 'signCert.der', buffer: fixture('personal.signCert.der') },
    { name: 'signPri.key', buffer: signPri },
  ];
  const { page, chat } = await registerOnce({ files, password: FIXTURE_PASSWORD });
  expect(page).toContain('인증서 확인을 마쳤어요.');
  expectRegisteredCard(chat);
}, 90_000);

test('openssl’s signPri.key in PBES2 (PBKDF2-HMAC-SHA256, SEED-CBC), the whole folder chosen with its kmCert pair: registered', async () => {
  const files = [
    { name: 'kmCert.der', buffer: fixture('corporate.signCert.der') },
    { name: 'kmPri.key', buffer: fixture('corporate.signPri.key') },
    { name: 'signCert.der', buffer: fixture('personal.signCert.der') },
    { name: 'signPri.key', buffer: fixture('personal.signPri.key') },
  ];
  const { page, chat } = await registerOnce({ files, password: FIXTURE_PASSWORD });
  expect(page).toContain('인증서 확인을 마쳤어요.');
  expectRegisteredCard(chat);
}, 90_000);

test('a PFX made by `openssl pkcs12` keeps no R: the page and the chat say so and offer the page again, where the NPKI folder registers', async () => {
  const [refused, retried] = await register(
    { files: [{ name: 'personal.p12', buffer: fixture('personal.p12') }], password: FIXTURE_PASSWORD },
    {
      files: [
        { name: 'signCert.der', buffer: fixture('personal.signCert.der') },
        { name: 'signPri.key', buffer: fixture('personal.signPri.key') },
      ],
      password: FIXTURE_PASSWORD,
    },
  );
  expect(refused!.page).toContain('이 인증서로는 진행할 수 없어요');
  expect(refused!.chat).toContain(promptOf('secureStep.failed.noRandom'));
  expect(refused!.chat).toContain('NPKI 폴더(signCert.der와 signPri.key)로 다시 시도해 주세요');
  expect(refused!.chat).not.toContain('인증서를 등록했어요.');
  expect(refused!.offeredAgain).toBeDefined();
  expect(retried!.page).toContain('인증서 확인을 마쳤어요.');
  expectRegisteredCard(retried!.chat);
}, 90_000);

test('nothing the pages sent, the app logged or Redis keeps holds a password or key material; R went only in the proof; no 주민등록번호, phone or code in the logs or Redis', async () => {
  if (codes.length === 0) throw new Error('no registration ran');
  const opensslKey = fixture('personal.pki.der');
  const keySecrets = {
    passwords: [OTHER_BANK_PASSWORD, FIXTURE_PASSWORD].flatMap((password) => [password, encodeURIComponent(password)]),
    privateKeys: [otherBank.privateKeyInfo, opensslKey, fixture('personal.rsa.der')].flatMap((key) => encodingsOf(key)),
    keyFiles: [
      otherBank.zip,
      otherBank.signPri,
      fixture('personal.signPri.key'),
      fixture('corporate.signPri.key'),
      fixture('personal.p12'),
    ].flatMap((file) => encodingsOf(file)),
  };
  const randomNums = {
    randomNum: [readPrivateKeyInfo(otherBank.privateKeyInfo).randomNum!, readPrivateKeyInfo(opensslKey).randomNum!].flatMap((r) =>
      encodingsOf(r),
    ),
  };
  const personal = {
    rrn: [`${E2E_CUSTOMER.rrnFront}${E2E_CUSTOMER.rrnBack}`, E2E_CUSTOMER.rrnBack],
    phone: ['01024681357', '2468-1357', '24681357'],
    codes: codes.map(codePattern),
  };
  // The page sends R (to check the VID) in its proof only, never the key or the password.
  const proofs = sent.filter((request) => request.url.endsWith('/secure/api/proof'));
  expect(proofs).toHaveLength(5);
  expect(secretsIn(requestsText(sent), keySecrets)).toEqual([]);
  expect(secretsIn(requestsText(sent.filter((request) => !proofs.includes(request))), randomNums)).toEqual([]);
  expect(secretsIn(requestsText(proofs), randomNums)).toEqual(['randomNum']);
  expect(secretsIn(transcripts.join('\n'), { ...keySecrets, ...randomNums, ...personal })).toEqual([]);
  const logs = app.logLines.join('\n');
  expect(logs).toContain('secure step ended');
  expect(secretsIn(logs, { ...keySecrets, ...randomNums, ...personal })).toEqual([]);
  const stored = (await redisDump(app.redis, app.prefix)).join('\n');
  expect(secretsIn(stored, { ...keySecrets, ...randomNums, ...personal })).toEqual([]);
});
