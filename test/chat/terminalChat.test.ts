import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminalChat } from '../../src/chat/terminalChat';
import type { RunningBot } from '../support/httpBot';
import { OTHER_BANK_PASSWORD, otherBankFiles } from '../support/journeys';
import { opensslDecryptsKey } from '../support/opensslFixtures';
import { expectNoSecrets, startBot, terminalChat, verifyAdditional, verifyIdentity } from './terminalSupport';

/**
 * `npm run chat` against the real app (in process, the sandbox on loopback): the terminal does the
 * secure steps itself, as the secure page would, and the bot's messages arrive as they would.
 */
const PASSWORD = 'Gildong#2026!';
let bot: RunningBot;

beforeAll(async () => {
  bot = await startBot();
});
afterAll(() => bot?.app.close());

test('a newcomer issues a certificate from the terminal: secrets typed hidden, the files kept on this machine, and openssl reads them', async () => {
  const { term, keyFolder, quit } = await terminalChat(bot);
  try {
    await term.answer('you> ', '1');
    await term.waitFor('bot> 본인 인증은 채팅이 아닌 보안 화면에서 해요');
    await verifyIdentity(term);
    // What the page's outcome moves the chat to, sent by the bot outside a turn.
    await term.waitFor('bot> 본인 인증이 완료되었어요.');
    await verifyAdditional(term);
    await term.waitFor('bot> 공동인증서 발급을 위해 약관에 동의해 주세요.');
    await term.answer('you> ', '1');
    await term.waitFor('bot> 어떤 인증서를 발급할까요?');
    await term.answer('you> ', '1');

    await term.waitFor('bot> 인증서는 고객님 기기에서 만들어요');
    await term.waitFor('secure> 인증서 발급 · 홍*동 고객님');
    for (let i = 0; i < 2; i++) await term.answer('agree? [y/n]: ', 'y');
    // The rules are shown, and a password that breaks them is refused before it is used.
    await term.waitFor('- 10자 이상');
    await term.answer('secure> 비밀번호 (hidden): ', 'abc123');
    await term.waitFor('비밀번호 규칙을 모두 지켜 주세요.');
    await term.waitFor('x 10자 이상');
    await term.answer('secure> 비밀번호 (hidden): ', PASSWORD);
    await term.answer('비밀번호 확인 (hidden): ', 'Gildong#2026?');
    await term.waitFor('두 비밀번호가 달라요.');
    await term.answer('secure> 비밀번호 (hidden): ', PASSWORD);
    await term.answer('비밀번호 확인 (hidden): ', PASSWORD);
    const [, folder] = await term.waitFor(/\(kept on this machine: signCert\.der and signPri\.key in (.+)\)/);
    await term.waitFor('secure> 인증서를 발급받아 저장했어요.');
    await term.waitFor('bot> 인증서가 발급되었어요.');
    await term.waitFor('- 발급기관: 금융결제원(yessign)');
    await term.waitFor('you> ');

    // The files are where the terminal said, in the NPKI layout, and openssl reads them with the password.
    expect(folder?.startsWith(join(keyFolder, 'NPKI', 'yessign', 'USER'))).toBe(true);
    const signCert = join(folder ?? '', 'signCert.der');
    const subject = execFileSync(
      'openssl',
      ['x509', '-inform', 'DER', '-in', signCert, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb,utf8'],
      {
        encoding: 'utf8',
      },
    );
    expect(subject).toContain('CN=홍길동()');
    expect(opensslDecryptsKey(join(folder ?? '', 'signPri.key'), PASSWORD)).toContain('BEGIN PRIVATE KEY');
    expect(readdirSync(join(keyFolder, 'PFX'))).toHaveLength(1);
    expectNoSecrets(term.screen(), PASSWORD, 'abc123', 'Gildong#2026?');
  } finally {
    await quit();
  }
}, 90_000);

test("another bank's certificate is registered with /attach: possession proven here, a wrong password counted", async () => {
  const files = await otherBankFiles();
  const fileFolder = mkdtempSync(join(tmpdir(), 'jca-terminal-other-bank-'));
  writeFileSync(join(fileFolder, 'signCert.der'), files.signCert);
  writeFileSync(join(fileFolder, 'signPri.key'), files.signPri);
  const { term, quit } = await terminalChat(bot);
  try {
    await term.answer('you> ', '2');
    await verifyIdentity(term);
    await verifyAdditional(term);
    await term.waitFor(/bot> .*\n.*1\. 인증서 등록하기/);
    await term.answer('you> ', '인증서 등록하기');

    await term.waitFor('secure> 타기관 인증서 등록');
    for (let i = 0; i < 2; i++) await term.answer('agree? [y/n]: ', 'y');
    await term.answer('files (/attach <files…>): ', `/attach ${join(fileFolder, 'signCert.der')} ${join(fileFolder, 'signPri.key')}`);
    await term.answer('인증서 비밀번호 (hidden): ', 'Wrong#Pass2026');
    await term.waitFor('비밀번호가 맞지 않아요. 4번 더 시도할 수 있어요.');
    await term.answer('인증서 비밀번호 (hidden): ', OTHER_BANK_PASSWORD);
    await term.waitFor('secure> 인증서 확인을 마쳤어요.');
    await term.waitFor('bot> 인증서를 등록했어요.');
    await term.waitFor('- 발급기관: 한국정보인증(KICA)');
    await term.waitFor('you> ');
    expectNoSecrets(term.screen(), OTHER_BANK_PASSWORD, 'Wrong#Pass2026');
  } finally {
    await quit();
  }
}, 90_000);

test('/cancel or a declined consent leaves a secure step, the bot says so, and the step waits for /open; a link from another site is never opened', async () => {
  const { term, quit } = await terminalChat(bot);
  try {
    await term.answer('you> ', '1');
    await term.answer('agree? [y/n]: ', '/cancel');
    await term.waitFor('secure> 취소했어요');
    await term.waitFor('bot> 보안 화면에서 취소하셨어요.');
    // The bot offers the step again; it waits until asked for.
    await term.waitFor('(a secure step is open: /open runs it here)');
    await term.answer('you> ', '/open');
    await term.waitFor('secure> 본인 인증');
    await term.answer('agree? [y/n]: ', 'n');
    await term.waitFor('secure> 취소했어요');
    await term.waitFor('you> ');
  } finally {
    await quit();
  }
  const stranger = new TerminalChat({
    botUrl: `${bot.url}/api/messages`,
    serviceUrl: 'http://127.0.0.1:9',
    userId: 'u',
    write: () => undefined,
  });
  stranger.showProactive({ type: 'message', text: `본인 인증: https://evil.example/secure/${'A'.repeat(43)}` });
  expect(stranger.hasSecureStep()).toBe(false);
  stranger.showProactive({ type: 'message', text: `본인 인증: ${bot.url.replace('127.0.0.1', 'localhost')}/secure/${'A'.repeat(43)}` });
  expect(stranger.hasSecureStep()).toBe(true);
});
