import { networkInterfaces } from 'node:os';
import type { CodeSent } from '../../src/secure/secureApi';
import { HttpCustomer } from '../support/httpCustomer';
import { activity, post, RunningBot, startHttpBot } from '../support/httpBot';
import { expectReply } from '../support/httpJourneys';
import { identityDetails, SecurePage, secureLinkIn } from '../support/secureStepOverHttp';
import { capturingLogger } from '../support/testBot';

/** An address of this machine that is not loopback, as a caller from the network would have. */
function externalAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
  if (address === undefined) throw new Error('this test needs a non-loopback IPv4 interface');
  return address;
}

/** 본인 인증 on its page up to the code: what the chat showed, and what the page was told when the code went out. */
async function untilCodeSent(bot: RunningBot, customer: HttpCustomer): Promise<{ chat: string; page: SecurePage; sent: CodeSent }> {
  const replies = await customer.say(bot.url, '인증서 발급');
  expectReply(replies, 'secureStep.open.identity');
  const page = await SecurePage.open(secureLinkIn(replies));
  await page.consent();
  const sent = await page.api.startIdentity(identityDetails());
  return { chat: [...replies, ...customer.proactive].join('\n'), page, sent };
}

describe('no MicrosoftAppId, listening on every interface: a deployment on its own Direct Line, not the sandbox', () => {
  let bot: RunningBot;
  const log = capturingLogger();
  beforeAll(async () => {
    bot = await startHttpBot({ HOST: '0.0.0.0' }, log.logger);
  });
  afterAll(() => bot.app.close());

  test('customers are not shown the one-time code, on the page or in the chat', async () => {
    const customer = await HttpCustomer.start();
    try {
      const { chat, page, sent } = await untilCodeSent(bot, customer);
      expect(page.view.sandbox).toBe(false);
      expect(sent).toEqual({ maskedPhone: expect.stringContaining('****') });
      // The ticket in the link may hold six digits by chance; the rest of the chat may not.
      expect(chat.replace(/https?:\/\/\S+/g, '')).not.toMatch(/샌드박스|\d{6}/);
    } finally {
      await customer.close();
    }
  });

  test('no dev tokens are made and no throwaway agent is printed', async () => {
    expect((await fetch(`${bot.url}/directline/dev-token`, { method: 'POST' })).status).toBe(404);
    expect(log.lines.join('\n')).not.toContain('agent desk at /agent: sign in as');
  });

  test('/api/messages answers loopback callers only', async () => {
    const port = new URL(bot.url).port;
    expect((await post(`http://${externalAddress()}:${port}`, activity({ conversation: { id: 'from-the-network' } }))).status).toBe(403);
    expect((await post(bot.url, activity({ conversation: { id: 'from-this-machine' } }))).status).toBe(200);
  });
});

test('the sandbox (the default on loopback) shows codes on the page, never in the chat, makes dev tokens and prints the throwaway agent', async () => {
  const log = capturingLogger();
  const bot = await startHttpBot({}, log.logger);
  const customer = await HttpCustomer.start();
  try {
    const { chat, page, sent } = await untilCodeSent(bot, customer);
    expect(page.view.sandbox).toBe(true);
    expect(sent).toEqual({ maskedPhone: expect.stringContaining('****'), sandboxCode: expect.stringMatching(/^\d{6}$/) });
    expect(chat).not.toContain((sent as { sandboxCode: string }).sandboxCode);
    expect((await fetch(`${bot.url}/directline/dev-token`, { method: 'POST' })).status).toBe(200);
    expect(log.lines.join('\n')).toContain('agent desk at /agent: sign in as');
  } finally {
    await customer.close();
    await bot.app.close();
  }
});

test('with Bot Framework authentication on, a network caller without a token gets 401, not a turn', async () => {
  const bot = await startHttpBot({ HOST: '0.0.0.0', MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'app-password' });
  try {
    const port = new URL(bot.url).port;
    expect((await post(`http://${externalAddress()}:${port}`, activity({ conversation: { id: 'unsigned' } }))).status).toBe(401);
  } finally {
    await bot.app.close();
  }
});
