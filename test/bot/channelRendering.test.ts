import type { Activity, CardAction } from 'botbuilder';
import type { TFunction } from 'i18next';
import { REOPEN_CHOICE, securePageQuestion, type Reply } from '../../dialogs/contract/replies';
import type { SecureStepKind } from '../../dialogs/contract/secure';
import { capabilitiesOf } from '../../src/bot/render/channelCapabilities';
import { renderReplies } from '../../src/bot/render/replyRenderer';
import { translateReply } from '../../src/i18n/replyText';
import { createTranslator } from '../../src/i18n/translator';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const HERO = 'application/vnd.microsoft.card.hero';
const URL = 'https://secure.bank.test/secure/ticket-1';

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

describe('channel capabilities', () => {
  test('unknown channels, and names of Object.prototype, get plain text only', () => {
    for (const channel of ['some-new-channel', 'constructor', 'toString', '']) {
      const can = capabilitiesOf(channel);
      expect(Object.keys(can).length).toBeGreaterThan(0);
      // whatever capabilities there are, an unknown channel has none of them
      expect(Object.values(can).every((able) => !able)).toBe(true);
    }
  });

  test('channel ids are matched case-insensitively', () => {
    expect(capabilitiesOf('MSTeams')).toEqual(capabilitiesOf('msteams'));
  });
});

/** The chat's side of a secure step as the bot sends it: the page's text, its link, and the choice to open it again. */
const pageLink = (kind: SecureStepKind): Reply => {
  const question = securePageQuestion(kind);
  return { ...question, params: { url: URL } };
};

describe('the link to a secure page', () => {
  const KINDS: SecureStepKind[] = ['identity', 'additional', 'issuance', 'registration', 'renewal'];

  test.each(['webchat', 'directline', 'msteams', 'emulator'])(
    '%s: the page’s text as the message, a card with the open-URL button to the page, and the reopen choice as a button',
    (channel) => {
      for (const kind of KINDS) {
        const activity = renderOne(pageLink(kind), channel);
        expect(activity.text).toBe(ko(`secureStep.open.${kind}`, { url: URL }));
        expect(activity.attachments).toHaveLength(1);
        expect(activity.attachments?.[0]?.contentType).toBe(HERO);
        // The card carries the button alone, titled by its label (Messenger limits a card's title to 80 characters).
        expect(activity.attachments?.[0]?.content).toEqual({
          title: ko(`secureStep.button.${kind}`),
          buttons: [{ type: 'openUrl', title: ko(`secureStep.button.${kind}`), value: URL }],
        });
        expect(activity.suggestedActions?.actions).toEqual([{ type: 'imBack', title: ko(REOPEN_CHOICE), value: ko(REOPEN_CHOICE) }]);
      }
    },
  );

  test.each(['telegram', 'facebook'])('%s: the open-URL button on a card; the reopen choice as a quick reply', (channel) => {
    const activity = renderOne(pageLink('identity'), channel);
    expect(activity.attachments?.[0]?.contentType).toBe(HERO);
    expect(activity.attachments?.[0]?.content.buttons).toEqual([{ type: 'openUrl', title: ko('secureStep.button.identity'), value: URL }]);
    expect(activity.suggestedActions?.actions.map((a) => a.title)).toEqual([ko(REOPEN_CHOICE)]);
  });

  test('slack: the open-URL button on a card, the reopen choice as a numbered line of the text (Slack gets no suggested actions)', () => {
    const activity = renderOne(pageLink('registration'), 'slack');
    expect(activity.suggestedActions).toBeUndefined();
    expect(activity.attachments?.[0]?.contentType).toBe(HERO);
    expect(activity.attachments?.[0]?.content.buttons).toEqual([
      { type: 'openUrl', title: ko('secureStep.button.registration'), value: URL },
    ]);
    expect(activity.text).toContain(`1. ${ko(REOPEN_CHOICE)}`);
  });

  test.each(['sms', 'test', 'some-new-channel'])(
    '%s (no buttons): the link in the text, and the reopen choice as a numbered line',
    (channel) => {
      const activity = renderOne(pageLink('issuance'), channel);
      expect(activity.attachments ?? []).toEqual([]);
      expect(activity.text).toContain(URL);
      expect(activity.text).toContain(ko('secureStep.open.issuance', { url: URL }));
      if (!capabilitiesOf(channel).suggestedActions) expect(activity.text).toContain(`1. ${ko(REOPEN_CHOICE)}`);
    },
  );

  test.each(['webchat', 'slack', 'telegram', 'sms'])(
    '%s: the link is shown once (a button, or a line of the text), not twice',
    (channel) => {
      const shown = JSON.stringify(renderOne(pageLink('identity'), channel));
      expect(shown.split(URL)).toHaveLength(2);
    },
  );
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
    { key: 'issuance.savedOnDevice' },
    { key: 'issuance.advice' },
    { key: 'menu.prompt', choices: ['menu.choices.issue', 'menu.choices.agent'] },
  ];
  const expected: Record<string, { card: string | undefined; buttons: boolean }> = {
    webchat: { card: ADAPTIVE_CARD, buttons: true },
    directline: { card: ADAPTIVE_CARD, buttons: true },
    msteams: { card: ADAPTIVE_CARD, buttons: true },
    slack: { card: undefined, buttons: false },
    telegram: { card: undefined, buttons: true },
    facebook: { card: undefined, buttons: true },
    sms: { card: undefined, buttons: false },
  };

  test.each(Object.keys(expected))('%s', (channel) => {
    const [card, saved, advice, menu] = renderReplies(issued, ko, channel);
    const want = expected[channel];
    // the result: an Adaptive Card with a fact set, or the same facts as text lines
    expect(card?.attachments?.[0]?.contentType).toBe(want?.card);
    const facts = translateReply(issued[0] as Reply, ko);
    const [, title, value] = /^- ([^:]+): (.*)$/.exec(facts.split('\n')[1] ?? '') ?? [];
    if (want?.card === undefined) expect(card?.text).toBe(facts);
    else expect(JSON.stringify(card?.attachments?.[0]?.content)).toContain(JSON.stringify({ title, value }));
    // where the files are: on the device, said as text everywhere
    expect(saved?.text).toBe(ko('issuance.savedOnDevice'));
    expect(advice?.text).toBe(ko('issuance.advice'));
    // the menu: buttons, or numbered lines under the text
    const titles = [ko('menu.choices.issue'), ko('menu.choices.agent')];
    if (want?.buttons) expect(menu?.suggestedActions?.actions.map((a) => a.title)).toEqual(titles);
    else expect(menu?.text).toContain(`1. ${titles[0]}\n2. ${titles[1]}`);
  });
});
