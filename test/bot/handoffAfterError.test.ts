import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { Customer } from '../support/customer';
import { FaultyStorage } from '../support/faultyStorage';
import { says, saysPattern } from '../support/replyTexts';
import { createTestBot } from '../support/testBot';

test('asking for a person right after our failure hands off as that failure, with the apology in the transcript', async () => {
  const storage = new FaultyStorage();
  // The test channel plays the handoff hub here, which is told of the handoff with the transcript.
  const { adapter } = await createTestBot({ storage, hubChannels: ['test'] });
  const customer = new Customer(adapter);
  await customer.say('인증서 발급');
  storage.failNextWrite = true;
  const [apology] = await customer.say('잠깐만요');
  const reference = saysPattern('system.error', {}, ['reference']).exec(apology?.text ?? '')?.groups?.reference;
  expect(reference).toMatch(/^[0-9a-f]{8}$/);

  await adapter.receiveActivity({
    type: 'message',
    id: randomUUID(),
    text: '상담원 연결해 주세요',
    channelId: 'test',
    conversation: { id: customer.conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: customer.userId, name: 'customer' },
    recipient: { id: 'bot', name: 'bot' },
  });
  const sent = adapter.activeQueue.splice(0) as Partial<Activity>[];
  const initiate = sent.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
  expect(initiate?.value).toMatchObject({ reason: 'error', journey: 'issuing', language: 'ko' });
  const transcript = (initiate?.attachments?.[0]?.content as { activities: Partial<Activity>[] }).activities;
  // What the agent or hub reads: the customer's words, our answer (the page's one-use link withheld), and the apology with its number (to find it in the logs).
  expect(transcript.map((line) => line.text)).toEqual([
    '인증서 발급',
    says('welcome'),
    says('menu.prompt'),
    says('secureStep.open.identity', { url: '[link]' }),
    says('system.error', { reference: reference ?? '' }),
  ]);
});
