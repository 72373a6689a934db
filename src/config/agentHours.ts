const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** When agents are at the desk each week, as AGENT_HOURS gives it; the time zone is AGENT_TIMEZONE's. */
export interface AgentHours {
  /** Days of the week, 0 for Sunday. */
  readonly days: readonly number[];
  /** Minutes after midnight: open from `opensAt`, closed from `closesAt`. */
  readonly opensAt: number;
  readonly closesAt: number;
  /** As configured, for telling customers. */
  readonly description: string;
}

/** `Mon-Fri 09:00-18:00`, or undefined for no value: agents always available (a sandbox, or a 24-hour desk). */
export function parseAgentHours(text: string): AgentHours | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const match =
    /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat)(?:-(Sun|Mon|Tue|Wed|Thu|Fri|Sat))? ([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(trimmed);
  if (match === null) throw new Error('expected e.g. "Mon-Fri 09:00-18:00"');
  const [, first = 'Mon', last = first, fromH = '0', fromM = '0', toH = '0', toM = '0'] = match;
  const start = dayNumber(first);
  const end = dayNumber(last);
  const days: number[] = [];
  for (let d = start; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === end) break;
  }
  const opensAt = Number(fromH) * 60 + Number(fromM);
  const closesAt = Number(toH) * 60 + Number(toM);
  if (closesAt <= opensAt) throw new Error('the closing time must be after the opening time');
  return { days, opensAt, closesAt, description: trimmed };
}

/** 0 for Sunday; -1 for a name that is not a day's. */
export function dayNumber(name: string): number {
  return DAYS.indexOf(name as (typeof DAYS)[number]);
}
