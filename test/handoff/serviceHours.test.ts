import { parseAgentHours } from '../../src/config/agentHours';
import { ServiceHours } from '../../src/handoff/serviceHours';

test("agents are in on the configured days and hours, in the bank's time zone", () => {
  const seoul = new ServiceHours(parseAgentHours('Mon-Fri 09:00-18:00'), 'Asia/Seoul');
  expect(seoul.isOpen(new Date('2026-03-02T00:00:00Z'))).toBe(true); // Monday 09:00 in Seoul
  expect(seoul.isOpen(new Date('2026-03-02T08:59:00Z'))).toBe(true); // Monday 17:59
  expect(seoul.isOpen(new Date('2026-03-02T09:00:00Z'))).toBe(false); // Monday 18:00
  expect(seoul.isOpen(new Date('2026-02-28T23:59:00Z'))).toBe(false); // Sunday 08:59
  expect(seoul.description).toBe('Mon-Fri 09:00-18:00');
});

test('without AGENT_HOURS agents are always in', () => {
  const hours = new ServiceHours(parseAgentHours(''), 'Asia/Seoul');
  expect(hours.isOpen(new Date('2026-02-28T23:59:00Z'))).toBe(true);
  expect(ServiceHours.always().isOpen(new Date('2026-03-01T03:00:00Z'))).toBe(true);
});
