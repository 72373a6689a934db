import type { TestAdapter } from 'botbuilder';
import { Customer, lastChoices, texts } from '../support/customer';
import { createTestBot } from '../support/testBot';

const KO_MENU = ['인증서 발급', '타기관 인증서 등록·해제', '재발급', '공동인증서란?', '상담원 연결'];
const EN_MENU = [
  'Issue a certificate',
  "Register / release another institution's certificate",
  'Reissue',
  'What is a joint certificate?',
  'Talk to an agent',
];

let adapter: TestAdapter;
let customer: Customer;

beforeEach(async () => {
  adapter = await createTestBot();
  customer = new Customer(adapter);
});

describe('first contact', () => {
  test('a customer joining is welcomed in Korean and offered the main menu', async () => {
    const replies = await customer.join();
    expect(replies[0]?.text).toContain('공동인증서 도우미');
    expect(lastChoices(replies)).toEqual(KO_MENU);
  });

  test('a customer whose first message is a request is welcomed and then served', async () => {
    const replies = await customer.say('인증서 발급받고 싶어요');
    expect(replies[0]?.text).toContain('공동인증서 도우미');
    expect(texts(replies).join('\n')).toContain('본인 인증');
  });

  test('the welcome is not repeated when the channel announces the conversation again', async () => {
    await customer.join();
    expect(await customer.join()).toEqual([]);
  });
});

describe('main menu in Korean', () => {
  beforeEach(() => customer.join());

  test.each(['인증서 발급', '타기관 인증서 등록·해제', '재발급'])('%s starts with 본인 인증', async (choice) => {
    expect((await customer.say(choice))[0]?.text).toContain('본인 인증');
  });

  test('상담원 연결 queues the conversation for an agent and says how to go back', async () => {
    const replies = await customer.say('상담원 연결');
    expect(replies[0]?.text).toContain('대기 순서는 1번째예요');
    expect(replies[0]?.text).toContain('"취소"');
  });

  test('공동인증서란? explains security, legal effect and uses, from the article', async () => {
    const answer = texts(await customer.say('공동인증서란?')).join('\n');
    expect(answer).toContain('보안성');
    expect(answer).toContain('법적 효력');
    expect(answer).toContain('다양한 사용처');
  });

  test('도움말 explains how to talk to the bot and the commands', async () => {
    const answer = texts(await customer.say('도움말')).join('\n');
    expect(answer).toContain('취소');
    expect(answer).toContain('상담원');
  });

  test('취소 confirms that nothing was kept and shows the menu', async () => {
    const replies = await customer.say('취소');
    expect(replies[0]?.text).toContain('취소했어요');
    expect(lastChoices(replies)).toEqual(KO_MENU);
  });

  test('처음으로 shows the menu again', async () => {
    const replies = await customer.say('처음으로');
    expect(texts(replies)).toEqual(['무엇을 도와드릴까요?']);
    expect(lastChoices(replies)).toEqual(KO_MENU);
  });
});

describe('language', () => {
  beforeEach(() => customer.join());

  test('English switches every later reply to English, and the menu with it', async () => {
    const replies = await customer.say('English');
    expect(replies[0]?.text).toBe("I'll continue in English.");
    expect(lastChoices(replies)).toEqual(EN_MENU);
    const help = texts(await customer.say('help')).join('\n');
    expect(help).toContain('cancel');
  });

  test('asking to change language without naming one offers both, and the choice sticks', async () => {
    const prompt = await customer.say('언어 변경');
    expect(lastChoices(prompt)).toEqual(['한국어', 'English']);
    await customer.say('English');
    expect(texts(await customer.say('help')).join('\n')).toContain('cancel');
  });

  test('the language is remembered for the customer in a new conversation', async () => {
    await customer.say('English');
    const nextConversation = new Customer(adapter, 'another-conversation', customer.userId);
    const replies = await nextConversation.join();
    expect(replies[0]?.text).toContain("I'm the joint certificate assistant");
  });

  test('in English, Talk to an agent queues the conversation', async () => {
    await customer.say('English');
    expect((await customer.say('Talk to an agent'))[0]?.text).toContain('You are number 1 in the queue');
  });

  test.each(['Issue a certificate', "Register / release another institution's certificate", 'Reissue'])('in English, %s starts with identity verification', async (choice) => {
    await customer.say('English');
    expect((await customer.say(choice))[0]?.text).toContain('verify your identity');
  });

  test('in English, the joint certificate is explained, and cancel returns to the menu', async () => {
    await customer.say('English');
    const answer = texts(await customer.say('What is a joint certificate?')).join('\n');
    expect(answer).toMatch(/Security/);
    expect(answer).toMatch(/Legal effect/);
    const cancelled = await customer.say('Cancel');
    expect(cancelled[0]?.text).toContain("I've cancelled");
    expect(lastChoices(cancelled)).toEqual(EN_MENU);
  });

  test('한국어 switches back', async () => {
    await customer.say('English');
    const replies = await customer.say('한국어');
    expect(replies[0]?.text).toBe('앞으로 한국어로 안내해 드릴게요.');
    expect(lastChoices(replies)).toEqual(KO_MENU);
  });
});

describe('when the bot does not understand', () => {
  beforeEach(() => customer.join());

  test('it asks to rephrase twice, then offers an agent on the third miss', async () => {
    expect(texts(await customer.say('asdf'))[0]).toContain('이해하지 못했어요');
    expect(texts(await customer.say('qwer'))[0]).toContain('이해하지 못했어요');
    const offer = await customer.say('zxcv');
    expect(offer[0]?.text).toContain('상담원을 연결해 드릴까요?');
    expect(lastChoices(offer)).toEqual(['네', '아니요']);
  });

  test('accepting the offer goes to the agent; declining goes back to the menu', async () => {
    for (const text of ['asdf', 'qwer', 'zxcv']) await customer.say(text);
    expect(texts(await customer.say('네'))[0]).toContain('상담원 연결을 요청했어요');
    // 취소 leaves the queue and, as the request came from an offer, goes back to the menu
    const back = await customer.say('취소');
    expect(texts(back)[0]).toContain('챗봇으로 돌아왔어요');
    expect(lastChoices(back)).toEqual(KO_MENU);

    for (const text of ['asdf', 'qwer', 'zxcv']) await customer.say(text);
    const declined = await customer.say('아니요');
    expect(lastChoices(declined)).toEqual(KO_MENU);
  });

  test('a recognized request in between resets the count', async () => {
    await customer.say('asdf');
    await customer.say('qwer');
    await customer.say('처음으로');
    expect(texts(await customer.say('zxcv'))[0]).toContain('이해하지 못했어요');
  });
});
