import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';

test('every text the chat page names is in both locales', () => {
  const html = readFileSync(join(__dirname, '..', '..', 'src', 'webChat', 'page', 'index.html'), 'utf8');
  const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((match) => match[1]!);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect([key, key in ko.webChat, key in en.webChat]).toEqual([key, true, true]);
});
