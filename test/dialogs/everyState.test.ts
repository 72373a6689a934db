import type { StateValue } from 'xstate';
import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';
import type { FlowEvent } from '../../dialogs/contract/events';
import { REOPEN_CHOICE, securePageQuestion } from '../../dialogs/contract/replies';
import { MISUNDERSTOOD_LIMIT, type FlowContext } from '../../dialogs/flowSetup';
import { JOURNEYS } from '../../dialogs/journeys';
import type { Turn } from './dialogTurn';
import { isServiceEvent, pageCompletions, pageOf, SAMPLES, type SampledEvent } from './eventSampler';
import { OFF_DUTY_AT, ON_DUTY_AT } from './fakeServices';
import { FlowExplorer, type FlowNode } from './flowExplorer';

/**
 * The root machine alone, on the paths `xstate/graph` generates: every state it reaches is tried
 * with every event a customer can send, and with every answer of the services it waits on.
 * Assertions are on reply keys and state values; the words are the locales' business.
 */
const explorer = new FlowExplorer();

const at = ON_DUTY_AT;
const CANCEL: FlowEvent = { type: 'CANCEL', at };
const RESUME: FlowEvent = { type: 'RESUME', at };
const IDLE_EXPIRED: FlowEvent = { type: 'IDLE_EXPIRED', at };
const AGENT_ON_DUTY: FlowEvent = { type: 'AGENT', at };
const AGENT_OFF_DUTY: FlowEvent = { type: 'AGENT', at: OFF_DUTY_AT };

/** `{ issuing: { verifyingIdentity: 'askingName' } }` → issuing.verifyingIdentity.askingName */
const nameOf = (value: StateValue): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value)
        .map(([key, child]) => (child === undefined ? key : `${key}.${nameOf(child)}`))
        .join(',');

const JOURNEY_IDS: ReadonlySet<string> = new Set(JOURNEYS.map((journey) => journey.id));
const inJourney = (value: StateValue): boolean => typeof value !== 'string' && Object.keys(value).some((key) => JOURNEY_IDS.has(key));

/** What a journey gathers; none of it may outlive the journey. */
const JOURNEY_CONTEXT = ['identity', 'issuance', 'certificates'] as const satisfies readonly (keyof FlowContext)[];

function expectNothingOfAJourney(context: FlowContext, where: string): void {
  const left = JOURNEY_CONTEXT.filter((field) => context[field] !== undefined);
  expect({ where, left }).toEqual({ where, left: [] });
  // Every sealed value the samples and fakes hand over is named "sealed-…"; the bank's app's customer stays for the conversation.
  const { appCustomer: _kept, ...rest } = context;
  expect({ where, sealed: JSON.stringify(rest).includes('sealed') }).toEqual({ where, sealed: false });
}

const labelOf = (event: SampledEvent): string => (isServiceEvent(event) ? `${event.service}:${event.outcome}` : event.type);

/** Where a failure happened: the state, what it awaited, after how many misses, and the path there. */
const described = (node: FlowNode, event?: SampledEvent): string =>
  `${nameOf(node.value)} awaiting ${node.context.question?.key ?? 'nothing'} (${node.context.misunderstood} misses) after ${node.path.map(labelOf).join(' → ') || 'nothing'}` +
  (event ? `, then ${labelOf(event)}` : '');

/** The stable states by name (where a turn can end), each with the contexts the traversal told apart. */
const byState = new Map<string, FlowNode[]>();
for (const node of explorer.stable) byState.set(nameOf(node.value), [...(byState.get(nameOf(node.value)) ?? []), node]);

/** The first contact greets before anything else; a person holds the conversation while the flow waits for an agent. */
const awaitingCustomer = [...byState].filter(([name]) => name !== 'firstContact' && name !== 'waitingForAgent');

/** Every step of every generated path, once: run lazily, shared by the tests that look at all of them. */
let everyStep: Promise<{ node: FlowNode; event: SampledEvent; turn: Turn }[]> | undefined;
function allSteps() {
  everyStep ??= (async () => {
    const steps = [];
    for (const node of explorer.nodes) {
      for (const event of node.next) steps.push({ node, event, turn: await explorer.step(node, event) });
    }
    return steps;
  })();
  return everyStep;
}

test('the traversal reaches every state of every journey, and the machine run for real agrees with it', async () => {
  for (const node of explorer.stable) {
    const turn = await explorer.reach(node);
    expect({ node: described(node), value: turn?.snapshot.value ?? 'firstContact' }).toEqual({ node: described(node), value: node.value });
  }
  for (const journey of JOURNEYS) expect([...byState.keys()].some((name) => name.startsWith(`${journey.id}.`))).toBe(true);
});

describe('the first message', () => {
  const [start] = byState.get('firstContact') ?? [];

  test('is greeted, and the menu offered when it asks for nothing', async () => {
    for (const event of [{ type: 'START', at }, SAMPLES.name, { type: 'YES', at }] as const) {
      expect((await explorer.step(start!, event)).keys).toEqual(['welcome', 'menu.prompt']);
    }
  });

  test('is greeted, then what it asks for is done', async () => {
    const issue = await explorer.step(start!, { type: 'ISSUE', at });
    expect(issue.keys).toEqual(['welcome', 'menu.prompt', 'secureStep.open.identity']);
    expect(nameOf(issue.snapshot.value)).toBe('issuing.verifyingIdentity.onSecurePage');
  });
});

describe.each(awaitingCustomer)('%s', (_name, nodes) => {
  test('취소 returns to the menu, says so, and keeps nothing of the journey', async () => {
    for (const node of nodes) {
      const turn = await explorer.step(node, CANCEL);
      expect({ node: described(node), keys: turn.keys, value: turn.snapshot.value }).toEqual({
        node: described(node),
        keys: ['cancel.done', 'menu.prompt'],
        value: 'menu',
      });
      expectNothingOfAJourney(turn.snapshot.context, described(node, CANCEL));
    }
  });

  test('asking for a person while agents are on duty hands the conversation over and keeps the step', async () => {
    for (const node of nodes) {
      const turn = await explorer.step(node, AGENT_ON_DUTY);
      expect({ node: described(node), emitted: turn.emitted, value: turn.snapshot.value }).toEqual({
        node: described(node),
        emitted: [{ type: 'handoff', reason: 'customerAsked' }],
        value: node.value,
      });
    }
  });

  test('asking for a person out of hours says when agents are in, then asks the question again', async () => {
    for (const node of nodes) {
      const question = node.context.question;
      const turn = await explorer.step(node, AGENT_OFF_DUTY);
      expect({
        node: described(node),
        replies: turn.replies,
        value: turn.snapshot.value,
        handoff: turn.emitted.some((e) => e.type === 'handoff'),
      }).toEqual({
        node: described(node),
        replies: [expect.objectContaining({ key: 'handoff.outOfHours' }), ...(question ? [question] : [])],
        value: node.value,
        handoff: false,
      });
    }
  });

  test('back from a person (RESUME), the question the customer was at is asked again', async () => {
    for (const node of nodes) {
      const turn = await explorer.step(node, RESUME);
      expect({ node: described(node), replies: turn.replies, value: turn.snapshot.value }).toEqual({
        node: described(node),
        replies: node.context.question ? [node.context.question] : [],
        value: node.value,
      });
    }
  });

  test('left idle too long, a journey ends at the menu; the menu just waits', async () => {
    for (const node of nodes) {
      const turn = await explorer.step(node, IDLE_EXPIRED);
      const expected = node.value === 'menu' ? { keys: [], value: 'menu' } : { keys: ['flow.expired', 'menu.prompt'], value: 'menu' };
      expect({ node: described(node), keys: turn.keys, value: turn.snapshot.value }).toEqual({ node: described(node), ...expected });
      expectNothingOfAJourney(turn.snapshot.context, described(node, IDLE_EXPIRED));
    }
  });

  test('an answer the step cannot use asks for the same answer again; after a few in a row, a person is offered', async () => {
    for (const node of nodes) {
      const awaited = node.context.question;
      const offersChoices = (awaited?.choices ?? []).length > 0;
      for (const event of node.next) {
        const turn = await explorer.step(node, event);
        const where = described(node, event);
        if (
          turn.snapshot.value === 'offeringAgent' &&
          node.value !== 'offeringAgent' &&
          node.context.misunderstood + 1 >= MISUNDERSTOOD_LIMIT
        ) {
          expect({ where, said: turn.keys.at(-1) }).toEqual({ where, said: 'misunderstood.offerAgent' });
          continue;
        }
        if (nameOf(turn.snapshot.value) !== nameOf(node.value) || turn.keys.length === 0) continue;
        // Still at the step, and something was said: the step awaits what it awaited (the bot decodes the next message by it).
        const now = turn.snapshot.context.question;
        // A choice not offered, or words that are none of them: the choices are offered again, last.
        const last = turn.replies.at(-1);
        const unanswered = offersChoices && (event === SAMPLES.unansweredChoice || event === SAMPLES.digits);
        expect({ where, choices: now?.choices, reoffered: unanswered ? last?.choices : 'n/a' }).toEqual({
          where,
          choices: awaited?.choices,
          reoffered: unanswered ? awaited?.choices : 'n/a',
        });
      }
    }
  });
});

describe('secure pages', () => {
  const onPage = explorer.stable.filter((node) => pageOf(node.context) !== undefined);
  const elsewhere = awaitingCustomer.flatMap(([, nodes]) => nodes).filter((node) => pageOf(node.context) === undefined);

  test('the flow sends the customer to every page: 본인 인증, 추가 인증, issuance, registration and renewal', () => {
    expect([...new Set(onPage.map((node) => pageOf(node.context)))].sort()).toEqual([
      'additional',
      'identity',
      'issuance',
      'registration',
      'renewal',
    ]);
  });

  test('cancelled on the page or its link expired, the customer is back at that step, told so, with a fresh link', async () => {
    for (const node of onPage) {
      const step = pageOf(node.context)!;
      for (const [type, key] of [
        ['SECURE_CANCELLED', 'secureStep.cancelled'],
        ['SECURE_EXPIRED', 'secureStep.expired'],
      ] as const) {
        const event: FlowEvent = { type, step, at };
        const turn = await explorer.step(node, event);
        expect({ where: described(node, event), keys: turn.keys, value: turn.snapshot.value, opened: opened(turn) }).toEqual({
          where: described(node, event),
          keys: [key, `secureStep.open.${step}`],
          value: node.value,
          opened: [step],
        });
      }
    }
  });

  test('다시 열기 sends a fresh link to the same page', async () => {
    for (const node of onPage) {
      const step = pageOf(node.context)!;
      const event: FlowEvent = { type: 'CHOICE', choice: REOPEN_CHOICE, at };
      const turn = await explorer.step(node, event);
      expect({ where: described(node, event), replies: turn.replies, value: turn.snapshot.value, opened: opened(turn) }).toEqual({
        where: described(node, event),
        replies: [securePageQuestion(step)],
        value: node.value,
        opened: [step],
      });
    }
  });

  test('a 주민등록번호, a phone number or files sent into the chat are not kept and open no page; the customer is pointed to the page', async () => {
    for (const [, nodes] of awaitingCustomer) {
      for (const node of nodes) {
        for (const [event, key] of [
          [SAMPLES.rrn, 'secureStep.notInChat'],
          [SAMPLES.phone, 'secureStep.notInChat'],
          [SAMPLES.rrnInvalid, 'secureStep.notInChat'],
          [SAMPLES.keyFiles, 'secureStep.filesOnPage'],
        ] as const) {
          const turn = await explorer.step(node, event);
          const kept = JSON.stringify(turn.snapshot.context);
          expect({
            where: described(node, event),
            first: turn.keys[0],
            value: turn.snapshot.value,
            question: turn.snapshot.context.question,
            misunderstood: turn.snapshot.context.misunderstood,
            opened: opened(turn),
            kept: kept.includes(SAMPLES.rrn.masked) || kept.includes(SAMPLES.phone.masked) || kept.includes('signPri'),
          }).toEqual({
            where: described(node, event),
            first: key,
            value: node.value,
            question: node.context.question,
            misunderstood: node.context.misunderstood,
            opened: [],
            kept: false,
          });
        }
      }
    }
  });

  test("a page's result arriving after the customer left its step in the chat is not taken for another step", async () => {
    for (const node of elsewhere) {
      for (const event of pageCompletions('identity')) {
        const turn = await explorer.step(node, event);
        expect({ where: described(node, event), keys: turn.keys, value: turn.snapshot.value }).toEqual({
          where: described(node, event),
          keys: [],
          value: node.value,
        });
      }
    }
  });
});

describe('services', () => {
  const waiting = explorer.nodes.filter((node) => node.busy);

  test('every failure apologizes, offers a person and returns to the menu, keeping nothing of the journey', async () => {
    for (const node of waiting) {
      for (const event of node.next.filter((e) => e.type.startsWith('xstate.error.actor.'))) {
        const turn = await explorer.step(node, event);
        // A reissue whose old certificate could not be revoked says just that (the new one is saved).
        const apology = turn.replies.find((reply) =>
          ['system.stepFailed', 'system.serviceUnavailable', 'reissue.oldNotRevoked'].includes(reply.key),
        );
        expect({ node: described(node, event), apology: apology?.choices, last: turn.keys.at(-1), value: turn.snapshot.value }).toEqual({
          node: described(node, event),
          apology: ['menu.choices.agent'],
          last: 'menu.prompt',
          value: 'menu',
        });
        expectNothingOfAJourney(turn.snapshot.context, described(node, event));
      }
    }
  });

  test('each state waiting on a service is tried with its answers, and each service a journey names is called', async () => {
    for (const node of waiting)
      expect({ node: described(node), answers: node.next.length }).not.toEqual({ node: described(node), answers: 0 });
    const answered = new Set((await allSteps()).flatMap(({ turn }) => turn.calls.map((call) => call.service)));
    expect([...answered].sort()).toEqual([...new Set(JOURNEYS.flatMap((journey) => journey.services))].sort());
  });
});

describe('every step of every path', () => {
  test('outside a journey, nothing the journey gathered is left in the context', async () => {
    for (const { node, event, turn } of await allSteps()) {
      if (!inJourney(turn.snapshot.value)) expectNothingOfAJourney(turn.snapshot.context, described(node, event));
    }
  });

  test('a step the customer is brought to has asked what it awaits, so that it is asked again on coming back', async () => {
    for (const { node, event, turn } of await allSteps()) {
      const now = turn.snapshot.context.question;
      // A person holds the conversation while the flow waits for an agent; it resumes at the menu.
      if (nameOf(turn.started) === nameOf(turn.snapshot.value) || turn.snapshot.value === 'waitingForAgent' || now === undefined) continue;
      expect({ where: described(node, event), asked: turn.replies.some((reply) => equal(reply, now)) }).toEqual({
        where: described(node, event),
        asked: true,
      });
    }
  });

  test('every page opened is offered in the chat with its link, and every page after 본인 인증 knows the customer (a renewal by key learns them on its page)', async () => {
    for (const { node, event, turn } of await allSteps()) {
      for (const page of turn.emitted.flatMap((e) => (e.type === 'secureStep' ? [e] : []))) {
        const where = described(node, event);
        const journey = typeof turn.snapshot.value === 'string' ? undefined : Object.keys(turn.snapshot.value)[0];
        expect({
          where,
          linked: turn.replies.some((reply) => equal(reply, securePageQuestion(page.step.kind))),
          journey: page.step.journey,
          customer: page.customer,
        }).toEqual({
          where,
          linked: true,
          journey,
          customer: page.step.kind === 'identity' ? undefined : turn.snapshot.context.identity,
        });
        // 갱신 asked for outright: the proof of the current key on the page names the customer and the certificate.
        const byKey = page.step.kind === 'renewal' && page.step.replaces === undefined;
        if (page.step.kind !== 'identity')
          expect({ where, known: page.customer !== undefined, byKey }).toEqual({ where, known: !byKey, byKey });
      }
    }
  });

  test('a code or password typed into the chat is never kept', async () => {
    for (const { node, event, turn } of await allSteps()) {
      if (event === SAMPLES.digits)
        expect({ node: described(node, event), kept: JSON.stringify(turn.snapshot.context).includes(SAMPLES.digits.text) }).toEqual({
          node: described(node, event),
          kept: false,
        });
    }
  });

  test('every reply, choice and parameter names a text both locales have', async () => {
    const keys = new Set<string>();
    for (const { turn } of await allSteps()) {
      for (const reply of turn.replies) {
        keys.add(reply.key);
        for (const choice of reply.choices ?? []) keys.add(typeof choice === 'string' ? choice : choice.key);
        for (const param of [
          ...Object.values(reply.params ?? {}),
          ...(reply.choices ?? []).flatMap((c) => (typeof c === 'string' ? [] : Object.values(c.params))),
        ]) {
          if (typeof param === 'object') keys.add(param.key);
        }
        if (reply.button) keys.add(reply.button.key);
      }
    }
    const missing = [...keys].filter((key) => typeof lookup(ko, key) !== 'string' || typeof lookup(en, key) !== 'string');
    expect(missing).toEqual([]);
  });
});

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The pages a turn asked the bot to open, by kind. */
const opened = (turn: Turn): string[] => turn.emitted.flatMap((e) => (e.type === 'secureStep' ? [e.step.kind] : []));

function lookup(tree: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>(
      (node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined),
      tree,
    );
}
