import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../src/chat/fileKeyStore';
import { ReplyListener } from '../../src/chat/replyListener';
import { runSecureStep } from '../../src/chat/secureStepClient';
import { runChatLoop, TerminalChat } from '../../src/chat/terminalChat';
import { createTranslator } from '../../src/i18n/translator';
import type { Logger } from '../../src/logging/logger';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { CUSTOMER } from '../support/journeys';
import { ScriptedTerminal } from './scriptedTerminal';

export const RRN_BACK = CUSTOMER.rrn.slice(7);

/**
 * The real app in process (the sandbox on loopback). The CA's endpoint is named from
 * PUBLIC_BASE_URL (here from PORT), so the port is chosen before the app starts. The CA folder is
 * the one the test support's other bank issues from, so the bot trusts that bank.
 */
export async function startBot(env: Record<string, string> = {}, logger?: Logger): Promise<RunningBot> {
  return startHttpBot({ CA_DIR: join(tmpdir(), 'jca-test-ca'), PORT: String(await freePort()), ...env }, logger);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The terminal chat as `npm run chat` wires it, with a scripted keyboard and its own folder for certificates. */
export async function terminalChat(bot: RunningBot): Promise<{ term: ScriptedTerminal; keyFolder: string; quit: () => Promise<void> }> {
  const term = new ScriptedTerminal();
  const keyFolder = mkdtempSync(join(tmpdir(), 'jca-terminal-npki-'));
  const store = new FileKeyStore(keyFolder);
  const translator = await createTranslator();
  let chat: TerminalChat | undefined;
  const listener = await ReplyListener.start((activity) => chat?.showProactive(activity));
  chat = new TerminalChat({
    botUrl: `${bot.url}/api/messages`,
    serviceUrl: listener.serviceUrl,
    userId: 'terminal-test',
    write: (line) => term.io.write(line),
    onSecureStep: () => term.io.interrupt(),
  });
  const loop = runChatLoop(chat, term.io, (url) => runSecureStep(url, { terminal: term.io, store, translator }));
  const quit = async (): Promise<void> => {
    term.type('/quit');
    await loop;
    term.io.close();
    await listener.close();
  };
  return { term, keyFolder, quit };
}

/** 본인 인증 in the terminal: the consents, the details (the back part hidden), the sandbox's code. */
export async function verifyIdentity(term: ScriptedTerminal): Promise<void> {
  await term.waitFor('secure> 본인 인증');
  for (const consent of ['개인정보 수집·이용 동의', '고유식별정보 처리 동의', '휴대폰 본인 확인 동의']) {
    await term.waitFor(consent);
    await term.answer('agree? [y/n]: ', 'y');
  }
  await term.answer('이름: ', CUSTOMER.name);
  await term.answer('주민등록번호 앞 6자리: ', CUSTOMER.rrn.slice(0, 6));
  await term.answer('주민등록번호 뒤 7자리 (hidden): ', RRN_BACK);
  await term.answer('통신사 [1-6]: ', '1');
  await term.answer('휴대폰 번호: ', CUSTOMER.phone);
  await enterShownCode(term);
  await term.waitFor('secure> 본인 인증을 마쳤어요.');
}

/** 추가 인증 in the terminal: its consent, and the code sent to the phone on file. */
export async function verifyAdditional(term: ScriptedTerminal): Promise<void> {
  await term.waitFor('secure> 추가 인증 · 홍*동 고객님');
  await term.waitFor('휴대폰 본인 확인 동의');
  await term.answer('agree? [y/n]: ', 'y');
  await term.waitFor('010-****-1357');
  await enterShownCode(term);
  await term.waitFor('secure> 추가 인증을 마쳤어요.');
}

/** The sandbox shows the code it sent, labelled; the terminal types it. */
export async function enterShownCode(term: ScriptedTerminal): Promise<void> {
  const [, code] = await term.waitFor(/\[샌드박스\].*인증번호: (\d{6})/);
  // Letters are not a code: asked again.
  await term.answer('인증번호 6자리 (/resend): ', 'abc');
  await term.waitFor('인증번호 6자리를 숫자로 입력해 주세요.');
  await term.answer('인증번호 6자리 (/resend): ', code ?? '');
}

/** Neither the 주민등록번호 nor any of `secrets` was ever on the screen. */
export function expectNoSecrets(screen: string, ...secrets: string[]): void {
  for (const secret of [RRN_BACK, CUSTOMER.rrn.replace('-', ''), ...secrets]) expect(screen).not.toContain(secret);
}

/** 발급 from the menu, every step in the terminal: the banking certificate, kept with `password`. */
export async function issueInTerminal(term: ScriptedTerminal, password: string): Promise<void> {
  await term.answer('you> ', '인증서 발급');
  await verifyIdentity(term);
  await verifyAdditional(term);
  await term.waitFor('bot> 공동인증서 발급을 위해 약관에 동의해 주세요.');
  await term.answer('you> ', '동의합니다');
  await term.waitFor('bot> 어떤 인증서를 발급할까요?');
  await term.answer('you> ', '1');
  await term.waitFor('secure> 인증서 발급 · 홍*동 고객님');
  for (let i = 0; i < 2; i++) await term.answer('agree? [y/n]: ', 'y');
  await term.answer('secure> 비밀번호 (hidden): ', password);
  await term.answer('비밀번호 확인 (hidden): ', password);
  await term.waitFor('bot> 인증서가 발급되었어요.');
}
