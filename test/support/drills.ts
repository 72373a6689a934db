import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotProcess } from './botProcess';

/** Stops a bot process the drill started: SIGTERM (it drains and exits), SIGKILL if it has not exited after a while. */
export async function stopBotProcess(bot: BotProcess, graceMs = 10_000): Promise<void> {
  const { child } = bot;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await bot.exited;
  clearTimeout(timer);
}

/** Kills a bot process like a crash (SIGKILL) and waits until it is gone. */
export async function killBotProcess(bot: BotProcess): Promise<void> {
  const { child } = bot;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await bot.exited;
}

/** A channel's connector endpoint for the bot's calls outside expectReplies (replies, deletes): acknowledges everything. */
export interface ChannelStub {
  readonly serviceUrl: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

export async function startChannelStub(): Promise<ChannelStub> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `stub-${requests}` }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests: () => requests,
    close: () => {
      // The bot's connector keeps connections alive; they must not hold the drill open.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
