import { AgentHours, dayNumber } from '../config/agentHours';

const ALWAYS: AgentHours = { days: [0, 1, 2, 3, 4, 5, 6], opensAt: 0, closesAt: 24 * 60, description: '' };

/** Whether agents are at the desk at a given moment, in the bank's time zone. */
export class ServiceHours {
  private readonly hours: AgentHours;
  private readonly days: ReadonlySet<number>;

  /** Without hours (AGENT_HOURS unset), agents are always available. */
  constructor(
    hours: AgentHours | undefined,
    private readonly timeZone: string,
  ) {
    this.hours = hours ?? ALWAYS;
    this.days = new Set(this.hours.days);
  }

  static always(): ServiceHours {
    return new ServiceHours(undefined, 'UTC');
  }

  /** As configured, for telling customers; empty when always open. */
  get description(): string {
    return this.hours.description;
  }

  isOpen(at: Date): boolean {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: this.timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const minutes = Number(part('hour')) * 60 + Number(part('minute'));
    return this.days.has(dayNumber(part('weekday'))) && minutes >= this.hours.opensAt && minutes < this.hours.closesAt;
  }
}
