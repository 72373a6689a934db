import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { activity, post, RunningBot, startHttpBot } from '../support/httpBot';
import { CUSTOMER } from '../support/journeys';
import { opensslDecryptsKey } from '../support/opensslFixtures';

const PASSWORD = 'Gildong#2026!';
let bot: RunningBot;

beforeAll(async () => {
  bot = await startHttpBot({ CA_DIR: join(tmpdir(), 'jca-test-ca') });
});
afterAll(() => bot.app.close());

test('a whole issuance over HTTP in the sandbox; the link serves a zip openssl and our reader accept, once', async () => {
  const conversation = { id: `http-issuance-${randomUUID()}` };
  const say = async (text: string): Promise<string[]> => {
    const { status, body } = await post(bot.url, activity({ conversation, text }));
    expect(status).toBe(200);
    return (body.activities as Array<{ text?: string }>).map((a) => a.text ?? '');
  };
  for (const text of ['인증서 발급', CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier]) await say(text);
  const sent = await say(CUSTOMER.phone);
  // the sandbox shows its code in the chat, labelled as sandbox
  const code = /\[샌드박스\].*?(\d{6})/.exec(sent.join('\n'))?.[1];
  expect(code).toBeDefined();
  await say(code as string);
  await say('동의합니다');
  await say('은행·신용카드·보험용 (무료)');
  await say(PASSWORD);
  const issued = await say(PASSWORD);
  const link = /(http:\/\/\S+\/certificates\/download\/[\w-]+)/.exec(issued.join('\n'))?.[1];
  expect(link).toBeDefined();
  const path = new URL(link as string).pathname;

  const first = await fetch(`${bot.url}${path}`);
  expect(first.status).toBe(200);
  expect(first.headers.get('content-type')).toBe('application/zip');
  const zip = Buffer.from(await first.arrayBuffer());
  const files = readNpkiZip(zip);
  if (!('signCert' in files)) throw new Error('no pair in the zip');
  const dir = mkdtempSync(join(tmpdir(), 'jca-http-issued-'));
  writeFileSync(join(dir, 'NPKI.zip'), zip);
  writeFileSync(join(dir, 'signCert.der'), files.signCert);
  writeFileSync(join(dir, 'signPri.key'), files.signPri);
  expect(
    execFileSync(
      'openssl',
      ['x509', '-inform', 'DER', '-in', join(dir, 'signCert.der'), '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb,utf8'],
      { encoding: 'utf8' },
    ),
  ).toContain('CN=홍길동()');
  expect(opensslDecryptsKey(join(dir, 'signPri.key'), PASSWORD)).toContain('BEGIN PRIVATE KEY');

  expect((await fetch(`${bot.url}${path}`)).status).toBe(410);
  expect((await fetch(`${bot.url}/certificates/download/not-a-real-token`)).status).toBe(404);
});
