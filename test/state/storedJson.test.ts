import { z } from 'zod';
import { parseStored } from '../../src/state/storedJson';

describe('parseStored', () => {
  const Session = z.object({ agentId: z.string() });

  test.each([
    ['nothing stored', null],
    ['not JSON', 'kim'],
    ['JSON of another shape', '{"agent":"kim"}'],
    ['JSON null', 'null'],
  ])('%s is undefined, never an error', (_what, raw) => {
    expect(parseStored(Session, raw)).toBeUndefined();
  });

  test('JSON of the shape is read through the schema', () => {
    expect(parseStored(Session, '{"agentId":"kim","extra":1}')).toEqual({ agentId: 'kim' });
  });
});
