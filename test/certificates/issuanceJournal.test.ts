import { randomBytes, randomUUID } from 'node:crypto';
import { IssuanceJournal, MemoryIssuanceJournal } from '../../src/certificates/ca/issuanceJournal';
import type { CertificateStores } from '../../src/certificates/certificateService';
import { certificateFingerprint } from '../../src/certificates/stores/certificateRegistry';
import type { IssuedCertificateRecord } from '../../src/certificates/stores/issuanceRecording';
import type { Database } from '../../src/records/database';
import { SqlIssuanceJournal } from '../../src/records/sqlIssuanceJournal';
import { SecretBox } from '../../src/state/secretBox';
import { databaseCertificateStores, memoryCertificateStores } from '../../src/stores';
import { RECORD_DATABASES } from '../support/recordDatabases';

const start = (owner = `conversation/test/${randomUUID()}`) => ({
  key: randomUUID(),
  customerId: 'customer-hash',
  owner,
  startedAt: Date.UTC(2025, 2, 1, 9, 0, 0),
});

/** What every journal does. */
function behavesAsAJournal(create: () => IssuanceJournal): void {
  test('started, then settled once: the first outcome stays', async () => {
    const journal = create();
    const s = start();
    await journal.begin(s);
    expect(await journal.find(s.key)).toEqual(s);
    expect(await journal.settle(s.key, 'delivered')).toBe(true);
    expect(await journal.settle(s.key, 'revoked')).toBe(false);
    expect(await journal.find(s.key)).toEqual({ ...s, outcome: 'delivered' });
  });

  test('an issuance it never began is not found, and cannot be settled', async () => {
    const journal = create();
    const key = randomUUID();
    expect(await journal.find(key)).toBeUndefined();
    expect(await journal.settle(key, 'failed')).toBe(false);
  });

  test('settled at once by two callers (the device saved it, the step ended): only one wins', async () => {
    const journal = create();
    const s = start();
    await journal.begin(s);
    const wins = await Promise.all([journal.settle(s.key, 'delivered'), journal.settle(s.key, 'revoked')]);
    expect(wins.sort()).toEqual([false, true]);
  });
}

describe('MemoryIssuanceJournal', () => {
  behavesAsAJournal(() => new MemoryIssuanceJournal());

  test('takes the certificate of an open issuance only: one given up on, or unknown, is refused so the caller revokes it', async () => {
    const journal = new MemoryIssuanceJournal();
    const [open, givenUp] = [start(), start()];
    await journal.begin(open);
    await journal.begin(givenUp);
    await journal.settle(givenUp.key, 'failed');
    expect(journal.issued(open.key, { serialNumber: '0a1b', fingerprint: 'f'.repeat(64) })).toBe(true);
    expect(journal.issued(givenUp.key, { serialNumber: '0c', fingerprint: 'e'.repeat(64) })).toBe(false);
    expect(journal.issued(randomUUID(), { serialNumber: '0d', fingerprint: 'd'.repeat(64) })).toBe(false);
    expect(await journal.find(open.key)).toEqual({ ...open, serialNumber: '0a1b', fingerprint: 'f'.repeat(64) });
    expect(await journal.find(givenUp.key)).toEqual({ ...givenUp, outcome: 'failed' });
  });

  test('is bounded: when full, it forgets the oldest settled issuance, never an open one', async () => {
    const journal = new MemoryIssuanceJournal(2);
    const [settled, open, next] = [start(), start(), start()];
    await journal.begin(settled);
    await journal.settle(settled.key, 'delivered');
    await journal.begin(open);
    await journal.begin(next);
    expect(await journal.find(settled.key)).toBeUndefined();
    expect(await journal.find(open.key)).toEqual(open);
    expect(await journal.find(next.key)).toEqual(next);
  });
});

describe.each(RECORD_DATABASES)('SqlIssuanceJournal on %s', (_name, openDatabase) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  behavesAsAJournal(() => new SqlIssuanceJournal(db));

  test('a key begun again keeps its first record: a retried start cannot reopen a settled issuance', async () => {
    const journal = new SqlIssuanceJournal(db);
    const s = start();
    await journal.begin(s);
    await journal.settle(s.key, 'failed');
    await journal.begin({ ...s, owner: 'someone-else' });
    expect(await journal.find(s.key)).toEqual({ ...s, outcome: 'failed' });
  });
});

/** A certificate the CA just signed, for a customer, as the certificate service records it. */
function signed(journalKey?: string): IssuedCertificateRecord {
  const serialNumber = randomBytes(8).toString('hex');
  const customerId = randomBytes(32).toString('hex');
  const issuedAt = '2025-03-01T09:00:00.000Z';
  const subjectDn = 'cn=홍길동()0012345678901234,ou=personal4IB,o=Sandbox Bank,c=kr';
  return {
    caId: 'bank',
    ledger: { serialNumber, subjectDn, notAfter: '2026-03-01T14:59:59.000Z', issuedAt },
    ...(journalKey !== undefined && { journalKey }),
    registry: {
      customerId,
      serialNumber,
      issuerDn: 'cn=Sandbox Issuing CA,o=Sandbox Bank,c=kr',
      subjectDn,
      notBefore: issuedAt,
      notAfter: '2026-03-01T14:59:59.000Z',
      fingerprintSha256: certificateFingerprint(randomBytes(64)),
      origin: 'issued',
      status: 'active',
      registeredAt: issuedAt,
      updatedAt: issuedAt,
    },
    audit: { action: 'issue', outcome: 'success', customerId, serialNumber, actor: 'customer', conversationId: 'conv-1' },
  };
}

/** What every way of recording a signed certificate does. */
function recordsIssuances(create: () => CertificateStores): void {
  test('recorded: in the CA’s ledger, the registry, the audit, and the journal’s issuance', async () => {
    const stores = create();
    const s = start();
    await stores.issuances.begin(s);
    const record = signed(s.key);
    expect(await stores.recording.recordIssued(record)).toBe('recorded');
    expect(await stores.caLedger('bank').find(record.ledger.serialNumber)).toEqual(record.ledger);
    expect(await stores.registry.find(record.registry.customerId, record.registry.fingerprintSha256)).toEqual(record.registry);
    expect(await stores.audit.recent(1)).toEqual([{ ...record.audit, at: expect.any(String) }]);
    expect(await stores.issuances.find(s.key)).toEqual({
      ...s,
      serialNumber: record.ledger.serialNumber,
      fingerprint: record.registry.fingerprintSha256,
    });
  });

  test('recorded without a journal: a certificate no issuance waits for (a tool’s)', async () => {
    const stores = create();
    const record = signed();
    expect(await stores.recording.recordIssued(record)).toBe('recorded');
    expect(await stores.registry.find(record.registry.customerId, record.registry.fingerprintSha256)).toEqual(record.registry);
  });

  test('given up: the issuance was settled meanwhile, so the certificate enters the ledger revoked, is audited, and registered nowhere', async () => {
    const stores = create();
    const s = start();
    await stores.issuances.begin(s);
    await stores.issuances.settle(s.key, 'failed');
    const record = signed(s.key);
    expect(await stores.recording.recordIssued(record)).toBe('givenUp');
    expect(await stores.caLedger('bank').find(record.ledger.serialNumber)).toEqual({
      ...record.ledger,
      revokedAt: expect.any(String),
      reason: 'cessationOfOperation',
    });
    expect((await stores.caLedger('bank').revoked()).map((entry) => entry.serialNumber)).toContain(record.ledger.serialNumber);
    expect(await stores.audit.recent(1)).toEqual([
      {
        at: expect.any(String),
        action: 'revoke',
        outcome: 'success',
        actor: 'system',
        customerId: record.registry.customerId,
        serialNumber: record.ledger.serialNumber,
        reason: 'issuanceInterrupted',
      },
    ]);
    expect(await stores.registry.find(record.registry.customerId, record.registry.fingerprintSha256)).toBeUndefined();
    expect(await stores.issuances.find(s.key)).toEqual({ ...s, outcome: 'failed' });
  });
}

describe('StepwiseIssuanceRecording (memory)', () => {
  recordsIssuances(memoryCertificateStores);
});

describe.each(RECORD_DATABASES)('SqlIssuanceRecording on %s', (_name, openDatabase) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });
  const stores = () => databaseCertificateStores(db, new SecretBox(randomBytes(32)));

  recordsIssuances(stores);

  test('all or nothing: a registry entry that does not validate leaves no ledger entry, no issued serial, no audit row', async () => {
    const { caLedger, issuances, recording, audit } = stores();
    const s = start();
    await issuances.begin(s);
    const good = signed(s.key);
    const record = { ...good, registry: { ...good.registry, customerId: '900101-1234567' } };
    const [before] = await audit.recent(1);
    await expect(recording.recordIssued(record)).rejects.toThrow(/keyed hash/);
    expect(await caLedger('bank').find(record.ledger.serialNumber)).toBeUndefined();
    expect(await issuances.find(s.key)).toEqual(s);
    expect(await audit.recent(1)).toEqual(before === undefined ? [] : [before]);
  });
});
