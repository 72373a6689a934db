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
  test.each([
    ['인증서 발급', '인증서 발급은 곧'], // 급 ends in a consonant → 은
    ['인증서 재발급 서비스', '인증서 재발급 서비스는 곧'], // 스 ends in a vowel → 는
    ['상담원 연결', '상담원 연결은 곧'],
    ['등록 해제', '등록 해제는 곧'],
  ])('%s', async (journey, expected) => {
    const t = (await createTranslator()).forLanguage('ko');
    expect(t('journey.comingSoon', { journey })).toContain(expected);
  });

  test('no particle marker is ever left in a rendered Korean text', async () => {
    const t = (await createTranslator()).forLanguage('ko');
    for (const key of keysOf(ko)) expect(t(key, { journey: '발급', reference: 'abc' })).not.toMatch(/\[\[|\]\]/);
  });
});
