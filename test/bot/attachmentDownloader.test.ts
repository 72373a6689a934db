import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { AttachmentDownloader } from '../../src/bot/decode/attachmentDownloader';

let server: Server;
let origin: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/big') res.end(Buffer.alloc(300 * 1024, 1));
    else res.end(Buffer.from('certificate bytes'));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => void requests.splice(0));

const upload = (serviceUrl: string, contentUrl: string) =>
  ({
    type: 'message',
    serviceUrl,
    attachments: [{ name: 'signCert.der', contentType: 'application/octet-stream', contentUrl }],
  }) as Activity;

test('a file on the channel’s own origin is fetched and passed on as bytes', async () => {
  const [attachment] = (await new AttachmentDownloader([]).inline(upload(`${origin}/`, `${origin}/files/1`))).attachments ?? [];
  expect(Buffer.from((attachment?.contentUrl ?? '').split(',')[1] ?? '', 'base64').toString()).toBe('certificate bytes');
  expect(requests).toEqual(['/files/1']);
});

test('a file anywhere else is never fetched, not even another port of the same host', async () => {
  const elsewhere = await new AttachmentDownloader([]).inline(upload('http://127.0.0.1:9/', `${origin}/files/2`));
  expect(elsewhere.attachments?.[0]?.contentUrl).toBeUndefined();
  const attacker = await new AttachmentDownloader([]).inline(upload(`${origin}/`, 'http://169.254.169.254/latest/meta-data'));
  expect(attacker.attachments?.[0]?.contentUrl).toBeUndefined();
  expect(requests).toEqual([]);
});

test('a configured upload host is allowed; an oversized file is dropped', async () => {
  const allowed = await new AttachmentDownloader(['127.0.0.1']).inline(upload('https://channel.example/', `${origin}/files/3`));
  expect(allowed.attachments?.[0]?.contentUrl).toMatch(/^data:/);
  const big = await new AttachmentDownloader([]).inline(upload(`${origin}/`, `${origin}/big`));
  expect(big.attachments?.[0]?.contentUrl).toBeUndefined();
});
