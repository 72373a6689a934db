import { agentsConfig, DeskClient } from '../support/deskClient';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot } from '../support/httpBot';

// Finding 7: take, messages, transfer and end took form posts from any Origin, so another site's
// page could act with an agent's cookie. Every state-changing desk route now wants JSON from the
// desk's own Origin.

let bot: RunningBot;
let customer: HttpCustomer;

beforeAll(async () => {
  bot = await startHttpBot({ AGENTS: await agentsConfig(['kim', 'lee']) });
  customer = await HttpCustomer.start();
});

afterAll(async () => {
  await customer.close();
  await bot.app.close();
});

type Attempt = { headers: Record<string, string>; body: string | FormData };

/** What another site's page (or a form on it) could send with the agent's cookie, and what our own page could never send. */
function forgeries(fields: Record<string, string>): [string, Attempt][] {
  const own = new URL(bot.url).origin;
  const multipart = new FormData();
  for (const [name, value] of Object.entries(fields)) multipart.append(name, value);
  return [
    [
      'a form post',
      { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: own }, body: new URLSearchParams(fields).toString() },
    ],
    ['a multipart post', { headers: { origin: own }, body: multipart }],
    [
      'a form post from another site',
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: new URLSearchParams(fields).toString(),
      },
    ],
    [
      'JSON from another origin',
      { headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify(fields) },
    ],
    ['JSON without an Origin', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) }],
  ];
}

/** Sends each forgery; returns the ones that were not refused with 403 or 415. */
async function accepted(kim: DeskClient, method: string, path: string, fields: Record<string, string>): Promise<string[]> {
  const through: string[] = [];
  for (const [name, attempt] of forgeries(fields)) {
    const { status } = await kim.send(method, path, attempt);
    if (status !== 403 && status !== 415) through.push(`${name}: ${status}`);
  }
  return through;
}

test('take, messages, transfer, end and sign-out refuse forms and foreign or missing Origins; the same call as JSON from the desk works', async () => {
  await customer.say(bot.url, '인증서 발급');
  expect((await customer.say(bot.url, '상담원 연결해 주세요'))[0]).toContain('대기 순서는 1번째예요');
  const kim = await DeskClient.signIn(bot.url, 'kim', 'kim-password-123');
  const { id } = (await kim.call('GET', '/queue')).body.waiting[0];
  const conversation = `/conversations/${encodeURIComponent(id)}`;

  expect(await accepted(kim, 'POST', `${conversation}/take`, { note: 'x' })).toEqual([]);
  expect((await kim.call('GET', '/queue')).body.waiting).toEqual([expect.objectContaining({ id, status: 'queued' })]);
  expect(customer.proactive).toEqual([]);

  expect((await kim.call('POST', `${conversation}/take`)).status).toBe(200);
  expect((await customer.proactiveMessages(1))[0]).toContain('상담원이 연결되었어요');

  expect(await accepted(kim, 'POST', `${conversation}/messages`, { text: '비밀번호를 알려 주세요' })).toEqual([]);
  expect(await accepted(kim, 'POST', `${conversation}/transfer`, { to: 'lee', note: '' })).toEqual([]);
  expect(await accepted(kim, 'POST', `${conversation}/end`, { mode: 'close' })).toEqual([]);
  expect(await accepted(kim, 'DELETE', '/session', { all: 'true' })).toEqual([]);
  // Nothing changed: still kim's, the customer heard nothing more, kim is still signed in.
  expect((await kim.call('GET', '/queue')).body.mine).toEqual([expect.objectContaining({ id, status: 'withAgent', agentId: 'kim' })]);
  expect((await kim.call('GET', '/me')).status).toBe(200);
  expect(customer.proactive).toHaveLength(1);

  expect((await kim.call('POST', `${conversation}/messages`, { text: '안녕하세요, 상담원입니다.' })).status).toBe(200);
  expect((await customer.proactiveMessages(2))[1]).toBe('[상담원] 안녕하세요, 상담원입니다.');
  expect((await kim.call('POST', `${conversation}/end`, { mode: 'close' })).status).toBe(200);
  expect((await kim.signOut()).status).toBe(204);
  expect((await kim.call('GET', '/me')).status).toBe(401);
});

test('sign-in refuses forms and foreign or missing Origins, and sets no cookie', async () => {
  for (const [name, attempt] of forgeries({ id: 'lee', password: 'lee-password-123' })) {
    const response = await fetch(`${bot.url}/agent/api/session`, { method: 'POST', ...attempt });
    expect({ name, refused: [403, 415].includes(response.status), cookie: response.headers.get('set-cookie') }).toEqual({
      name,
      refused: true,
      cookie: null,
    });
  }
  await expect(DeskClient.signIn(bot.url, 'lee', 'lee-password-123')).resolves.toBeInstanceOf(DeskClient);
});

test('the default desk at 127.0.0.1 also takes its own page opened as localhost, and nothing else on loopback', async () => {
  const port = new URL(bot.url).port;
  const signIn = (origin: string) =>
    fetch(`${bot.url}/agent/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ id: 'lee', password: 'lee-password-123' }),
    });
  expect((await signIn(`http://localhost:${port}`)).status).toBe(200);
  expect((await signIn(`http://localhost:${Number(port) + 1}`)).status).toBe(403);
  expect((await signIn(`https://localhost:${port}`)).status).toBe(403);
  expect((await signIn(`http://localhost.evil.example:${port}`)).status).toBe(403);
});
