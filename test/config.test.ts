import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashAgentPassword } from '../src/agentDesk/agentAccounts';
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
});

test('a hub can never be a customer channel, and supervisors must be agents', () => {
  expect(loadConfig({ HUB_CHANNELS: 'omnichannel' }).hubChannels).toEqual(['omnichannel']);
  expect(() => loadConfig({ HUB_CHANNELS: 'omnichannel,directline' })).toThrow(/HUB_CHANNELS: directline is a customer channel/);
  expect(() => loadConfig({ CHAT_FRAME_ANCESTORS: 'https://bank.example/path' })).toThrow(/CHAT_FRAME_ANCESTORS/);
  expect(loadConfig({ CHAT_FRAME_ANCESTORS: 'https://app.bank.example, http://127.0.0.1:8080' }).chatFrameAncestors).toEqual([
    'https://app.bank.example',
    'http://127.0.0.1:8080',
  ]);
});

describe('the agent desk settings are read once, into data', () => {
  test('AGENT_HOURS gives the days and minutes agents are in, AGENT_TIMEZONE the zone they are in', () => {
    const { agentDesk } = loadConfig({ AGENT_HOURS: 'Fri-Mon 09:30-18:00', AGENT_TIMEZONE: 'Europe/Berlin' });
    expect(agentDesk.hours).toEqual({ days: [5, 6, 0, 1], opensAt: 570, closesAt: 1080, description: 'Fri-Mon 09:30-18:00' });
    expect(agentDesk.timeZone).toBe('Europe/Berlin');
    expect(loadConfig({}).agentDesk).toMatchObject({ hours: undefined, timeZone: 'Asia/Seoul', accounts: [] });
  });

  test('AGENTS gives the accounts, with their hashes', async () => {
    const hash = await hashAgentPassword('correct horse battery');
    const { agentDesk } = loadConfig({ AGENTS: `kim:${hash}, lee:${hash}`, SUPERVISORS: 'lee' });
    expect(agentDesk.accounts.map((account) => account.id)).toEqual(['kim', 'lee']);
    expect(agentDesk.supervisors).toEqual(['lee']);
  });

  test.each([
    [{ AGENT_HOURS: 'weekdays 9-6' }, /AGENT_HOURS: expected e\.g\./],
    [{ AGENT_HOURS: 'Mon-Fri 18:00-09:00' }, /AGENT_HOURS: the closing time must be after the opening time/],
    [{ AGENT_TIMEZONE: 'Mars/Olympus_Mons' }, /AGENT_TIMEZONE: /],
    [{ AGENTS: 'kim' }, /AGENTS: .*entry 1 has no ":"/],
  ])('refuses to start with %p, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
