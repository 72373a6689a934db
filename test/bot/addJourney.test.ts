import { createActor } from 'xstate';
import type { RecognizedInput } from '../../dialogs/contract/events';
import type { FlowEmitted } from '../../dialogs/contract/replies';
import type { Journey } from '../../dialogs/journey';

/**
 * The README's "add a journey": a journey is its folder plus a line in dialogs/journeys.ts (and its
 * texts). Here one is added to the list the way a developer would, and the root machine, the menu,
 * the recognizer and the choice reader take it from there, with no other change.
 */
function withExtraJourney(): {
  rootMachine: typeof import('../../dialogs/rootMachine').rootMachine;
  recognize: (text: string) => RecognizedInput;
  menu: readonly string[];
} {
  let loaded: ReturnType<typeof withExtraJourney> | undefined;
  jest.isolateModules(() => {
    const { flow } = require('../../dialogs/flowSetup') as typeof import('../../dialogs/flowSetup');
    const actual = jest.requireActual('../../dialogs/journeys') as typeof import('../../dialogs/journeys');
    const checking: Journey = {
      id: 'checkingValidity',
      startsOn: { words: { compact: [/유효기간(?:조회|확인)/], words: [/\bcheck (?:the )?validity\b/] } },
      menuChoice: 'menu.choices.checkValidity',
      deskLabel: 'desk.journeys.checkingValidity',
      services: [],
      states: flow.createStateConfig({
        initial: 'asking',
        states: {
          asking: {
            entry: { type: 'ask', params: { key: 'checkValidity.ask', choices: ['yesNo.yes', 'yesNo.no'] } },
            on: { YES: '#root.menu', NO: '#root.menu' },
          },
        },
      }),
    };
    const journeys = [...actual.JOURNEYS, checking];
    jest.doMock('../../dialogs/journeys', () => ({
      JOURNEYS: journeys,
      MENU_CHOICES: [...journeys.map((j) => j.menuChoice), 'menu.choices.whatIs', 'menu.choices.agent'],
    }));
    loaded = {
      rootMachine: (require('../../dialogs/rootMachine') as typeof import('../../dialogs/rootMachine')).rootMachine,
      recognize: (require('../../src/bot/decode/recognizer') as typeof import('../../src/bot/decode/recognizer')).recognize,
      menu: (require('../../dialogs/journeys') as typeof import('../../dialogs/journeys')).MENU_CHOICES,
    };
  });
  if (loaded === undefined) throw new Error('modules not loaded');
  return loaded;
}

test('a journey added to the list is on the menu, started by its own words, and run by the root machine', () => {
  const { rootMachine, recognize, menu } = withExtraJourney();
  expect(menu).toContain('menu.choices.checkValidity');
  const started = recognize('인증서 유효기간 조회하고 싶어요');
  expect(started).toEqual({ type: 'JOURNEY', journey: 'checkingValidity' });

  const replies: string[] = [];
  const actor = createActor(rootMachine);
  actor.on('*', (emitted: FlowEmitted) => void (emitted.type === 'reply' && replies.push(emitted.key)));
  actor.start();
  actor.send({ type: 'START', at: 0 });
  expect(replies.at(-1)).toBe('menu.prompt');
  actor.send({ ...started, at: 1 });
  expect(actor.getSnapshot().value).toEqual({ checkingValidity: 'asking' });
  expect(replies.at(-1)).toBe('checkValidity.ask');
  actor.send({ type: 'YES', at: 2 });
  expect(actor.getSnapshot().value).toBe('menu');
  actor.stop();
});
