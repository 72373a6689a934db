import type { RecognizedInput } from '../../../dialogs/contract/events';
import { JOURNEYS } from '../../../dialogs/journeys';
import { anyNumberOf, isWordSequence, one, oneOrMore, optional, type Step } from './wordSequence';

/**
 * Free text (Korean or English) → one flow event. Pure and synchronous: a small, readable table
 * of word lists and regular expressions rather than an NLP library, because the vocabulary of
 * this bot is narrow (a dozen intents) and a table is easy to review, test and extend.
 *
 * Every utterance is looked at in two normalized forms:
 * - `compact`: NFKC, lower case, every space and punctuation mark removed. Korean patterns run
 *   on it, so "인증서발급", "인 증 서 발급?" and "인증서 발급!!" all read "인증서발급".
 *   Korean patterns are substrings, so polite endings (-요, -해주세요, -하고 싶어요 …) pass.
 * - `words`: NFKC, lower case, punctuation → one space. English patterns run on it with word
 *   boundaries, so "renew" does not contain "new" and "know" does not contain "no".
 *
 * Rules are checked top to bottom and the first match wins; the order is the precedence (see
 * RULES). Anything unmatched is TEXT with the customer's original text, only trimmed: names,
 * phone numbers, 주민등록번호 and OTP codes reach the journey steps untouched and are never logged
 * here.
 *
 * Every check takes time linear in the text, whatever the customer types: no pattern repeats a
 * group of alternatives (whole-utterance answers are read as word sequences instead) and none
 * scans the rest of the text from every position (see `inOrder`); test/lint/regexSafety checks
 * every pattern. Text longer than MAX_RECOGNIZED_LENGTH is not read at all.
 */
export function recognize(text: string): RecognizedInput {
  const original = text.trim();
  // An intent is asked for in a sentence or two; anything longer is prose or data for a step.
  if (original.length > MAX_RECOGNIZED_LENGTH) return { type: 'TEXT', text: original };
  const { compact, words } = normalize(original);
  // Nothing but digits, hyphens, spaces or symbols (phone numbers, 주민등록번호, OTP codes):
  // data for a journey step, never an intent.
  if (!/\p{L}/u.test(compact)) return { type: 'TEXT', text: original };
  for (const rule of RULES) {
    if (matches(rule, { compact, words })) {
      // A reissue request often names its reason ("분실했어요") or asks for 갱신, which the reissue journey takes as answers.
      if (rule.event.type !== 'REISSUE') return { ...rule.event };
      return matches(RENEWAL, { compact, words })
        ? { type: 'REISSUE', text: original, renewal: true }
        : { type: 'REISSUE', text: original };
    }
  }
  return { type: 'TEXT', text: original };
}

/**
 * Which of the offered choices the words name ("범용으로 할게요", "비밀번호를 잊었어요"), for the
 * choices that have words of their own (CHOICE_WORDS); undefined when none does.
 */
export function choiceNamedIn(text: string, offered: readonly string[]): string | undefined {
  if (text.length > MAX_RECOGNIZED_LENGTH) return undefined;
  const forms = normalize(text.trim());
  return CHOICE_WORDS.find(({ choice, ...patterns }) => offered.includes(choice) && matches(patterns, forms))?.choice;
}

/** The compact form of a text (NFKC, lower case, no spaces or punctuation), to compare a reply with a button's title. */
export function compactForm(text: string): string {
  return normalize(text).compact;
}

function matches(rule: Pick<Rule, 'compact' | 'words'>, { compact, words }: Normalized): boolean {
  return rule.compact.some((pattern) => pattern.test(compact)) || rule.words.some((pattern) => pattern.test(words));
}

/** The longest utterance read for an intent (a message itself may have up to 4,096 characters). */
export const MAX_RECOGNIZED_LENGTH = 1000;

interface Normalized {
  compact: string;
  words: string;
}

// NFKC turns lone compatibility jamo (ㅇ, ㅠ) into conjoining jamo (ᄋ, ᅲ); map them back so the
// patterns can be written with the characters people type.
const CHOSEONG = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ'; // U+1100…U+1112
const JUNGSEONG = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ'; // U+1161…U+1175

function normalize(text: string): Normalized {
  const base = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u1100-\u1112]/g, (c) => CHOSEONG[c.charCodeAt(0) - 0x1100] ?? c)
    .replace(/[\u1161-\u1175]/g, (c) => JUNGSEONG[c.charCodeAt(0) - 0x1161] ?? c)
    // Crying/laughing jamo (ㅠㅠ, ㅜㅜ, ㅋㅋ, ㅎㅎ, ㅡㅡ) carry tone, not meaning.
    .replace(/[ㅠㅜㅋㅎㅡ]+/g, ' ')
    // "institution's", "don't", "what's" → one word, so patterns need no apostrophes.
    .replace(/['’‘`]/g, '');
  return {
    compact: base.replace(/[^\p{L}\p{N}]+/gu, ''),
    words: base.replace(/[^\p{L}\p{N}]+/gu, ' ').trim(),
  };
}

/** A test on one normalized form: a regular expression, or a matcher below that needs no backtracking. */
interface Pattern {
  test(text: string): boolean;
}

interface Rule {
  /** REISSUE gets the utterance added (and whether it asks for renewal) when it matches. */
  event: Exclude<RecognizedInput, { type: 'REISSUE' }> | { type: 'REISSUE' };
  /** Tested against the compact form (Korean; spacing-insensitive). */
  compact: Pattern[];
  /** Tested against the space-separated words form (English; word boundaries). */
  words: Pattern[];
}

/** A stem with each of its endings: forms('동의', '', '합니다') is ['동의', '동의합니다']. */
const forms = (stem: string, ...endings: string[]): string[] => endings.map((ending) => stem + ending);

/** Polite tails allowed after a whole-utterance answer: "영어로 해주세요", "네 감사합니다". */
const POLITE = [
  '요',
  '해요',
  '해줘',
  '해줘요',
  '해주세요',
  '해주십시오',
  '주세요',
  '좀',
  ...forms('부탁', '해요', '합니다', '드립니다', '드려요'),
  '할래',
  '할래요',
  '할게요',
  '하고싶어요',
  '하고싶습니다',
  '감사합니다',
  '고맙습니다',
];

/** Whole-utterance matcher on the compact form: the steps, then any number of polite tails. */
const whole = (...steps: Step[]): Pattern => {
  const sequence = [...steps, anyNumberOf(...POLITE)];
  return { test: (compact) => isWordSequence(compact, sequence) };
};

// YES / NO only when the whole utterance is an answer ("네", "네 동의합니다", "예, 맞아요",
// "no thanks"); a sentence that merely contains 네 or 예 inside a word is not an answer.
const YES_KO = [
  '네',
  '넵',
  '넹',
  '예',
  '응',
  '웅',
  'ㅇㅇ',
  'ㅇㅋ',
  '오케이',
  '좋아',
  '좋아요',
  '좋습니다',
  ...forms('동의', '', '합니다', '해요', '할게요', '함', '하겠습니다'),
  '맞아',
  '맞아요',
  '맞습니다',
  '맞음',
  ...forms('확인', '', '했어요', '했습니다', '합니다', '할게요'),
  '그래',
  '그래요',
  '그럼요',
  ...forms('그렇게', '해주세요', '할게요', '해요'),
  '알겠습니다',
  '알겠어요',
  ...forms('물론', '', '이죠', '입니다'),
  ...forms('진행', '', '해주세요', '할게요', '해요', '합니다'),
  ...forms('계속', '', '할게요', '해주세요', '해요'),
];
const NO_KO = [
  '아니요',
  '아니오',
  '아뇨',
  '아니',
  '아니에요',
  '아닙니다',
  '싫어',
  '싫어요',
  '싫습니다',
  '싫음',
  '안돼',
  '안돼요',
  '안됩니다',
  ...forms('동의하지않', '음', '아요', '습니다', '을게요', '겠습니다'),
  ...forms('동의안', '함', '해요', '할게요', '합니다'),
  '비동의',
  '미동의',
  ...forms('거절', '', '할게요', '합니다'),
  '노',
  'ㄴㄴ',
];
// "괜찮아요" alone can mean either "fine, go on" or "no thanks", so it only follows a real no.
const NO_KO_TAIL = ['괜찮아요', '괜찮습니다', '됐어', '됐어요', '됐습니다'];
const YES_EN = [
  'yes',
  'yeah',
  'yep',
  'yup',
  'y',
  'ok',
  'okay',
  'k',
  'sure',
  'agree',
  'i agree',
  'i do',
  'of course',
  'correct',
  'right',
  'thats right',
  'confirm',
  'confirmed',
  'go ahead',
  'alright',
  'all right',
  'sounds good',
];
const NO_EN = ['no', 'nope', 'nah', 'n', 'disagree', 'i disagree', 'i dont agree', 'i do not agree', 'dont agree', 'not agree'];

/** Whole-utterance English answer on the words form: "yes", "ok sure", "no thank you", "yes please". */
const answer = (...alternatives: string[]): Pattern => {
  // The words form separates words with exactly one space.
  const more = [...alternatives, 'please', 'thanks', 'thank you'].map((word) => ` ${word}`);
  const sequence = [one(...alternatives), anyNumberOf(...more)];
  return { test: (words) => isWordSequence(words, sequence) };
};

/**
 * `first`, and somewhere after it `then`: what `/first.*then/` means, without its quadratic
 * backtracking (`.*` would scan the rest of the text again from every place `first` matches).
 * The leftmost match of `first` is taken; none of its words contains another, so that match
 * is also the one that ends first.
 */
const inOrder = (first: RegExp, then: RegExp): Pattern => ({
  test: (text) => {
    const found = first.exec(text);
    return found !== null && then.test(text.slice(found.index + found[0].length));
  },
});

// Language names, as a whole utterance ("English", "영어로 해주세요") or with a switching verb.
const SWITCH_KO = '(?:로|으로)(?:바꿔|바꾸|변경|전환|설정|해|말|대화|얘기|이야기|보여|진행|안내|답|부탁)';

/** A reissue that asks for 갱신 (renewal) by name. */
const RENEWAL: Pick<Rule, 'compact' | 'words'> = { compact: [/갱신/], words: [/\brenew/] };

/**
 * Words that name a choice when the question offers it: the certificate type, the reason for a
 * reissue. First match wins: the password comes before 분실, as "비밀번호 분실" says both.
 */
const CHOICE_WORDS: readonly ({ choice: string } & Pick<Rule, 'compact' | 'words'>)[] = [
  { choice: 'issuance.types.personalGeneral', compact: [/범용|4,?400/], words: [/\bgeneral\b/, /\b4 ?400\b/] },
  { choice: 'issuance.types.personalBanking', compact: [/은행|신용카드|보험|무료/], words: [/\b(?:bank|banking|card|insurance|free)\b/] },
  { choice: 'reissue.reasons.forgotPassword', compact: [/비밀번호|비번|암호/], words: [/\bpassword\b/] },
  { choice: 'reissue.reasons.leaked', compact: [/유출|해킹|도용|노출/], words: [/\b(?:leak|leaked|compromised?|stolen|hack|hacked)\b/] },
  { choice: 'reissue.reasons.lost', compact: [/분실|잃어|잃었/], words: [/\b(?:lost|lose)\b/] },
  { choice: 'reissue.reasons.other', compact: [/기타/], words: [/\bother\b/] },
];

/** Journeys that start on words of their own (dialogs/journeys), each recognized as `JOURNEY`. */
const JOURNEY_RULES: Rule[] = JOURNEYS.flatMap((journey) =>
  'words' in journey.startsOn
    ? [
        {
          event: { type: 'JOURNEY', journey: journey.id },
          compact: [...journey.startsOn.words.compact],
          words: [...journey.startsOn.words.words],
        },
      ]
    : [],
);

/** Certificate-registration release ("등록 해제", "등록 취소"): checked before CANCEL. */
const REGISTRATION = '(?<!주민)등록'; // 주민등록번호 / 주민등록증 are identity data, not registration

/**
 * The precedence, top first:
 *  1. NO, 2. YES        whole-utterance answers only, so they cannot shadow anything longer;
 *                       NO first because "동의하지 않음" starts like "동의".
 *  3. LANGUAGE          only a bare language name or an explicit switch ("영어로 바꿔주세요").
 *  4. REGISTER (release) "인증서 등록 취소/해제" is the 등록·해제 journey, not CANCEL of the flow.
 *  5. CANCEL            before AGENT and the journeys: "상담원 연결 취소", "발급 취소" stop things.
 *  6. AGENT             before the journeys: "발급이 안 돼서 상담원 연결" wants a person.
 *  7. WHAT_IS           tight patterns ("인증서란", "인증서가 뭐예요", "공인인증서랑 차이").
 *  8. REISSUE           before ISSUE ("재발급" contains "발급") and before REGISTER
 *                       ("타행 인증서 비밀번호를 잊었어요" needs a reissue anyway).
 *  9. REGISTER          before ISSUE: "다른 은행에서 발급받은 인증서 등록" mentions 발급.
 * 10. ISSUE
 * 10a. JOURNEY          journeys that bring their own words (dialogs/journeys), in their order.
 * 11. HELP              after the journeys: "인증서 발급 도와주세요" is ISSUE.
 * 12. RESTART           last: "인증서 발급 메뉴" is ISSUE, a bare "메뉴" is RESTART.
 */
const RULES: Rule[] = [
  {
    event: { type: 'NO' },
    compact: [whole(oneOrMore(...NO_KO), optional(...NO_KO_TAIL))],
    words: [answer(...NO_EN)],
  },
  {
    event: { type: 'YES' },
    compact: [whole(oneOrMore(...YES_KO))],
    words: [answer(...YES_EN)],
  },
  {
    event: { type: 'LANGUAGE', language: 'en' },
    compact: [whole(one('영어', '잉글리시'), optional('로', '으로')), new RegExp(`(?:영어|english)${SWITCH_KO}`)],
    words: [/^(?:english|eng)(?: language)?(?: please)?$/, /\b(?:in|to|into) english\b/, /\benglish (?:please|version|mode)\b/],
  },
  {
    event: { type: 'LANGUAGE', language: 'ko' },
    compact: [
      whole(one('한국어', '한글', '한국말', '국문'), optional('로', '으로')),
      new RegExp(`(?:한국어|한글|한국말|korean)${SWITCH_KO}`),
    ],
    words: [/^korean(?: language)?(?: please)?$/, /\b(?:in|to|into) korean\b/, /\bkorean (?:please|version|mode)\b/],
  },
  {
    // No target named: the flow asks which language.
    event: { type: 'LANGUAGE' },
    compact: [whole(one('언어')), /언어(?:를|좀)?(?:변경|바꾸|바꿔|바꿀|설정|선택|전환)/],
    words: [/^(?:the )?language(?: please)?$/, /\b(?:change|switch|select|set|choose) (?:the |my )?language\b/],
  },
  {
    event: { type: 'REGISTER', manage: true },
    compact: [
      new RegExp(`${REGISTRATION}(?:을|를|된(?:인증서|것|거)(?:를|을)?)?(?:해제|취소|삭제|해지)`),
      /인증서(?:를|을)?(?:해제|등록해제)/,
      new RegExp(`${REGISTRATION}(?:된|한)(?:인증서)?(?:를|을)?(?:조회|보기|보여|목록|확인|관리)`),
      whole(one('해제')),
    ],
    words: [
      /\b(?:unregister|deregister|release|releasing)\b/,
      inOrder(/\b(?:cancel|remove|delete)\b/, /\bregist(?:ered|ration)\b/),
      /\b(?:see|show|list|view|manage) (?:my |the )?registered\b/,
    ],
  },
  {
    event: { type: 'CANCEL' },
    compact: [
      /취소|그만(?!큼)|중단|관둘|관두|안할래|안하고싶|하지않을래|안할게/,
      // Only as the whole utterance: "유효기간이 종료됐어요" / "만료됐어요" are about the certificate.
      whole(one('됐어', '됐습니다', '필요없어', '필요없습니다', '종료', '종료하기', '나가기', '나갈래')),
    ],
    words: [/\b(?:cancel|stop|quit|abort|exit|nvm)\b/, /\bnever ?mind\b/, /\bforget (?:it|about it)\b/],
  },
  {
    event: { type: 'AGENT' },
    compact: [
      /상담원|상담사|상담직원|콜센터|고객센터|고객상담|전화상담/,
      /상담(?:하고싶|받고싶|요청|연결|원해|할래|받을래)/,
      /(?:직원|사람|담당자|매니저)(?:이랑|하고|과|와|한테|에게|을|를|좀)?(?:연결|바꿔|얘기|이야기|대화|통화|상담|불러|만나)/,
      whole(one('사람', '직원', '상담')),
    ],
    words: [
      /\b(?:agents?|operators?|humans?|representative|rep)\b/,
      /\b(?:real|live) (?:person|people|agent|chat)\b/,
      /\bcustomer (?:service|support|care)\b/,
      /\b(?:talk|speak|chat)(?: to| with)? (?:a |an )?(?:person|someone|somebody|staff|people)\b/,
    ],
  },
  {
    event: { type: 'WHAT_IS' },
    compact: [
      /인증서(?:이)?란/,
      /인증서(?:이|가|는|은)?(?:뭐|무엇|뭔|뭡)/,
      /인증서(?:에대해|에대한|설명|소개|개념|뜻|의미)/,
      // "공인인증서랑 뭐가 달라요": a comparison, but not "공동인증서 다른 은행 등록".
      inOrder(/(?:공동|공인)인증서/, /차이|달라|다르|다른점|다른가|비교/),
    ],
    words: [
      /\b(?:what (?:is|are)|whats) (?:an? |the )?(?:joint |public |korean |digital |accredited )?certificates?$/,
      /\b(?:joint|public) certificates? means?\b/,
      /\bexplain (?:an? |the |what )?(?:joint |public )?certificates?\b/,
      inOrder(/\bdifference\b/, /\bcertificates?\b/),
    ],
  },
  {
    event: { type: 'REISSUE' },
    compact: [
      /재발급|재발행|갱신|분실|잃어버|잃었/,
      // Forgetting may come later in the sentence; "모르" stays adjacent so that "비밀번호 규칙을
      // 모르겠어요" (while setting a new password) is not taken for a reissue.
      inOrder(/비밀번호|비번|암호|패스워드/, /잊|까먹|까묵/),
      /(?:비밀번호|비번|암호|패스워드)(?:를|을|가|이|도)?(?:모르|몰라|기억(?:이)?안|기억나지|생각(?:이)?안|생각나지)/,
      /만료(?!일)|(?:유효)?기간(?:이)?(?:지났|끝났|만료|종료)/,
      // "인증서 새로 받고 싶어요" replaces one the customer has: a reissue ("새 인증서 발급" is ISSUE).
      /새로(?:발급)?받|새로발급|다시(?:발급|받)/,
    ],
    words: [
      /\bre ?issu/,
      /\brenew/,
      /\bforg[oe]t/,
      /\b(?:dont|cant|do not|cannot|can not) remember\b/,
      /\blost\b/,
      /\bexpir/,
      /\bissue (?:it |one |a certificate |my certificate )?again\b/,
    ],
  },
  {
    event: { type: 'REGISTER' },
    compact: [
      /타기관|타행|타은행|타금융/,
      /다른(?:은행|기관|금융|곳|데|회사|증권사|카드사)/,
      new RegExp(`${REGISTRATION}(?!번호|증)`),
      /가져오|가져올|불러오/,
    ],
    words: [/\bregist/, /\bimport/, /\b(?:another|other|different) (?:bank|banks|institution|institutions|financial)/],
  },
  {
    event: { type: 'ISSUE' },
    compact: [/발급|발행|신규|새인증서/, /인증서(?:를|을|하나|좀)?(?:만들|생성|신청|받)/],
    words: [
      // "issue" the verb; "I have an issue" is not a request for a certificate.
      /(?<!\b(?:an|any|some|no|this|that|my) )\bissu(?:e|ing|ance)\b/,
      /\b(?:get|make|create|apply for|need|want)(?: me)? (?:a |an |my )?(?:new )?(?:joint )?certificate/,
      /\bnew (?:joint )?certificate/,
    ],
  },
  ...JOURNEY_RULES,
  {
    event: { type: 'HELP' },
    compact: [
      /도움말|도와줘|도와주|도움(?:이)?필요|도움좀|사용법|사용방법|이용법|이용방법|사용설명|이용안내/,
      /(?:뭘|뭐|무엇을?|어떤것을?|어떤거)(?:를)?(?:할수|해줄수|도와줄수|해줘|해주)/,
      /어떻게(?:써|사용|이용)/,
    ],
    words: [/\bhelp\b/, /\bwhat (?:can|do) you do\b/, /\bhow (?:does this|do i use|to use)\b/, /\bwhat are (?:my|the) options\b/],
  },
  {
    event: { type: 'RESTART' },
    compact: [
      /처음으로|처음부터|처음화면|첫화면|메인(?:메뉴|화면|으로)|메뉴|홈으로|홈화면|시작화면|다시시작/,
      whole(one('처음', '시작', '시작하기')),
    ],
    words: [
      /\b(?:main )?menu\b/,
      /\bstart ?(?:over|again)\b/,
      /\brestart\b/,
      /\bbegin again\b/,
      /\bback to (?:the )?(?:start|beginning|menu|main|top)\b/,
      /\bfrom the (?:start|beginning|top)\b/,
      /^(?:home|start)$/,
    ],
  },
];
