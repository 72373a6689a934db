import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';
import { createTranslator } from '../../src/i18n/translator';

function keysOf(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([name, value]) =>
    typeof value === 'object' && value !== null ? keysOf(value as object, `${prefix}${name}.`) : [`${prefix}${name}`],
  );
}

test('Korean and English have exactly the same keys', () => {
  expect(keysOf(en).sort()).toEqual(keysOf(ko).sort());
});

test('interpolations use the same parameters in both languages', () => {
  const params = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
  const flatten = (tree: object, prefix = ''): Record<string, string> =>
    Object.fromEntries(
      Object.entries(tree).flatMap(([name, value]) =>
        typeof value === 'object' ? Object.entries(flatten(value as object, `${prefix}${name}.`)) : [[`${prefix}${name}`, String(value)]],
      ),
    );
  const koTexts = flatten(ko);
  for (const [key, text] of Object.entries(flatten(en))) expect([key, params(text)]).toEqual([key, params(koTexts[key] ?? '')]);
});

describe('Korean particles follow the interpolated word', () => {
  test('no particle marker is ever left in a rendered Korean text', async () => {
    const t = (await createTranslator()).forLanguage('ko');
    for (const key of keysOf(ko)) expect(t(key, { masked: '발급', reference: 'abc' })).not.toMatch(/\[\[|\]\]/);
  });
});
