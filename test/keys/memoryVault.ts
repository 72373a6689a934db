import type { Resealable } from '../../src/records/keyRotation';
import type { SecretBox } from '../../src/state/secretBox';

/** Durable sealed values in memory, resealable as a store of the system of record would be. */
export class MemoryVault implements Resealable {
  readonly values = new Map<string, { purpose: string; sealed: string }>();

  async reseal(box: SecretBox): Promise<{ resealed: number; unreadable: number }> {
    let resealed = 0;
    let unreadable = 0;
    for (const [name, { purpose, sealed }] of this.values) {
      if (box.keyIdOf(sealed) === box.currentKeyId) continue;
      const next = box.reseal(purpose, sealed);
      if (next === undefined) unreadable++;
      else {
        this.values.set(name, { purpose, sealed: next });
        resealed++;
      }
    }
    return { resealed, unreadable };
  }
}
