import type { Activity, CardAction, TestAdapter } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Reply } from '../../dialogs/contract/replies';
import { randomBytes } from 'node:crypto';
import { ActivityDecoder } from '../../src/bot/decode/decodeActivity';
import { ChoiceReader } from '../../src/bot/decode/choiceReader';
import { PersonalDataGuard } from '../../src/bot/decode/personalDataGuard';
import { SecretBox } from '../../src/state/secretBox';
import { capabilitiesOf } from '../../src/bot/render/channelCapabilities';
import { renderReplies } from '../../src/bot/render/replyRenderer';
import { translateReply } from '../../src/i18n/replyText';
import { createTranslator } from '../../src/i18n/translator';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { verifyIdentity } from '../support/journeys';
import { createTestBot } from '../support/testBot';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const PASSWORD = 'Gildong#2026!';

let ko: TFunction;

beforeAll(async () => {
  ko = (await createTranslator()).forLanguage('ko');
});

function renderOne(reply: Reply, channelId: string, t: TFunction = ko): Partial<Activity> {
  const [activity, ...rest] = renderReplies([reply], t, channelId);
  expect(rest).toEqual([]);
  if (activity === undefined) throw new Error('nothing rendered');
  return activity;
}

/** An identity translator that shows which key and parameters were asked for. */
const keysOnly = ((key: string, params?: object) =>
  params && Object.keys(params).length > 0 ? `${key}${JSON.stringify(params)}` : key) as unknown as TFunction;

describe('a password is asked for in a masked card where the channel renders Adaptive Cards', () => {
  const reply: Reply = { key: 'issuance.askPassword', asks: 'password' };

  test.each(['directline', 'msteams'])('%s: one card with a password input and a submit button', (channel) => {
    const activity = renderOne(reply, channel);
    expect(activity.text ?? '').toBe('');
    expect(activity.attachments).toHaveLength(1);
    const attachment = activity.attachments?.[0];
    expect(attachment?.contentType).toBe(ADAPTIVE_CARD);
    expect(attachment?.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: ko('issuance.askPassword'), wrap: true },
        { type: 'Input.Text', id: 'secret', style: 'password', isRequired: true },
      ],
      actions: [{ type: 'Action.Submit', title: ko('cards.submit') }],
    });
  });

  test.each(['slack', 'telegram', 'facebook', 'sms', 'test', 'some-new-channel'])('%s: the prompt as plain text', (channel) => {
    const activity = renderOne(reply, channel);
    expect(activity.text).toBe(ko('issuance.askPassword'));
    expect(activity.attachments ?? []).toEqual([]);
  });
});

describe('choices built from data answer with their value', () => {
  const reply: Reply = {
    key: 'menu.prompt',
    choices: [
      { key: 'certificates.cas.yessign', params: {}, value: '1' },
      { key: 'certificates.cas.KICA', params: {}, value: '2' },
    ],
  };

  test.each(['directline', 'msteams', 'telegram', 'facebook'])('%s: suggested actions posting back "1" and "2"', (channel) => {
    const activity = renderOne(reply, channel);
    expect(activity.text).toBe(ko('menu.prompt'));
    expect(activity.suggestedActions?.actions).toEqual<CardAction[]>([
      { type: 'imBack', title: ko('certificates.cas.yessign'), value: '1' },
      { type: 'imBack', title: ko('certificates.cas.KICA'), value: '2' },
    ]);
  });

  test.each(['slack', 'sms'])('%s: numbered lines under the text instead', (channel) => {
    const activity = renderOne(reply, channel);
    expect(activity.suggestedActions).toBeUndefined();
    expect(activity.text).toBe(`${ko('menu.prompt')}\n\n1. ${ko('certificates.cas.yessign')}\n2. ${ko('certificates.cas.KICA')}`);
  });

  test('label parameters are resolved like reply parameters, keys included', () => {
    const withParams: Reply = {
      key: 'menu.prompt',
      choices: [{ key: 'certificates.choice', params: { ca: { key: 'certificates.cas.KICA' }, notAfter: '2027-11-26' }, value: '1' }],
    };
    expect(renderOne(withParams, 'directline', keysOnly).suggestedActions?.actions).toEqual([
      { type: 'imBack', title: 'certificates.choice{"ca":"certificates.cas.KICA","notAfter":"2027-11-26"}', value: '1' },
    ]);
  });
});

describe('label-key choices', () => {
  const reply: Reply = { key: 'menu.prompt', choices: ['menu.choices.issue', 'menu.choices.agent'] };

  test('are suggested actions answering with their label where the channel has them', () => {
    expect(renderOne(reply, 'telegram').suggestedActions?.actions).toEqual([
      { type: 'imBack', title: ko('menu.choices.issue'), value: ko('menu.choices.issue') },
      { type: 'imBack', title: ko('menu.choices.agent'), value: ko('menu.choices.agent') },
    ]);
  });

  test('are numbered lines with their labels elsewhere', () => {
    expect(renderOne(reply, 'sms').text).toBe(`${ko('menu.prompt')}\n\n1. ${ko('menu.choices.issue')}\n2. ${ko('menu.choices.agent')}`);
  });
});

describe('a request for files', () => {
  const reply: Reply = { key: 'registration.askFiles', asks: 'files' };

  test('becomes its WithoutUpload variant where the channel cannot upload', () => {
    expect(renderOne(reply, 'sms', keysOnly).text).toBe('registration.askFilesWithoutUpload');
  });

  test.each(['directline', 'msteams', 'slack', 'telegram', 'facebook'])('%s: stays as it is', (channel) => {
    expect(renderOne(reply, channel, keysOnly).text).toBe('registration.askFiles');
  });
});

describe('channel capabilities', () => {
  test('unknown channels, and names of Object.prototype, get plain text only', () => {
    for (const channel of ['some-new-channel', 'constructor', 'toString', '']) {
      expect(capabilitiesOf(channel)).toEqual({
        suggestedActions: false,
        adaptiveCards: false,
        upload: false,
        heroCards: false,
        typing: false,
      });
    }
  });

  test('channel ids are matched case-insensitively', () => {
    expect(capabilitiesOf('MSTeams')).toEqual(capabilitiesOf('msteams'));
  });
});

describe('a password card submit', () => {
  const message = (value: unknown): Activity => ({ type: 'message', channelId: 'webchat', value }) as Activity;
  const awaitingPassword = { choices: [], asks: 'password' } as const;
  let decoder: ActivityDecoder;
  beforeAll(async () => {
    decoder = new ActivityDecoder(new PersonalDataGuard(new SecretBox(randomBytes(32))), new ChoiceReader(await createTranslator()));
  });

  test('is the typed text, taken as is, and a secret', () => {
    expect(decoder.decode(message({ secret: 'Abc!2345678x' }), awaitingPassword)).toMatchObject({
      input: { type: 'TEXT', text: 'Abc!2345678x' },
      secret: true,
      sensitive: true,
    });
    // a password field is not read for commands, nor for personal data
    expect(decoder.decode(message({ secret: '취소' }), awaitingPassword)).toMatchObject({
      input: { type: 'TEXT', text: '취소' },
      secret: true,
    });
    expect(decoder.decode(message({ secret: '9001011234567' }), awaitingPassword)).toMatchObject({
      input: { type: 'TEXT', text: '9001011234567' },
      secret: true,
    });
  });

  test.each([{ secret: 5 }, { password: 'Abc!2345678x' }, 'Abc!2345678x', null, undefined])('%p is not a secret', (value) => {
    expect(decoder.decode(message(value), undefined)).toMatchObject({ input: { type: 'TEXT', text: '' }, secret: false });
  });

  test('only a message carries one', () => {
    expect(decoder.decode({ type: 'event', name: 'x', value: { secret: 'Abc!2345678x' } } as Activity, awaitingPassword)).toEqual({
      kind: 'none',
    });
  });
});

describe('through the bot', () => {
  let adapter: TestAdapter;
  let customer: Customer;
  let otp: CapturingOtpSender;

  beforeEach(async () => {
    otp = new CapturingOtpSender();
    adapter = await createTestBot({ otpSender: otp });
    customer = new Customer(adapter);
    await customer.join();
  });

  test('a password submitted from the card is the password, and its message is deleted', async () => {
    const terms = await verifyIdentity(customer, otp, '인증서 발급');
    const types = await customer.say(lastChoices(terms)[0] ?? '');
    expect(texts(await customer.say(lastChoices(types)[0] ?? '')).join('\n')).toContain(ko('issuance.askPassword'));
    const deleted = jest.spyOn(adapter, 'deleteActivity');
    expect(texts(await customer.send({ type: 'message', id: 'card-1', value: { secret: PASSWORD } }))).toEqual([
      ko('issuance.confirmPassword'),
    ]);
    expect(deleted.mock.calls.map(([, reference]) => reference.activityId)).toEqual(['card-1']);
  });
});

describe('channel matrix: the end of an issuance, rendered for each channel', () => {
  const issued: Reply[] = [
    {
      key: 'issuance.issued',
      card: 'facts',
      params: {
        ca: { key: 'certificates.cas.yessign' },
        type: { key: 'issuance.types.personalBanking' },
        serial: '6bf2a65e',
        from: '2026-11-26',
        to: '2027-11-26',
        name: '홍*동',
      },
    },
    {
      key: 'issuance.download',
      params: { url: 'https://bank.example/certificates/download/abc' },
      button: { key: 'cards.download', param: 'url' },
    },
    { key: 'issuance.advice' },
    { key: 'menu.prompt', choices: ['menu.choices.issue', 'menu.choices.agent'] },
  ];
  const HERO = 'application/vnd.microsoft.card.hero';
  const expected: Record<string, { card: string | undefined; button: string | undefined; buttons: boolean }> = {
    directline: { card: ADAPTIVE_CARD, button: HERO, buttons: true },
    msteams: { card: ADAPTIVE_CARD, button: HERO, buttons: true },
    slack: { card: undefined, button: HERO, buttons: false },
    telegram: { card: undefined, button: HERO, buttons: true },
    facebook: { card: undefined, button: HERO, buttons: true },
    sms: { card: undefined, button: undefined, buttons: false },
  };

  test.each(Object.keys(expected))('%s', (channel) => {
    const [card, download, advice, menu] = renderReplies(issued, ko, channel);
    const want = expected[channel];
    // the result: an Adaptive Card with a fact set, or the same facts as text lines
    expect(card?.attachments?.[0]?.contentType).toBe(want?.card);
    const facts = translateReply(issued[0] as Reply, ko);
    const [, title, value] = /^- ([^:]+): (.*)$/.exec(facts.split('\n')[1] ?? '') ?? [];
    if (want?.card === undefined) expect(card?.text).toBe(facts);
    else expect(JSON.stringify(card?.attachments?.[0]?.content)).toContain(JSON.stringify({ title, value }));
    // the download link: a button where cards have buttons, else the link in the text
    expect(download?.attachments?.[0]?.contentType).toBe(want?.button);
    if (want?.button === undefined) expect(download?.text).toContain('https://bank.example/certificates/download/abc');
    else
      expect(download?.attachments?.[0]?.content.buttons).toEqual([
        { type: 'openUrl', title: ko('cards.download'), value: 'https://bank.example/certificates/download/abc' },
      ]);
    expect(advice?.text).toBe(ko('issuance.advice'));
    // the menu: buttons, or numbered lines under the text
    const titles = [ko('menu.choices.issue'), ko('menu.choices.agent')];
    if (want?.buttons) expect(menu?.suggestedActions?.actions.map((a) => a.title)).toEqual(titles);
    else expect(menu?.text).toContain(`1. ${titles[0]}\n2. ${titles[1]}`);
  });
});
