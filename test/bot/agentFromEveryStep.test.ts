import { Customer, SeenReply, texts } from '../support/customer';
import { issuedOnRecord, verifiedCustomer } from '../support/journeys';
import { opensPage, says } from '../support/replyTexts';
import type { FakeSecurePages, OpenedStep } from '../support/securePagesFake';
import { joinedCustomer } from '../support/testBot';

/** One customer turn: a message, or a step finished on the secure page. */
type Step = string | ((customer: Customer) => Promise<SeenReply[]>);

const verified: Step = (customer) => customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
const additional: Step = (customer) => customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });

/**
 * Each journey as the customer walks it (with what they hold before), pages included, and after
 * which steps (counted from 1) the customer is at a secure page; 상담원 is tried after every step.
 */
const JOURNEYS: Record<string, { steps: Step[]; atPage: number[]; before?: (customer: Customer) => Promise<unknown> }> = {
  issuance: { steps: ['인증서 발급', verified, additional, '동의합니다', '은행·신용카드·보험용 (무료)'], atPage: [1, 2, 5] },
  registration: { steps: ['타기관 인증서 등록', verified, additional, '인증서 등록하기'], atPage: [1, 2, 4] },
  release: { steps: ['타기관 인증서 등록·해제', verified, additional, '등록된 인증서 해제'], atPage: [1, 2] },
  reissue: {
    before: (customer) => issuedOnRecord(customer, { notAfter: new Date(Date.now() + 200 * 24 * 3600 * 1000) }),
    steps: ['재발급', verified, '1', '분실', '네', additional],
    atPage: [1, 5, 6],
  },
};

const cases = (page: boolean) =>
  Object.entries(JOURNEYS).flatMap(([journey, { steps, atPage }]) =>
    steps.map((_, i) => [journey, i + 1] as const).filter(([, taken]) => atPage.includes(taken) === page),
  );

/** Walks `taken` steps of the journey, asks for an agent, then leaves the queue: what the customer was asked, and got back. */
async function agentAndBack(
  journey: string,
  taken: number,
): Promise<{ asked: string[]; back: string[]; pages: FakeSecurePages; left: OpenedStep | undefined }> {
  const { customer, pages } = await joinedCustomer();
  const { steps, before } = JOURNEYS[journey] ?? { steps: [] };
  await before?.(customer);
  let asked: string[] = [];
  for (const step of steps.slice(0, taken)) asked = texts(typeof step === 'string' ? await customer.say(step) : await step(customer));
  const left = pages.opened.at(-1);
  expect(texts(await customer.say('상담원 연결해 주세요'))[0]).toBe(says('handoff.queued', { position: 1 }));
  const back = texts(await customer.say('취소'));
  expect(back[0]).toBe(says('handoff.cancelled'));
  return { asked, back, pages, left };
}

test.each(cases(false))(
  '상담원 in the %s journey after %i steps queues for an agent; 취소 comes back to the same question',
  async (journey, taken) => {
    const { asked, back } = await agentAndBack(journey, taken);
    expect(back.at(-1)).toBe(asked.at(-1));
  },
);

test.each(cases(true))(
  '상담원 at the %s journey’s page (after %i steps), then 취소: the same page offered again with a new link',
  async (journey, taken) => {
    const { asked, back, pages, left } = await agentAndBack(journey, taken);
    if (left === undefined) throw new Error('no page was open');
    expect(asked.at(-1)).toBe(opensPage(left.step.kind, left.url));
    expect(pages.last()).not.toBe(left);
    expect(pages.last().step).toEqual(left.step);
    expect(back.at(-1)).toBe(opensPage(left.step.kind, pages.last().url));
  },
);
