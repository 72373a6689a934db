import { ASTERISKS, redactDigitRuns, redactFreeText } from '../../src/identity/freeTextRedaction';

test.each([
  ['주민번호 770707-1234567 이에요', '주민번호 [주민등록번호] 이에요'],
  ['770707 1234567', '[주민등록번호]'],
  ['770707 - 1234567', '[주민등록번호]'],
  ['7707071234567', '[주민등록번호]'],
  ['연락처 010-5555-6666', '연락처 [휴대폰 번호]'],
  ['010 5555 6666', '[휴대폰 번호]'],
  ['016-555-6666', '[휴대폰 번호]'],
  ['인증번호는 482913 이에요', '인증번호는 [숫자] 이에요'],
  ['카드 9410123412341234', '카드 [숫자]'],
])('%s is masked', (typed, masked) => {
  expect(redactFreeText(typed)).toBe(masked);
});

test('ordinary text and short numbers are left alone', () => {
  for (const text of ['인증서 발급해 주세요', '2026년 12월 2일', '대표번호 1588-1234', '3번', 'Help me, please!'])
    expect(redactFreeText(text)).toBe(text);
});

test('password-like tokens are masked in what a customer typed, not in the bot’s own text (its links look like them)', () => {
  expect(redactFreeText('비밀번호는 Gildong#2026! 이에요')).toBe('비밀번호는 [비밀번호 형태] 이에요');
  const link = 'https://bank.example/secure/a1B2-c3D4?x=1';
  expect(redactDigitRuns(`열어 주세요: ${link}`)).toBe(`열어 주세요: ${link}`);
});

test('masks for a replayed chat need no translation', () => {
  expect(redactFreeText('770707-1234567, 010-5555-6666, 482913, Gildong#2026!', ASTERISKS)).toBe(
    '******-*******, ***-****-****, ******, ********',
  );
});

test('linear: adversarial text at the message size limit takes no time', () => {
  const size = 4096;
  const inputs = [
    `123456${' '.repeat(size - 7)}x`,
    `010${'-'.repeat(size - 4)}x`,
    '1'.repeat(size),
    '123456 -'.repeat(size / 8),
    '010 1234 '.repeat(size / 9),
    `${'a1#'.repeat(size / 3)} `,
    '77070 7-123456 '.repeat(size / 15),
  ];
  const started = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) for (const input of inputs) redactFreeText(input);
  // 700 texts of 4 KB: about 15 ms when linear; the earlier `\d{6}\s*-?\s*\d{7}` (quadratic on a run of spaces) took 750 ms.
  expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
});
