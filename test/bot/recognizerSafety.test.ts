import vm from 'node:vm';
import fc from 'fast-check';
import type { RecognizedInput } from '../../dialogs/contract/events';
import { MAX_RECOGNIZED_LENGTH, recognize } from '../../src/bot/decode/recognizer';

/**
 * No message, however it is built, may hold the process for long: catastrophic backtracking in
 * one regular expression stalls every conversation on the instance. Bounds are generous (a slow
 * shared machine passes easily); backtracking code exceeds them by orders of magnitude.
 */

/**
 * Runs `work`, giving up after `ms`. A vm timeout is the only way to stop a regular expression
 * that is backtracking; it throws "Script execution timed out".
 */
function withinMs<T>(ms: number, work: () => T): T {
  return vm.runInNewContext('work()', { work }, { timeout: ms }) as T;
}

const text = (t: string): RecognizedInput => ({ type: 'TEXT', text: t });

/** The recognizer's own vocabulary: answers, polite tails, journey words, English words. */
const YES_NO = [
  '네',
  '예',
  '응',
  'ㅇㅇ',
  '좋아',
  '좋아요',
  '동의',
  '동의해요',
  '동의합니다',
  '맞아요',
  '확인',
  '확인했어요',
  '아니',
  '아니요',
  '싫어',
  '싫어요',
  '동의하지않음',
  '거절',
  '괜찮아요',
  '됐어',
  '됐어요',
];
const POLITE = [
  '요',
  '해요',
  '해줘',
  '해줘요',
  '해주세요',
  '주세요',
  '좀',
  '부탁해요',
  '부탁드립니다',
  '할래',
  '할래요',
  '할게요',
  '감사합니다',
];
const JOURNEY = [
  '인증서',
  '발급',
  '재발급',
  '등록',
  '해제',
  '취소',
  '상담원',
  '연결',
  '비밀번호',
  '비번',
  '잊',
  '까먹',
  '공동인증서',
  '차이',
  '영어',
  '한국어',
  '로',
  '메뉴',
  '처음',
  '도와주세요',
  '주민등록',
];
const ENGLISH = [
  'yes',
  'no',
  'ok',
  'i',
  'do',
  'not',
  'agree',
  'please',
  'thank',
  'you',
  'thanks',
  'cancel',
  'registered',
  'difference',
  'certificate',
  'issue',
  'an',
  'help',
];
const SEPARATORS = ['', ' ', '  ', ',', '.', '!', '?', '~', 'ㅠㅠ', 'ㅋㅋ', '\n', '-', "'"];
const STRAYS = ['가', 'x', '1', '?', '다'];

const word = fc.constantFrom(...YES_NO, ...POLITE, ...JOURNEY, ...ENGLISH);
const separator = fc.constantFrom(...SEPARATORS);
const LIMIT = 4096; // text: z.string().max(4096) in the activity schemas

/** Words from the whole vocabulary, with separators. */
const mixed = fc.array(fc.tuple(word, separator), { maxLength: 1200 }).map((pairs) =>
  pairs
    .map(([w, s]) => w + s)
    .join('')
    .slice(0, LIMIT),
);

/** An answer, one short run of answers and tails repeated many times, then (mostly) a stray ending that fails a whole-utterance match at the last character. */
const pumped = fc
  .record({
    head: fc.constantFrom(...YES_NO, 'yes', 'no'),
    pump: fc.array(fc.tuple(fc.constantFrom(...YES_NO, ...POLITE, ' please', ' thank you', ' yes'), fc.constantFrom('', '', ' ')), {
      minLength: 1,
      maxLength: 3,
    }),
    times: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: LIMIT })),
    end: fc.constantFrom(...STRAYS, ''),
  })
  .map(({ head, pump, times, end }) => {
    const unit = pump.map(([w, s]) => w + s).join('');
    const room = Math.floor((LIMIT - head.length - end.length) / unit.length);
    return head + unit.repeat(Math.min(times, room)) + end;
  });

const message = fc.oneof({ arbitrary: mixed, weight: 1 }, { arbitrary: pumped, weight: 2 });

describe('recognize takes linear time', () => {
  // The reported message took about 4 s for 86 characters, and every further 해줘요 doubled it.
  test.each<[string, string, string, number, 'YES' | 'NO']>([
    ['the reported message', '네', '해줘요', 28, 'YES'],
    ['the reported message, longer', '네', '해줘요', 40, 'YES'],
    ['an answer and 300 polite tails', '네', '해줘요', 300, 'YES'],
    ['좋아요 (also 좋아 + 요) and 200 polite tails', '좋아요', '할래요', 200, 'YES'],
    ['a no, its tail and 200 polite tails', '아니요 괜찮아요', ' 할래요', 200, 'NO'],
  ])('%s: with a stray syllable at the end it is text, without it an answer', (_name, head, tail, times, intent) => {
    const answer = head + tail.repeat(times);
    expect(withinMs(1000, () => recognize(`${answer}가`))).toEqual(text(`${answer}가`));
    expect(withinMs(1000, () => recognize(answer))).toEqual({ type: intent });
  });

  test('5,000 random and adversarial messages up to the message size limit take < 10 s in all', () => {
    const inputs = fc.sample(message, { numRuns: 5000, seed: 20240612 });
    expect(inputs.some((input) => input.length > 3000)).toBe(true); // the sample reaches the size limit
    const results = withinMs(10_000, () => inputs.map((input) => recognize(input)));
    // Whatever is not an intent reaches the journey steps as typed, only trimmed.
    results.forEach((result, i) => {
      if (result.type === 'TEXT') expect(result.text).toBe(inputs[i]?.trim());
    });
  });
});

describe('recognize reads at most MAX_RECOGNIZED_LENGTH characters', () => {
  const request = '상담원 연결해 주세요.';
  // Filler that means nothing on its own, so only the request can make an intent.
  const padded = (length: number): string => request.padEnd(length, '음');

  test('a request as long as the limit is recognized; a longer message is data, passed on as typed', () => {
    expect(recognize(padded(MAX_RECOGNIZED_LENGTH))).toEqual({ type: 'AGENT' });
    const long = padded(MAX_RECOGNIZED_LENGTH + 1);
    expect(recognize(long)).toEqual(text(long));
  });
});
