import type { RecognizedInput } from '../../dialogs/contract/events';
import { choiceNamedIn, recognize } from '../../src/bot/decode/recognizer';

const ISSUE: RecognizedInput = { type: 'ISSUE' };
const REGISTER: RecognizedInput = { type: 'REGISTER' };
const MANAGE: RecognizedInput = { type: 'REGISTER', manage: true };
// The reissue journey reads the reason from the customer's own words.
const REISSUE = { type: 'REISSUE' } as const;
const WHAT_IS: RecognizedInput = { type: 'WHAT_IS' };
const AGENT: RecognizedInput = { type: 'AGENT' };
const HELP: RecognizedInput = { type: 'HELP' };
const CANCEL: RecognizedInput = { type: 'CANCEL' };
const RESTART: RecognizedInput = { type: 'RESTART' };
const YES: RecognizedInput = { type: 'YES' };
const NO: RecognizedInput = { type: 'NO' };
const EN: RecognizedInput = { type: 'LANGUAGE', language: 'en' };
const KO: RecognizedInput = { type: 'LANGUAGE', language: 'ko' };
const LANGUAGE: RecognizedInput = { type: 'LANGUAGE' };
const text = (t: string): RecognizedInput => ({ type: 'TEXT', text: t });

const cases: Array<[string, RecognizedInput | typeof REISSUE]> = [
  // Menu buttons, Korean labels
  ['인증서 발급', ISSUE],
  ['타기관 인증서 등록·해제', MANAGE],
  ['재발급', REISSUE],
  ['공동인증서란?', WHAT_IS],
  ['상담원 연결', AGENT],
  ['도움말', HELP],
  ['취소', CANCEL],
  ['처음으로', RESTART],
  ['한국어', KO],
  ['English', EN],
  // Menu buttons, English labels
  ['Issue a certificate', ISSUE],
  ["Register / release another institution's certificate", MANAGE],
  ['Reissue', REISSUE],
  ['What is a joint certificate?', WHAT_IS],
  ['Talk to an agent', AGENT],
  ['Help', HELP],
  ['Cancel', CANCEL],
  ['Start over', RESTART],

  // ISSUE
  ['발급받고 싶어요', ISSUE],
  ['공동인증서 만들고 싶어요', ISSUE],
  ['새 인증서 발급', ISSUE],
  ['인증서발급', ISSUE],
  ['인 증 서 발급?', ISSUE],
  ['인증서 발급해주세요~', ISSUE],
  ['공인인증서 발급하고싶습니다', ISSUE],
  ['인증서 발급 부탁드립니다!!', ISSUE],
  ['ＩＳＳＵＥ a certificate', ISSUE],
  ['get a new certificate', ISSUE],
  ['I want to issue a certificate', ISSUE],
  ['인증서 발급 도와주세요', ISSUE], // the journey beats HELP

  // REGISTER
  ['타기관 인증서 등록', REGISTER],
  ['타행 인증서 등록', REGISTER],
  ['다른 은행 인증서 가져오기', REGISTER],
  ['다른 기관 인증서 등록해 주세요', REGISTER],
  ['인증서 등록 해제', MANAGE],
  ['등록된 인증서 보기', MANAGE],
  ['인증서 등록 취소', MANAGE], // releasing a registration, not CANCEL of the flow
  ['등록된 인증서 삭제해주세요', MANAGE],
  ['다른 은행에서 발급받은 인증서 등록할래요', REGISTER], // mentions 발급, still REGISTER
  ['타행인증서등록', REGISTER],
  ['register a certificate from another bank', REGISTER],
  ['import my certificate', REGISTER],
  ['release', MANAGE],
  ['등록된 인증서 조회', MANAGE],
  ['등록한 인증서 보기', MANAGE],
  ['show my registered certificates', MANAGE],
  ['cancel my certificate registration', MANAGE],

  // REISSUE
  ['인증서 재발급 받을래요', REISSUE], // contains 발급, still REISSUE
  ['인증서 새로 받고 싶어요', REISSUE],
  ['비밀번호를 잊어버렸어요ㅠㅠ', REISSUE],
  ['비번 까먹었어요', REISSUE],
  ['인증서 비밀번호가 뭐였는지 까먹었어요', REISSUE], // not WHAT_IS: 뭐 is not right after 인증서
  ['인증서 분실했어요', REISSUE],
  ['인증서가 만료됐어요', REISSUE], // ends in 됐어요, which alone would be CANCEL
  ['인증서 유효기간이 종료됐어요', REISSUE],
  ['갱신', REISSUE],
  ['인증서 갱신하고 싶어요', REISSUE],
  ['재 발 급', REISSUE],
  ['reissue', REISSUE],
  ['Re-issue my certificate', REISSUE],
  ['renew', REISSUE],
  ['I forgot my password', REISSUE],
  ['I lost my certificate', REISSUE],

  // WHAT_IS
  ['공동인증서가 뭐예요', WHAT_IS],
  ['공동인증서가 뭐예요?', WHAT_IS],
  ['공인인증서랑 뭐가 달라요', WHAT_IS],
  ['공동 인증서 란?', WHAT_IS],
  ['what is a joint certificate', WHAT_IS],
  ["what's a joint certificate?", WHAT_IS],

  // AGENT
  ['상담원', AGENT],
  ['상담사 연결해줘', AGENT],
  ['사람이랑 얘기할래요', AGENT],
  ['사람 바꿔주세요', AGENT],
  ['직원 연결', AGENT],
  ['상담원연결 부탁드립니다', AGENT],
  ['인증서 발급이 안 돼서 상담원 연결해 주세요', AGENT], // asking for a person beats the journey
  ['talk to a human', AGENT],
  ['agent', AGENT],
  ['Operator!', AGENT],

  // HELP
  ['도와주세요', HELP],
  ['뭘 할 수 있어요?', HELP],
  ['사용법', HELP],
  ['help', HELP],
  ['what can you do', HELP],

  // CANCEL
  ['그만', CANCEL],
  ['그만할래요', CANCEL],
  ['안 할래요', CANCEL],
  ['상담원 연결 취소', CANCEL], // cancelling beats the agent request
  ['재발급 취소할게요', CANCEL], // cancelling the journey, unlike 등록 취소
  ['cancel', CANCEL],
  ['STOP', CANCEL],
  ['never mind', CANCEL],
  ['아니요, 취소할래요', CANCEL], // not a bare NO

  // RESTART
  ['메뉴', RESTART],
  ['메인 메뉴', RESTART],
  ['처음부터', RESTART],
  ['처음으로 돌아가 주세요', RESTART],
  ['menu', RESTART],
  ['start over', RESTART],
  ['Main Menu', RESTART],

  // LANGUAGE
  ['영어', EN],
  ['영어로 해주세요', EN],
  ['영어로 바꿔 주세요', EN],
  ['in English please', EN],
  ['switch to English', EN],
  ['한국어로', KO],
  ['Korean', KO],
  ['Korean language please', KO],
  ['한글로', KO],
  ['한국어로 바꿔줘', KO],
  ['언어 변경', LANGUAGE],
  ['language', LANGUAGE],
  ['change language', LANGUAGE],

  // YES
  ['네', YES],
  ['예', YES],
  ['응', YES],
  ['좋아요', YES],
  ['동의합니다', YES],
  ['동의', YES],
  ['맞아요', YES],
  ['확인', YES],
  ['네 동의합니다', YES],
  ['예, 맞아요.', YES],
  ['네!', YES],
  ['ㅇㅇ', YES],
  ['yes', YES],
  ['OK', YES],
  ['okay', YES],
  ['sure', YES],
  ['agree', YES],
  ['Yes please', YES],

  // NO
  ['아니요', NO],
  ['아니오', NO],
  ['아뇨', NO],
  ['싫어요', NO],
  ['동의하지 않음', NO], // starts like 동의, still NO
  ['아니요 괜찮아요', NO],
  ['no', NO],
  ['nope', NO],
  ['No thanks', NO],

  // Codes are sent and resent on the secure page: asking the chat for one is plain text (the step points to its page)
  ['인증번호 다시 보내 주세요', text('인증번호 다시 보내 주세요')],
  ['재전송', text('재전송')],
  ['resend', text('resend')],

  // TEXT: data for journey steps and anything unrecognized, trimmed but otherwise unchanged
  ['홍길동', text('홍길동')],
  ['  홍길동  ', text('홍길동')],
  ['김예은', text('김예은')], // contains 예, not an answer
  ['010-1234-5678', text('010-1234-5678')],
  ['01012345678', text('01012345678')],
  ['900101-1234567', text('900101-1234567')], // 주민등록번호 untouched
  ['123456', text('123456')],
  ['１２３４５６', text('１２３４５６')], // full-width digits kept as typed
  ['asdf', text('asdf')],
  ['사과 바나나 포도', text('사과 바나나 포도')],
  ['네이버 아이디로 로그인했어요', text('네이버 아이디로 로그인했어요')], // 네 inside a word
  ['어제 네 시쯤 은행에 갔었는데 잘 모르겠네요', text('어제 네 시쯤 은행에 갔었는데 잘 모르겠네요')],
  ['주민등록번호 900101-1234567', text('주민등록번호 900101-1234567')], // 주민등록 is not 등록
  ['John Smith', text('John Smith')],
  ['I know', text('I know')], // "no" inside a word
  ['I have an issue with my account', text('I have an issue with my account')], // the noun, not ISSUE
  ['비밀번호 규칙을 모르겠어요', text('비밀번호 규칙을 모르겠어요')], // a question while setting one, not REISSUE
  ['그만큼 중요해요', text('그만큼 중요해요')], // 그만큼 is not 그만
  ['공동인증서', text('공동인증서')],
  ['', text('')],
];

describe('recognize', () => {
  test('the table is large enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  test.each(cases)('%j → %j', (utterance, expected) => {
    const renewal = /갱신|renew/i.test(utterance) ? { renewal: true } : {};
    expect(recognize(utterance)).toEqual(expected === REISSUE ? { ...REISSUE, text: utterance.trim(), ...renewal } : expected);
  });
});

describe('choices named by their words, where the question offers them', () => {
  const types = ['issuance.types.personalBanking', 'issuance.types.personalGeneral'];
  const reasons = ['reissue.reasons.lost', 'reissue.reasons.forgotPassword', 'reissue.reasons.leaked', 'reissue.reasons.other'];
  test.each([
    ['범용으로 할게요', types, 'issuance.types.personalGeneral'],
    ['4,400원짜리', types, 'issuance.types.personalGeneral'],
    ['은행용이요', types, 'issuance.types.personalBanking'],
    ['the free one for banking', types, 'issuance.types.personalBanking'],
    ['비밀번호를 분실했어요', reasons, 'reissue.reasons.forgotPassword'], // the password, not the certificate, was lost
    ['인증서를 잃어버렸어요', reasons, 'reissue.reasons.lost'],
    ['해킹당한 것 같아요', reasons, 'reissue.reasons.leaked'],
    ['기타', reasons, 'reissue.reasons.other'],
  ])('%j among %j → %j', (text, offered, choice) => {
    expect(choiceNamedIn(text, offered)).toBe(choice);
  });

  test('words of a choice that is not offered name nothing', () => {
    expect(choiceNamedIn('범용으로 할게요', reasons)).toBeUndefined();
    expect(choiceNamedIn('비밀번호', types)).toBeUndefined();
  });
});
