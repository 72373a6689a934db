import { MemoryStateStorage } from '../../src/state/stateStorage';
import { Customer, lastChoices } from '../support/customer';
import { opensPage, says } from '../support/replyTexts';
import { createTestBot } from '../support/testBot';

const key = (conversationId: string) => `conversation/test/${conversationId}`;

test('a snapshot written by an older machine version restarts the step politely instead of crashing', async () => {
  const storage = new MemoryStateStorage();
  const { adapter, pages } = await createTestBot({ storage });
  const customer = new Customer(adapter, pages);
  await storage.write({ [key(customer.conversationId)]: { flow: { version: 0, snapshot: { value: 'somewhereOld' } } } });
  const replies = await customer.say('처음으로');
  expect(replies[0]?.text).toBe(says('system.flowRestarted'));
  expect(lastChoices(replies)).toContain(says('menu.choices.issue'));
  // and the conversation is healthy afterwards
  expect((await customer.say('재발급'))[0]?.text).toBe(opensPage('identity', pages.last().url));
});

test('a snapshot this machine cannot restore is treated the same way', async () => {
  const storage = new MemoryStateStorage();
  const customer = new Customer((await createTestBot({ storage })).adapter);
  await customer.join();
  await storage.write({
    [key(customer.conversationId)]: { flow: { version: 1, snapshot: { value: 'noSuchState', status: 'active', context: {} } } },
  });
  const replies = await customer.say('처음으로');
  expect(replies[0]?.text).toBe(says('system.flowRestarted'));
});

test('a state document of the wrong shape is a fresh conversation', async () => {
  const storage = new MemoryStateStorage();
  const customer = new Customer((await createTestBot({ storage })).adapter);
  await storage.write({ [key(customer.conversationId)]: { flow: 'garbage' } });
  const replies = await customer.join();
  expect(replies[0]?.text).toBe(says('welcome'));
});
