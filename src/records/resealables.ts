import type { Config } from '../config/config';
import { keyProviderFor } from '../keys/keyProviderFor';
import { auditConfiguration } from './configurationAudit';
import type { Resealable, RotationReport } from './keyRotation';
import { SecretBox } from '../state/secretBox';
import { openAsOwner } from './openRecords';
import { SqlCaSubscribers } from './sqlCaSubscribers';

/**
 * Every store that keeps sealed values beyond a conversation's life (a certificate's subscriber
 * record lives as long as the certificate), for `npm run keys:rotate` to reseal. Values that live
 * minutes (a flow's state, the CA's registrations) need no resealing: the previous key opens them
 * until they expire. `audit` records the rotation. The database is left open: the command exits when done.
 */
export async function resealablesFor(
  config: Config,
  secretsKey: Buffer,
): Promise<{ readonly stores: Resealable[]; readonly audit: (report: RotationReport) => Promise<void> }> {
  const { db } = await openAsOwner(config.database);
  const box = await SecretBox.load(await keyProviderFor(config, secretsKey));
  return { stores: [new SqlCaSubscribers(db, box)], audit: (report) => auditConfiguration(db, 'keysRotated', { ...report }) };
}
