import { CUSTOMER } from '../support/journeys';
import { CERT_PASSWORD, promptOf } from '../support/httpJourneys';
import { DirectLineTestClient, ReceivedActivity } from './directLineClient';

/** Everything an activity shows: its text and the texts inside its cards and buttons. */
export const shownIn = (activities: readonly ReceivedActivity[]): string =>
  activities.map((a) => [a.text ?? '', JSON.stringify(a.attachments ?? [])].join('\n')).join('\n');

/** A customer on a Direct Line client: each message waits for the bot's reply that answers it. */
export class DirectLineCustomer {
  constructor(
    readonly client: DirectLineTestClient,
    readonly userId: string,
  ) {}

  /** Posts `text` and returns the bot's replies to it once one of them says `key` (the start of its Korean text), or any when no key is given. */
  say(text: string, key?: string): Promise<ReceivedActivity[]> {
    return this.send({ text }, key);
  }

  /** A password card's submission: the password travels in `value`, as Web Chat posts it. */
  submitSecret(secret: string, key: string): Promise<ReceivedActivity[]> {
    return this.send({ value: { secret } }, key);
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

/** 발급 over Direct Line, with the sandbox's code shown in the chat; returns the code typed and the download link as the client received them. */
export async function issueOverDirectLine(customer: DirectLineCustomer, rrn: string): Promise<{ code: string; downloadUrl: string }> {
  await customer.say('인증서 발급', 'identity.askName');
  await customer.say(CUSTOMER.name, 'identity.askRrn');
  await customer.say(rrn, 'identity.askCarrier');
  await customer.say(CUSTOMER.carrier, 'identity.askPhone');
  const code = /인증번호: (\d{6})/.exec(shownIn(await customer.say(CUSTOMER.phone, 'identity.sandboxCode')))?.[1];
  if (code === undefined) throw new Error('no sandbox code was shown');
  await customer.say(code, 'issuance.terms');
  await customer.say('동의합니다', 'issuance.chooseType');
  await customer.say('은행·신용카드·보험용 (무료)', 'issuance.askPassword');
  await customer.submitSecret(CERT_PASSWORD, 'issuance.confirmPassword');
  const issued = await customer.submitSecret(CERT_PASSWORD, 'issuance.download');
  const downloadUrl = /https?:\/\/[^\s"]+\/certificates\/download\/[\w-]+/.exec(shownIn(issued))?.[0];
  if (downloadUrl === undefined) throw new Error(`no download link in:\n${shownIn(issued)}`);
  return { code, downloadUrl };
}
