import { z } from 'zod';
import type { SecretBox } from '../../state/secretBox';
import type { CaRegistration } from './certificateAuthority';

/**
 * Whom the CA named in a certificate it issued, kept per serial number while the certificate is
 * valid (a real CA's subscriber record): a renewal is registered from it, without the 주민등록번호
 * from the RA.
 */
export interface Subscriber {
  readonly customerId: string;
  readonly realName: string;
  /** The 주민등록번호 (13 digits), for the VID of the renewed certificate; sealed at rest. */
  readonly idn: string;
  readonly type: CaRegistration['type'];
}

export interface CaSubscribers {
  /** Keeps the subscriber record of the certificate with this serial number until `until` (epoch ms, its expiry). */
  keep(serialNumber: string, subscriber: Subscriber, until: number): Promise<void>;
  /** The subscriber record of a certificate the CA issued, while it is kept. */
  find(serialNumber: string): Promise<Subscriber | undefined>;
}

export const SUBSCRIBER_SEAL_PURPOSE = 'ca-subscriber';

const SealedSubscriber = z.object({
  customerId: z.string(),
  realName: z.string(),
  idn: z.string(),
  type: z.enum(['personalBanking', 'personalGeneral']),
});

/** Exactly the subscriber's fields, sealed: the 주민등록번호 is never at rest in clear. */
export function sealSubscriber(box: SecretBox, subscriber: Subscriber): string {
  const { customerId, realName, idn, type } = subscriber;
  return box.seal(SUBSCRIBER_SEAL_PURPOSE, Buffer.from(JSON.stringify({ customerId, realName, idn, type })));
}

/** Undefined for a record sealed under a key no longer held, or altered. */
export function openSubscriber(box: SecretBox, sealed: string): Subscriber | undefined {
  const plain = box.open(SUBSCRIBER_SEAL_PURPOSE, sealed);
  if (plain === undefined) return undefined;
  try {
    const parsed = SealedSubscriber.safeParse(JSON.parse(plain.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** For one process (tests and tools): bounded, the oldest record dropped when full. */
export class MemoryCaSubscribers implements CaSubscribers {
  private readonly records = new Map<string, { subscriber: Subscriber; until: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async keep(serialNumber: string, subscriber: Subscriber, until: number): Promise<void> {
    this.records.delete(serialNumber);
    if (this.records.size >= this.maxEntries) this.records.delete(this.records.keys().next().value as string);
    this.records.set(serialNumber, { subscriber, until });
  }

  async find(serialNumber: string): Promise<Subscriber | undefined> {
    const record = this.records.get(serialNumber);
    return record !== undefined && record.until > this.now() ? record.subscriber : undefined;
  }
}
