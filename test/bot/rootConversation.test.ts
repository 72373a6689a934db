import type { TestAdapter } from 'botbuilder';
import { MENU_CHOICES } from '../../dialogs/journeys';
import { Customer, lastChoices, texts } from '../support/customer';
import { opensPage, says, saysInEnglish, titlesOf } from '../support/replyTexts';
import type { FakeSecurePages } from '../support/securePagesFake';
import { createTestBot } from '../support/testBot';

const koMenu = () => titlesOf(MENU_CHOICES);
const enMenu = () => titlesOf(MENU_CHOICES, 'en');

let adapter: TestAdapter;
let pages: FakeSecurePages;
let customer: Customer;

beforeEach(async () => {
  ({ adapter, pages } = await createTestBot());
  customer = new Customer(adapter, pages);
});

/** The link to 본인 인증's page, as the bot just opened it. */
const identityPage = (language: 'ko' | 'en' = 'ko'): string => opensPage('identity', pages.last().url, language);

describe('first contact', () => {
  test('a customer joining is welcomed in Korean and offered the main menu', async () => {
    const replies = await customer.join();
    expect(texts(replies)).toEqual([says('welcome'), says('menu.prompt')]);
    expect(lastChoices(replies)).toEqual(koMenu());
  });

  test('a customer whose first message is a request is welcomed and then served', async () => {
    const replies = await customer.say('인증서 발급받고 싶어요');
    expect(replies[0]?.text).toBe(says('welcome'));
    expect(texts(replies)).toContain(identityPage());
  });

  test('the welcome is not repeated when the channel announces the conversation again', async () => {
    await customer.join();
    expect(await customer.join()).toEqual([]);
  });
});

describe('main menu in Korean', () => {
  beforeEach(() => customer.join());

  test.each([
    ['인증서 발급', 'issuing'],
    ['타기관 인증서 등록·해제', 'registering'],
    ['재발급', 'reissuing'],
  ])('%s starts with the link to 본인 인증 on the secure page', async (choice, journey) => {
    const replies = await customer.say(choice);
    expect(texts(replies)).toEqual([identityPage()]);
    expect(lastChoices(replies)).toEqual(titlesOf(['secureStep.reopen']));
    expect(pages.last().step).toEqual({ kind: 'identity', journey });
  });

  test('상담원 연결 queues the conversation for an agent and says how to go back', async () => {
    const replies = await customer.say('상담원 연결');
    expect(replies[0]?.text).toBe(says('handoff.queued', { position: 1 }));
  });

  test('공동인증서란? explains security, legal effect and uses, from the article', async () => {
    const answer = texts(await customer.say('공동인증서란?'));
    expect(answer).toEqual(
      expect.arrayContaining(['whatIs.intro', 'whatIs.security', 'whatIs.legal', 'whatIs.uses'].map((key) => says(key))),
    );
  });

  test('도움말 explains how to talk to the bot and the commands', async () => {
    const answer = texts(await customer.say('도움말'));
    expect(answer).toEqual(expect.arrayContaining([says('help.body'), says('help.commands')]));
  });

  test('취소 confirms that nothing was kept and shows the menu', async () => {
    const replies = await customer.say('취소');
    expect(replies[0]?.text).toBe(says('cancel.done'));
    expect(lastChoices(replies)).toEqual(koMenu());
  });

  test('처음으로 shows the menu again', async () => {
    const replies = await customer.say('처음으로');
    expect(texts(replies)).toEqual([says('menu.prompt')]);
    expect(lastChoices(replies)).toEqual(koMenu());
  });
});

describe('language', () => {
  beforeEach(() => customer.join());

  test('English switches every later reply to English, and the menu with it', async () => {
    const replies = await customer.say('English');
    expect(replies[0]?.text).toBe(saysInEnglish('language.changed'));
    expect(lastChoices(replies)).toEqual(enMenu());
    expect(texts(await customer.say('help'))).toContain(saysInEnglish('help.commands'));
  });

  test('asking to change language without naming one offers both, and the choice sticks', async () => {
    const prompt = await customer.say('언어 변경');
    expect(lastChoices(prompt)).toEqual(titlesOf(['language.choices.ko', 'language.choices.en']));
    await customer.say('English');
    expect(texts(await customer.say('help'))).toContain(saysInEnglish('help.commands'));
  });

  test('the language is remembered for the customer in a new conversation', async () => {
    await customer.say('English');
    const nextConversation = new Customer(adapter, pages, 'another-conversation', customer.userId);
    const replies = await nextConversation.join();
    expect(replies[0]?.text).toBe(saysInEnglish('welcome'));
  });

  test('in English, Talk to an agent queues the conversation', async () => {
    await customer.say('English');
    expect((await customer.say('Talk to an agent'))[0]?.text).toBe(saysInEnglish('handoff.queued', { position: 1 }));
  });

  test.each(['Issue a certificate', "Register / release another institution's certificate", 'Reissue'])(
    'in English, %s starts with the link to identity verification',
    async (choice) => {
      await customer.say('English');
      expect((await customer.say(choice))[0]?.text).toBe(identityPage('en'));
    },
  );

  test('in English, the joint certificate is explained, and cancel returns to the menu', async () => {
    await customer.say('English');
    const answer = texts(await customer.say('What is a joint certificate?'));
    expect(answer).toEqual(expect.arrayContaining([saysInEnglish('whatIs.security'), saysInEnglish('whatIs.legal')]));
    const cancelled = await customer.say('Cancel');
    expect(cancelled[0]?.text).toBe(saysInEnglish('cancel.done'));
    expect(lastChoices(cancelled)).toEqual(enMenu());
  });

  test('한국어 switches back', async () => {
    await customer.say('English');
    const replies = await customer.say('한국어');
    expect(replies[0]?.text).toBe(says('language.changed'));
    expect(lastChoices(replies)).toEqual(koMenu());
  });
});

describe('when the bot does not understand', () => {
  beforeEach(() => customer.join());

  test('it asks to rephrase twice, then offers an agent on the third miss', async () => {
    expect(texts(await customer.say('asdf'))[0]).toBe(says('misunderstood.retry'));
    expect(texts(await customer.say('qwer'))[0]).toBe(says('misunderstood.retry'));
    const offer = await customer.say('zxcv');
    expect(offer[0]?.text).toBe(says('misunderstood.offerAgent'));
    expect(lastChoices(offer)).toEqual(titlesOf(['yesNo.yes', 'yesNo.no']));
  });

  test('accepting the offer goes to the agent; declining goes back to the menu', async () => {
    for (const text of ['asdf', 'qwer', 'zxcv']) await customer.say(text);
    expect(texts(await customer.say('네'))[0]).toBe(says('handoff.queued', { position: 1 }));
    // 취소 leaves the queue and, as the request came from an offer, goes back to the menu
    const back = await customer.say('취소');
    expect(texts(back)[0]).toBe(says('handoff.cancelled'));
    expect(lastChoices(back)).toEqual(koMenu());

    for (const text of ['asdf', 'qwer', 'zxcv']) await customer.say(text);
    const declined = await customer.say('아니요');
    expect(lastChoices(declined)).toEqual(koMenu());
  });

  test('a recognized request in between resets the count', async () => {
    await customer.say('asdf');
    await customer.say('qwer');
    await customer.say('처음으로');
    expect(texts(await customer.say('zxcv'))[0]).toBe(says('misunderstood.retry'));
  });
});
