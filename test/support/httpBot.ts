import { randomUUID } from 'node:crypto';
import { createApp, App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import type { Logger } from '../../src/logging/logger';
import { createLogger } from '../../src/logging/logger';

export interface RunningBot {
  readonly app: App;
  readonly url: string;
}

/** The whole server on an ephemeral loopback port, configured as from the environment. */
export async function startHttpBot(env: Record<string, string> = {}, logger: Logger = createLogger('silent')): Promise<RunningBot> {
  const app = await createApp(loadConfig({ PORT: '0', ...env }), logger);
  const port = await app.listen();
  return { app, url: `http://127.0.0.1:${port}` };
}

export function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'test',
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id: 'http-conversation' },
    from: { id: 'http-user' },
    recipient: { id: 'bot' },
    deliveryMode: 'expectReplies',
    text: '안녕하세요',
    ...overrides,
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
