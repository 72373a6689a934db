import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningBot } from '../support/httpBot';
import type { ScriptedTerminal } from './scriptedTerminal';
import { expectNoSecrets, issueInTerminal, startBot, terminalChat, verifyAdditional, verifyIdentity } from './terminalSupport';

const PASSWORD = 'Gildong#2026!';
const NEW_PASSWORD = 'Renewed#2027!';
let bot: RunningBot;

beforeAll(async () => {
  // Certificates that expire within 30 days are offered renewal (갱신).
  bot = await startBot({ CERT_VALIDITY_DAYS: '20' });
});
afterAll(() => bot?.app.close());

test('renewal from the terminal: the certificate it keeps proves the key, and the new one is kept beside it', async () => {
  const { term, keyFolder, quit } = await terminalChat(bot);
  try {
    await issueInTerminal(term, PASSWORD);
    await term.answer('you> ', '재발급');
    await verifyIdentity(term);
    await term.waitFor('bot> 재발급하거나 갱신할 인증서를 골라 주세요.');
    await term.answer('you> ', '1');
    const [, oldExpiry = ''] = await term.waitFor(/\((\d{4}-\d{2}-\d{2})\) 만료돼요.*갱신할까요\?/);
    await term.answer('you> ', '네');

    await term.waitFor('secure> 인증서 갱신');
    for (let i = 0; i < 2; i++) await term.answer('agree? [y/n]: ', 'y');
    // The certificate kept here is offered by number; its password opens it here.
    await term.waitFor(`(certificates kept in ${keyFolder}:)`);
    await term.waitFor(/1\. cn=홍길동\(\)\d+,.*\(yessign\)/);
    await term.answer('files (/attach <files…>) or a number: ', '1');
    await term.answer('인증서 비밀번호 (hidden): ', PASSWORD);
    // Proven: the new certificate is made here, with a password of its own.
    await term.answer('secure> 비밀번호 (hidden): ', NEW_PASSWORD);
    await term.answer('비밀번호 확인 (hidden): ', NEW_PASSWORD);
    await term.waitFor('secure> 인증서를 갱신해 저장했어요.');
    await term.waitFor('bot> 인증서를 갱신했어요.');
    // One year past the old expiry.
    await term.waitFor(`~ ${Number(oldExpiry.slice(0, 4)) + 1}${oldExpiry.slice(4)}`);
    await term.waitFor('you> ');
    expect(readdirSync(join(keyFolder, 'NPKI', 'yessign', 'USER'))).toHaveLength(2);
    expectNoSecrets(term.screen(), PASSWORD, NEW_PASSWORD);
  } finally {
    await quit();
  }
}, 90_000);

/** 발급 of a 범용 certificate in the terminal, kept with `password`: its fee agreed on the secure step. */
async function issueGeneralInTerminal(term: ScriptedTerminal, password: string): Promise<void> {
  await term.answer('you> ', '인증서 발급');
  await verifyIdentity(term);
  await verifyAdditional(term);
  await term.answer('bot> 공동인증서 발급을 위해 약관에 동의해 주세요.', '동의합니다');
  await term.answer('bot> 어떤 인증서를 발급할까요?', '2');
  await term.waitFor('bot> 범용 인증서는 발급 수수료 4,400원이 있어요.');
  await term.waitFor('secure> 인증서 발급 · 홍*동 고객님');
  for (let i = 0; i < 3; i++) await term.answer('agree? [y/n]: ', 'y');
  await term.answer('secure> 비밀번호 (hidden): ', password);
  await term.answer('비밀번호 확인 (hidden): ', password);
  await term.waitFor('bot> 인증서가 발급되었어요.');
}

test('갱신 without 본인 인증: the kept 범용 certificate names the customer, its fee is agreed after the proof, and the new one is kept beside it', async () => {
  const { term, keyFolder, quit } = await terminalChat(bot);
  try {
    await issueGeneralInTerminal(term, PASSWORD);
    await term.answer('you> ', '갱신');
    // Nobody is asked who they are: the page's proof of the current key says it.
    await term.waitFor('bot> 갱신은 보안 화면에서 지금 인증서로 본인임을 확인한 뒤 진행해요.');
    await term.waitFor(/secure> 인증서 갱신\n/);
    for (const consent of ['개인정보 수집·이용 동의', '고유식별정보 처리 동의']) {
      await term.waitFor(consent);
      await term.answer('agree? [y/n]: ', 'y');
    }
    // No certificate is named yet: the one chosen here is renewed.
    await term.waitFor('secure> 갱신할 인증서의 파일을 골라 주세요.');
    await term.waitFor(/1\. cn=홍길동\(\)\d+,.*\(yessign\)/);
    await term.answer('files (/attach <files…>) or a number: ', '1');
    await term.answer('인증서 비밀번호 (hidden): ', PASSWORD);
    // Proven, and it is a 범용 certificate: its fee is asked now, and only it.
    await term.waitFor('[필수] 범용 인증서 발급 수수료 4,400원을');
    await term.answer('agree? [y/n]: ', 'y');
    await term.answer('secure> 비밀번호 (hidden): ', NEW_PASSWORD);
    await term.answer('비밀번호 확인 (hidden): ', NEW_PASSWORD);
    await term.waitFor('secure> 인증서를 갱신해 저장했어요.');
    await term.waitFor('bot> 인증서를 갱신했어요.');
    await term.waitFor('- 종류: 범용');
    await term.waitFor('you> ');
    expect(readdirSync(join(keyFolder, 'NPKI', 'yessign', 'USER'))).toHaveLength(2);
    expectNoSecrets(term.screen(), PASSWORD, NEW_PASSWORD);
  } finally {
    await quit();
  }
}, 90_000);
