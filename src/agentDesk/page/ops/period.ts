/** A period [from, to) between local midnights, as the page asks for it. */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A day as a date input holds it (YYYY-MM-DD), in the browser's time zone. */
export const dayValue = (day: Date): string => `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;

/** The last 7 days, today included, as the date inputs hold them. */
export function lastSevenDays(now: Date): { readonly from: string; readonly to: string } {
  return { from: dayValue(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6)), to: dayValue(now) };
}

/**
 * From the first day's midnight to the midnight after the last day, both in the browser's time
 * zone: the days a supervisor picks are theirs, not UTC's. Undefined unless both are dates and the
 * first is not after the last.
 */
export function periodOf(firstDay: string, lastDay: string): Period | undefined {
  const from = localMidnight(firstDay);
  const last = localMidnight(lastDay);
  if (from === undefined || last === undefined || from > last) return undefined;
  return { from, to: new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1) };
}

function localMidnight(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match === null ? undefined : new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}
