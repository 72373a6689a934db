/**
 * Agents' messages outside the customer's turn (src/agentDesk/adapterMessenger.ts). With a
 * MicrosoftAppId the app's adapter gets a token for every call it makes; a conversation on our
 * own Direct Line connector goes through the in-process adapter instead, which has none.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { AdapterMessenger } from '../../src/agentDesk/adapterMessenger';
import { createBotAdapter } from '../../src/server/botAdapter';
import { DirectLineTestClient, textOf } from '../directLine/directLineClient';
import { agentsConfig, DeskClient } from '../support/deskClient';
import { RunningBot, startHttpBot } from '../support/httpBot';

const APP = { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret' };
const SECRET = 'messenger-test-secret-0123456789abcdef';

describe('with a MicrosoftAppId configured', () => {
  let bot: RunningBot;
  let client: DirectLineTestClient | undefined;
  beforeAll(async () => {
    bot = await startHttpBot({
      ...APP,
      HOST: '127.0.0.1',
      DIRECTLINE_SECRET: SECRET,
      AGENTS: await agentsConfig(['kim']),
      CA_DIR: mkdtempSync(join(tmpdir(), 'jca-messenger-ca-')),
    });
  });
  afterAll(async () => {
    client?.end();
    await bot.app.close();
  });

  test('a Direct Line customer hears the agent who took the conversation (no token is asked for on the way)', async () => {
    const generated = await fetch(`${bot.url}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: 'customer' } }),
    });
    const { token } = (await generated.json()) as { token: string };
    client = new DirectLineTestClient({ domain: `${bot.url}/v3/directline`, token, webSocket: false });
    await client.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
    const asked = await client.post({ type: 'message', from: { id: 'customer' }, text: '상담원 연결해 주세요' });
    expect(textOf(await client.waitFor((a) => a.replyToId === asked))).toContain('대기 순서는');

    const kim = await DeskClient.signIn(bot.url, 'kim', 'kim-password-123');
    const [waiting] = (await kim.call('GET', '/queue')).body.waiting;
    expect((await kim.call('POST', `/conversations/${waiting.id}/take`)).status).toBe(200);
    await client.waitFor((a) => textOf(a).includes('상담원이 연결되었어요'));
    await kim.call('POST', `/conversations/${waiting.id}/messages`, { text: '안녕하세요, 상담원 김민지입니다.' });
    await client.waitFor((a) => textOf(a) === '[상담원] 안녕하세요, 상담원 김민지입니다.');
  });
});

test('any other conversation goes through the authenticated adapter, with the app id', async () => {
  const authenticated = createBotAdapter(loadConfig(APP));
  const inProcess = createBotAdapter(loadConfig({}));
  const viaAuthenticated = jest.spyOn(authenticated, 'continueConversationAsync').mockResolvedValue(undefined);
  const viaInProcess = jest.spyOn(inProcess, 'continueConversationAsync').mockResolvedValue(undefined);
  const messenger = new AdapterMessenger(authenticated, APP.MicrosoftAppId, inProcess);
  const others = [
    ['directline', 'https://directline.botframework.com/'], // Azure's Direct Line
    ['msteams', 'https://smba.trafficmanager.net/kr/'],
    ['emulator', 'http://127.0.0.1:3978/directline-connector'],
    ['directline', 'http://10.1.2.3:3978/directline-connector'],
    ['directline', 'http://127.0.0.1:3978/api/messages'],
  ];
  for (const [channelId, serviceUrl] of others) {
    const reference = {
      channelId: channelId as string,
      serviceUrl: serviceUrl as string,
      conversation: { id: 'c1' },
      bot: { id: 'bot' },
      user: { id: 'customer' },
    };
    await messenger.send(reference, [{ type: 'message', text: 'hi' }]);
    expect(viaAuthenticated).toHaveBeenLastCalledWith(APP.MicrosoftAppId, reference, expect.any(Function));
  }
  expect(viaAuthenticated).toHaveBeenCalledTimes(others.length);
  expect(viaInProcess).not.toHaveBeenCalled();
});
