import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, loadConfig } from '../src/config/config';

test('.env.example documents every variable the bot reads', () => {
  const example = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
  const documented = [...example.matchAll(/^([A-Za-z_]+)=/gm)].map((m) => m[1]);
  for (const variable of [...CONFIG_VARIABLES, 'BOT_URL']) expect(documented).toContain(variable);
});

test('the values in .env.example start the bot in the sandbox on loopback', () => {
  const example = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
  const env = Object.fromEntries([...example.matchAll(/^([A-Za-z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const config = loadConfig(env);
  expect(config.sandbox).toBe(true);
  expect(config.botAuthenticated).toBe(false);
  expect(config.host).toBe('127.0.0.1');
  expect(config.redis).toBeUndefined();
});

describe('the sandbox is a setting of its own', () => {
  test('on by default only on a loopback HOST outside production, whatever the app id', () => {
    const withApp = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' };
    expect(loadConfig({}).sandbox).toBe(true);
    expect(loadConfig(withApp).sandbox).toBe(true);
    expect(loadConfig({ HOST: '::1' }).sandbox).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0' }).sandbox).toBe(false);
    expect(loadConfig({ ...withApp, HOST: '10.0.0.5' }).sandbox).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).sandbox).toBe(false);
    expect(loadConfig({ SANDBOX: 'false' }).sandbox).toBe(false);
  });

  test.each([
    [{ SANDBOX: 'true', HOST: '0.0.0.0' }, /SANDBOX: .*loopback HOST \(HOST is 0\.0\.0\.0\)/],
    [{ SANDBOX: 'true', HOST: '192.0.2.7' }, /SANDBOX: .*loopback HOST/],
    [{ SANDBOX: 'true', NODE_ENV: 'production' }, /SANDBOX: refused when NODE_ENV=production/],
    [{ SANDBOX: 'yes' }, /SANDBOX: must be true or false/],
  ])('refuses to start with %p, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('the bot listens on loopback unless HOST says otherwise, app id or not', () => {
    const withApp = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' };
    expect(loadConfig(withApp).host).toBe('127.0.0.1');
    expect(loadConfig({ ...withApp, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });

  test('test hooks are refused outside the sandbox', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0', JCA_TEST_ISSUE_DELAY_MS: '100' })).toThrow(/JCA_TEST_ISSUE_DELAY_MS/);
    expect(loadConfig({ JCA_TEST_ISSUE_DELAY_MS: '100' }).testHooks.issueDelayMs).toBe(100);
  });
});

test('a hub can never be a customer channel, and supervisors must be agents', () => {
  expect(loadConfig({ HUB_CHANNELS: 'omnichannel' }).hubChannels).toEqual(['omnichannel']);
  expect(() => loadConfig({ HUB_CHANNELS: 'omnichannel,directline' })).toThrow(/HUB_CHANNELS: directline is a customer channel/);
  expect(() => loadConfig({ CHAT_FRAME_ANCESTORS: 'https://bank.example/path' })).toThrow(/CHAT_FRAME_ANCESTORS/);
  expect(loadConfig({ CHAT_FRAME_ANCESTORS: 'https://app.bank.example, http://127.0.0.1:8080' }).chatFrameAncestors).toEqual(['https://app.bank.example', 'http://127.0.0.1:8080']);
});
