/**
 * The ceiling for `npm run bench`: the bot's own HTTP stack (restify, the same /api/messages
 * route with its JSON parser, its validation and loopback guard, CloudAdapter and
 * expectReplies) answering each message with its own text. No state, no flow, no Redis.
 *
 * Run as its own process (`node dist/bench/echoBot.js`, PORT from the environment, 0 = any);
 * it prints one JSON line with the port once it listens.
 */
import type { AddressInfo } from 'node:net';
import restify, { Server } from 'restify';
import { loadConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { createBotAdapter } from '../src/server/botAdapter';
import { registerMessagesRoute } from '../src/server/createServer';

export function createEchoServer(env: NodeJS.ProcessEnv): Server {
  const config = loadConfig(env);
  const logger = createLogger('warn');
  const adapter = createBotAdapter(config);
  const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
  registerMessagesRoute(server, {
    config,
    adapter,
    logger,
    logic: async (context) => {
      await context.sendActivity(context.activity.text ?? '');
    },
  });
  return server;
}

if (require.main === module) {
  const server = createEchoServer({ PORT: '0', ...process.env });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ msg: 'echo bot listening', port: (server.address() as AddressInfo).port })}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
