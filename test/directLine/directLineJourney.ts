import { CERT_PASSWORD, eventually, promptOf } from '../support/httpJourneys';
import { identityDetails, SecurePage, secureLinkIn } from '../support/secureStepOverHttp';
import { DirectLineTestClient, ReceivedActivity } from './directLineClient';

/** Everything an activity shows: its text and the texts inside its cards and buttons. */
export const shownIn = (activities: readonly ReceivedActivity[]): string =>
  activities.map((a) => [a.text ?? '', JSON.stringify(a.attachments ?? [])].join('\n')).join('\n');

/** A customer on a Direct Line client: each message waits for the bot's reply that answers it. */
export class DirectLineCustomer {
  /** How many received activities `heard` has handed out so far. */
  private heardUpTo = 0;

  constructor(
    readonly client: DirectLineTestClient,
    readonly userId: string,
  ) {}

  /** What the bot says by itself (once a secure step ended) up to a message saying `key`; since the last call. */
  async heard(key: string): Promise<ReceivedActivity[]> {
    const expected = promptOf(key);
    const says = (a: ReceivedActivity, i: number) => i >= this.heardUpTo && a.from?.id !== this.userId && shownIn([a]).includes(expected);
    const found = await eventually(() => {
      const at = this.client.received.findIndex(says);
      return at >= 0 ? at : undefined;
    }, 15_000).catch(() => {
      throw new Error(`expected "${key}" from the bot, got since:\n${shownIn(this.client.received.slice(this.heardUpTo))}`);
    });
    const activities = this.client.received.slice(this.heardUpTo, found + 1);
    this.heardUpTo = found + 1;
    return activities;
  }

  /** Posts `text` and returns the bot's replies to it once one of them says `key` (the start of its Korean text), or any when no key is given. */
  say(text: string, key?: string): Promise<ReceivedActivity[]> {
    return this.send({ text }, key);
  }

  private async send(content: Record<string, unknown>, key?: string): Promise<ReceivedActivity[]> {
    const id = await this.client.post({ type: 'message', from: { id: this.userId }, ...content });
    const replies = () => this.client.received.filter((a) => a.replyToId === id);
    const expected = key === undefined ? '' : promptOf(key);
    await this.client
      .waitFor((a) => a.replyToId === id && shownIn([a]).includes(expected), 15_000)
      .catch(() => {
        throw new Error(`expected "${key}" in reply to ${JSON.stringify(content)}, got:\n${shownIn(replies())}`);
      });
    return replies();
  }
}

/**
 * 발급 over Direct Line, each secure step done on its page (the link is the card's button): returns
 * the codes the sandbox showed on the pages, the links the chat carried and the serial number the
 * device kept.
 */
export async function issueOverDirectLine(
  customer: DirectLineCustomer,
  rrn: string,
): Promise<{ codes: string[]; links: string[]; serialNumber: string }> {
  const links: string[] = [];
  const page = async (shown: readonly ReceivedActivity[]) => {
    links.push(secureLinkIn(shownIn(shown)));
    return SecurePage.open(links.at(-1) as string);
  };
  const identity = await (await page(await customer.say('인증서 발급', 'secureStep.open.identity'))).verifyIdentity(identityDetails(rrn));
  const additional = await (await page(await customer.heard('secureStep.open.additional'))).verifyAdditional();
  await customer.heard('issuance.terms');
  await customer.say('동의합니다', 'issuance.chooseType');
  const issuance = await page(await customer.say('은행·신용카드·보험용 (무료)', 'secureStep.open.issuance'));
  const { serialNumber } = await issuance.issue(CERT_PASSWORD);
  await customer.heard('issuance.advice');
  return { codes: [identity, additional], links, serialNumber };
}
