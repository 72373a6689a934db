import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import type { Logger } from '../../src/logging/logger';
import { createLogger } from '../../src/logging/logger';
import { fileDatabaseUrl } from './testDatabase';

export interface RunningBot {
  readonly app: App;
  readonly url: string;
}

/** The whole server on an ephemeral loopback port, configured as from the environment. */
export async function startHttpBot(env: Record<string, string> = {}, logger: Logger = createLogger('silent')): Promise<RunningBot> {
  const app = await createApp(loadConfig({ PORT: '0', DATABASE_URL: await fileDatabaseUrl(), ...env }), logger);
  const port = await app.listen();
  return { app, url: `http://127.0.0.1:${port}` };
}

export interface Instances {
  /** What the instances were started with, to start another alike. */
  readonly env: Record<string, string>;
  readonly one: RunningBot;
  readonly two: RunningBot;
}

/**
 * Two instances of the whole server on one state, as behind a load balancer: `env` (REDIS_URL,
 * STATE_KEY_PREFIX, ...) plus one SECRETS_KEY, so each reads the other's sealed values, customer
 * ids and tokens, and one CA folder.
 */
export async function startInstances(env: Record<string, string>): Promise<Instances> {
  const shared = { SECRETS_KEY: randomBytes(32).toString('base64'), CA_DIR: mkdtempSync(join(tmpdir(), 'jca-instances-ca-')), ...env };
  const one = await startHttpBot(shared);
  const two = await startHttpBot(shared);
  return { env: shared, one, two };
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
