import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The terminal's own small "channel": the serviceUrl the bot sends to outside a turn (an
 * agent's messages), speaking just enough of the Bot Connector API to take activities.
 */
export class ReplyListener {
  private constructor(
    private readonly server: Server,
    readonly serviceUrl: string,
  ) {}

  static async start(onActivity: (activity: unknown) => void): Promise<ReplyListener> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        // POST /v3/conversations/:id/activities[/:replyTo] carries a message; deletes and updates are simply acknowledged.
        if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
          try {
            onActivity(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            // not an activity: ignore it, the bot does not need an error back
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `terminal-${Date.now()}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ReplyListener(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
