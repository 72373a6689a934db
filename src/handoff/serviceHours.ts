const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * When agents are at the desk, in the bank's time zone: `Mon-Fri 09:00-18:00`. Without a value
 * agents are always available (a sandbox, or a 24-hour desk).
 */
export class ServiceHours {
  private constructor(
    private readonly days: ReadonlySet<number>,
    private readonly from: number,
    private readonly to: number,
    private readonly timeZone: string,
    /** As configured, for telling customers. */
    readonly description: string,
  ) {}

  static always(): ServiceHours {
    return new ServiceHours(new Set([0, 1, 2, 3, 4, 5, 6]), 0, 24 * 60, 'UTC', '');
  }

  /** Throws with a message naming the problem; the config loader reports it against AGENT_HOURS. */
  static parse(text: string, timeZone: string): ServiceHours {
    const trimmed = text.trim();
    if (trimmed === '') return ServiceHours.always();
    const match = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat)(?:-(Sun|Mon|Tue|Wed|Thu|Fri|Sat))? ([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(trimmed);
    if (match === null) throw new Error('expected e.g. "Mon-Fri 09:00-18:00"');
    const [, first = 'Mon', last = first, fromH = '0', fromM = '0', toH = '0', toM = '0'] = match;
    const start = DAYS.indexOf(first as (typeof DAYS)[number]);
    const end = DAYS.indexOf(last as (typeof DAYS)[number]);
    const days = new Set<number>();
    for (let d = start; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === end) break;
    }
    const from = Number(fromH) * 60 + Number(fromM);
    const to = Number(toH) * 60 + Number(toM);
    if (to <= from) throw new Error('the closing time must be after the opening time');
    return new ServiceHours(days, from, to, timeZone, trimmed);
  }

  isOpen(at: Date): boolean {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: this.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const day = DAYS.indexOf(part('weekday') as (typeof DAYS)[number]);
    const minutes = Number(part('hour')) * 60 + Number(part('minute'));
    return this.days.has(day) && minutes >= this.from && minutes < this.to;
  }
}
