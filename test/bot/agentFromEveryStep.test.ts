import type { Activity } from 'botbuilder';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, texts } from '../support/customer';
import { CUSTOMER, asAttachment, otherBankFiles } from '../support/journeys';
import { says } from '../support/replyTexts';
import { createTestBot } from '../support/testBot';

const PASSWORD = 'Gildong#2026!';

/** One customer turn; a function when it depends on what the bot sent (a code) or on files. */
type Step = string | ((otp: CapturingOtpSender) => Promise<string | Partial<Activity>> | string);

const code: Step = (otp) => otp.lastCodeFor(CUSTOMER.phoneDigits) ?? 'no code';
const identity: Step[] = [CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier, CUSTOMER.phone, code];
const files: Step = async () => {
  const pair = await otherBankFiles();
  return { type: 'message', attachments: [asAttachment('signCert.der', pair.signCert), asAttachment('signPri.key', pair.signPri)] };
};

/** Each journey as the customer walks it; 상담원 is tried before every step. */
const JOURNEYS: Record<string, Step[]> = {
  issuance: ['인증서 발급', ...identity, '동의합니다', '은행·신용카드·보험용 (무료)', PASSWORD, PASSWORD],
  registration: ['타기관 인증서 등록', ...identity, code, '인증서 등록하기', files, 'Other#Bank2026', CUSTOMER.rrn],
  release: ['타기관 인증서 등록·해제', ...identity, code, '등록된 인증서 해제'],
  reissue: ['재발급', ...identity, code],
};

const cases = Object.entries(JOURNEYS).flatMap(([journey, steps]) => steps.slice(1).map((_, i) => [journey, i + 1] as const));

test.each(cases)(
  '상담원 in the %s journey after %i steps queues for an agent; 취소 comes back to the same question',
  async (journey, taken) => {
    const otp = new CapturingOtpSender();
    const customer = new Customer(await createTestBot({ otpSender: otp }));
    await customer.join();
    let asked: string[] = [];
    for (const step of (JOURNEYS[journey] ?? []).slice(0, taken)) {
      const input = typeof step === 'string' ? step : await step(otp);
      asked = texts(typeof input === 'string' ? await customer.say(input) : await customer.send(input));
    }
    expect(texts(await customer.say('상담원 연결해 주세요'))[0]).toBe(says('handoff.queued', { position: 1 }));
    const back = texts(await customer.say('취소'));
    expect(back[0]).toBe(says('handoff.cancelled'));
    expect(back.at(-1)).toBe(asked.at(-1));
  },
);
