import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';

/**
 * Web Chat keeps the customer's own bubble (a typed 주민등록번호 included) for the whole session,
 * and the bank's server sees what is typed: no text may promise otherwise.
 */
const BROKEN_PROMISES = {
  ko: /바로 지워|지워 드려|기록에 남기지 않|은행도 알 수 없/,
  en: /delete your message|never kept|not kept|bank cannot see/i,
};

function texts(node: unknown, path = ''): [string, string][] {
  if (typeof node === 'string') return [[path, node]];
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, child]) => texts(child, path === '' ? key : `${path}.${key}`));
}

test.each([
  ['ko', ko],
  ['en', en],
] as const)('no %s text promises to delete or not to keep what the customer typed', (language, translation) => {
  const promises = texts(translation).filter(([, text]) => BROKEN_PROMISES[language].test(text));
  expect(promises).toEqual([]);
});
