import { CUSTOMER } from '../support/journeys';
import { CERT_PASSWORD, freshRrn, promptOf } from '../support/httpJourneys';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot } from '../support/httpBot';

// Web Chat shows the password card: a masked field. A password typed in the open message box would stay on screen.
let bot: RunningBot;
let customer: HttpCustomer;
beforeAll(async () => {
  bot = await startHttpBot();
});
afterAll(() => bot.app.close());
beforeEach(async () => {
  customer = await HttpCustomer.start('webchat');
});
afterEach(() => customer.close());

/** Everything a turn showed: message texts and the texts inside its cards. */
const shown = (activities: any[]): string => JSON.stringify(activities.map((a) => [a.text, a.attachments]));
const passwordCards = (activities: any[]) =>
  activities.flatMap((a) => a.attachments ?? []).filter((card: any) => JSON.stringify(card.content ?? {}).includes('"style":"password"'));

async function untilPasswordStep(): Promise<void> {
  for (const text of ['인증서 발급', CUSTOMER.name, freshRrn(), CUSTOMER.carrier]) await customer.send(bot.url, { text });
  const code = /인증번호: (\d{6})/.exec(shown(await customer.send(bot.url, { text: CUSTOMER.phone })))?.[1];
  await customer.send(bot.url, { text: code });
  await customer.send(bot.url, { text: '동의합니다' });
  const asked = await customer.send(bot.url, { text: '은행·신용카드·보험용 (무료)' });
  expect(passwordCards(asked)).toHaveLength(1);
}

test('a password typed into the message box is refused, with the masked field offered again; the card is accepted', async () => {
  await untilPasswordStep();
  const typed = await customer.send(bot.url, { text: CERT_PASSWORD });
  expect(shown(typed)).toContain(promptOf('cards.typedPassword'));
  expect(shown(typed)).not.toContain(promptOf('issuance.confirmPassword'));
  expect(passwordCards(typed)).toHaveLength(1);

  const submitted = await customer.send(bot.url, { text: undefined, value: { secret: CERT_PASSWORD } });
  expect(shown(submitted)).toContain(promptOf('issuance.confirmPassword'));
});

test('at the password step a typed command still works', async () => {
  await untilPasswordStep();
  expect(shown(await customer.send(bot.url, { text: '취소' }))).toContain(promptOf('cancel.done'));
});

test('after an answer the step could not use, the step still awaits the password: a typed one is still refused', async () => {
  await untilPasswordStep();
  await customer.send(bot.url, { text: '네' });
  const typed = await customer.send(bot.url, { text: CERT_PASSWORD });
  expect(shown(typed)).toContain(promptOf('cards.typedPassword'));
  expect(passwordCards(typed)).toHaveLength(1);
});
