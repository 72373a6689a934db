import type { Logger } from '../logging/logger';
import { SecretBox } from '../state/secretBox';
import type { KeyProvider } from '../keys/keyProvider';

/** A store of durable sealed values that can move them to the current key. */
export interface Resealable {
  /**
   * Replaces each value not sealed under `box.currentKeyId` by `box.reseal(…)`. A value that does
   * not open is counted and left as it is: its key may only be missing from this keyring.
   */
  reseal(box: SecretBox): Promise<{ resealed: number; unreadable: number }>;
}

export interface RotationReport {
  /** The key every readable value is now sealed under. */
  readonly keyId: string;
  readonly resealed: number;
  /** Values no key of the keyring opens: the old keys must stay readable until this is 0. */
  readonly unreadable: number;
}

/**
 * Reseals every durable value under the provider's current key, so that the keys before it
 * can then be retired. Every instance must already run with this keyring (restarted after the new
 * key was set): an instance that does not know the current key could not open what is resealed.
 */
export async function rotateKeys(provider: KeyProvider, resealables: readonly Resealable[], logger: Logger): Promise<RotationReport> {
  const box = await SecretBox.load(provider);
  let resealed = 0;
  let unreadable = 0;
  for (const store of resealables) {
    const counts = await store.reseal(box);
    resealed += counts.resealed;
    unreadable += counts.unreadable;
  }
  logger.info({ keyId: box.currentKeyId, resealed, unreadable }, 'resealed the durable values under the current key');
  if (unreadable > 0)
    logger.warn(
      { keyId: box.currentKeyId, unreadable },
      'some sealed values open with no key of the keyring: keep the previous keys until none are left',
    );
  return { keyId: box.currentKeyId, resealed, unreadable };
}
