import {
  type CaSubscribers,
  openSubscriber,
  sealSubscriber,
  type Subscriber,
  SUBSCRIBER_SEAL_PURPOSE,
} from '../certificates/ca/caSubscribers';
import type { Resealable } from './keyRotation';
import type { SecretBox } from '../state/secretBox';
import type { Queryable } from './database';

/** Rows re-sealed per statement during a rotation. */
const RESEAL_BATCH = 500;

/** The CA's subscriber records in the system of record (table ca_subscribers): sealed, with the id of the key that sealed them. */
export class SqlCaSubscribers implements CaSubscribers, Resealable {
  constructor(
    private readonly db: Queryable,
    private readonly box: SecretBox,
  ) {}

  async keep(serialNumber: string, subscriber: Subscriber, until: number): Promise<void> {
    const sealed = sealSubscriber(this.box, subscriber);
    await this.db.query(
      `INSERT INTO ca_subscribers (serial_number, sealed, key_id, keep_until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (serial_number) DO UPDATE SET sealed = EXCLUDED.sealed, key_id = EXCLUDED.key_id, keep_until = EXCLUDED.keep_until`,
      [serialNumber, sealed, this.box.keyIdOf(sealed), new Date(until)],
    );
  }

  async find(serialNumber: string): Promise<Subscriber | undefined> {
    const [row] = await this.db.query<{ sealed: string }>(
      'SELECT sealed FROM ca_subscribers WHERE serial_number = $1 AND keep_until > now()',
      [serialNumber],
    );
    return row && openSubscriber(this.box, row.sealed);
  }

  /** Re-seals every record not sealed with the current key; the ones no key opens are counted, never dropped. */
  async reseal(box: SecretBox): Promise<{ resealed: number; unreadable: number }> {
    let resealed = 0;
    let unreadable = 0;
    let after = '';
    for (;;) {
      const rows = await this.db.query<{ serial_number: string; sealed: string }>(
        'SELECT serial_number, sealed FROM ca_subscribers WHERE key_id <> $1 AND serial_number > $2 ORDER BY serial_number LIMIT $3',
        [box.currentKeyId, after, RESEAL_BATCH],
      );
      for (const row of rows) {
        const next = box.reseal(SUBSCRIBER_SEAL_PURPOSE, row.sealed);
        if (next === undefined) {
          unreadable++;
          continue;
        }
        await this.db.query('UPDATE ca_subscribers SET sealed = $2, key_id = $3 WHERE serial_number = $1 AND sealed = $4', [
          row.serial_number,
          next,
          box.keyIdOf(next),
          row.sealed,
        ]);
        resealed++;
      }
      if (rows.length < RESEAL_BATCH) return { resealed, unreadable };
      after = rows[rows.length - 1]?.serial_number ?? after;
    }
  }
}
