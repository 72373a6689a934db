import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, loadConfig } from '../src/config/config';

test('.env.example documents every variable the bot reads', () => {
  const example = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
  const documented = [...example.matchAll(/^([A-Za-z_]+)=/gm)].map((m) => m[1]);
  for (const variable of [...CONFIG_VARIABLES, 'BOT_URL']) expect(documented).toContain(variable);
});

test('the values in .env.example start the bot in local mode on loopback', () => {
  const example = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
  const env = Object.fromEntries([...example.matchAll(/^([A-Za-z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const config = loadConfig(env);
  expect(config.localMode).toBe(true);
  expect(config.host).toBe('127.0.0.1');
  expect(config.redis).toBeUndefined();
});

test('with an app id the bot listens on every interface unless HOST says otherwise', () => {
  const withApp = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' };
  expect(loadConfig(withApp).host).toBe('0.0.0.0');
  expect(loadConfig({ ...withApp, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
});
