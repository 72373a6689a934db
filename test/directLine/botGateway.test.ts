import { ActivityTypes, TurnContext } from 'botbuilder';
import { loadConfig } from '../../src/config/config';
import { createInProcessGateway } from '../../src/directLine/botGateway';
import { createBotAdapter } from '../../src/server/botAdapter';
import { activity } from '../support/httpBot';

// The adapter the app makes for Direct Line: no credentials, nothing to authenticate in process.
const adapter = createBotAdapter(loadConfig({}));
// As the Direct Line service hands it over: no deliveryMode of its own, the gateway sets it.
const incoming = activity({
  id: 'c1|0000001',
  channelId: 'directline',
  serviceUrl: 'http://127.0.0.1:9/directline-connector',
  conversation: { id: 'c1' },
  from: { id: 'customer' },
  deliveryMode: undefined,
  text: 'hello',
});

test('a turn in process: the bot sees expectReplies and its replies come back in order, addressed to the customer', async () => {
  let mode: string | undefined;
  const gateway = createInProcessGateway(adapter, async (context: TurnContext) => {
    mode = context.activity.deliveryMode;
    await context.sendActivity('one');
    await context.sendActivities([
      { type: ActivityTypes.Message, text: 'two' },
      { type: ActivityTypes.Trace, name: 'debug' },
    ]);
  });
  const replies = await gateway.turn(incoming as never);
  expect(mode).toBe('expectReplies');
  expect(replies.map((r) => [r.type, r.text])).toEqual([
    ['message', 'one'],
    ['message', 'two'],
    ['trace', undefined],
  ]);
  expect(replies[0]).toMatchObject({ replyToId: 'c1|0000001', recipient: { id: 'customer' }, conversation: { id: 'c1' } });
});

test('a typing indicator sent alone during the turn goes out at once, not with the replies', async () => {
  const live: string[] = [];
  const gateway = createInProcessGateway(adapter, async (context: TurnContext) => {
    await context.sendActivity({ type: ActivityTypes.Typing });
    expect(live).toEqual(['typing']);
    await context.sendActivity('done');
  });
  const replies = await gateway.turn(incoming as never, (activity) => live.push(String(activity.type)));
  expect(replies.map((r) => r.type)).toEqual(['message']);
});

test('what escapes the bot rejects the turn (the endpoint answers 502)', async () => {
  const gateway = createInProcessGateway(adapter, async () => {
    throw new Error('boom');
  });
  await expect(gateway.turn(incoming as never)).rejects.toThrow('boom');
});
