import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaLedger } from '../../src/certificates/ca/caLedger';
import type { CertificateStores } from '../../src/certificates/certificateService';
import { certificateFingerprint, type RegisteredCertificate } from '../../src/certificates/stores/certificateRegistry';
import type { Config } from '../../src/config/config';
import { type HandoffAudit, MemoryHandoffAudit } from '../../src/handoff/handoffAudit';
import { createLogger } from '../../src/logging/logger';
import { verifyAuditChain } from '../../src/records/auditChain';
import type { Database } from '../../src/records/database';
import { openRecords } from '../../src/records/openRecords';
import { appendAgentAction, SqlHandoffAudit } from '../../src/records/sqlAuditLog';
import { SqlConsentLog } from '../../src/records/sqlConsentLog';
import { type ConsentLog, type ConsentRecord, MemoryConsentLog } from '../../src/secure/consentLog';
import { SecretBox } from '../../src/state/secretBox';
import { databaseCertificateStores, memoryCertificateStores } from '../../src/stores';
import { RECORD_DATABASES } from '../support/recordDatabases';
import { freshDatabaseUrl } from '../support/testDatabase';

/**
 * The records' contract where the certificate and handoff tests leave it: the CA's ledger, the
 * consents and the agents' audit, in memory and in the system of record on PGlite and on
 * PostgreSQL; and every record surviving a restart.
 */
const serial = (): string => randomBytes(8).toString('hex');
const issued = (serialNumber = serial()) => ({
  serialNumber,
  subjectDn: 'cn=홍길동()0012345678901234,ou=personal4IB,o=Sandbox Bank,c=kr',
  notAfter: '2026-03-01T14:59:59.000Z',
  issuedAt: '2025-03-01T09:00:00.000Z',
});

function behavesAsCaLedgers(create: () => (caId: string) => CaLedger): void {
  test('a serial is taken once per CA; another CA may use it', async () => {
    const ledgers = create();
    const [bank, other] = [ledgers(randomUUID()), ledgers(randomUUID())];
    const entry = issued();
    expect(await bank.recordIssued(entry)).toBe(true);
    expect(await bank.recordIssued({ ...entry, subjectDn: 'cn=someone else' })).toBe(false);
    expect(await bank.find(entry.serialNumber)).toEqual(entry);
    expect(await other.find(entry.serialNumber)).toBeUndefined();
    expect(await other.recordIssued(entry)).toBe(true);
    expect(await bank.find(serial())).toBeUndefined();
  });

  test('revokes once: a second revocation keeps the first date and reason; an unknown serial is not revoked', async () => {
    const ledger = create()(randomUUID());
    const entry = issued();
    await ledger.recordIssued(entry);
    const first = await ledger.revoke(entry.serialNumber, 'keyCompromise', new Date('2025-04-01T00:00:00.000Z'));
    expect(first).toEqual({ ...entry, revokedAt: '2025-04-01T00:00:00.000Z', reason: 'keyCompromise' });
    expect(await ledger.revoke(entry.serialNumber, 'superseded', new Date('2025-05-01T00:00:00.000Z'))).toEqual(first);
    expect(await ledger.find(entry.serialNumber)).toEqual(first);
    expect(await ledger.revoke(serial(), 'keyCompromise', new Date())).toBeUndefined();
  });

  test('lists its own revoked certificates only, for its CRL', async () => {
    const ledgers = create();
    const [bank, other] = [ledgers(randomUUID()), ledgers(randomUUID())];
    const [kept, revoked, elsewhere] = [issued(), issued(), issued()];
    await bank.recordIssued(kept);
    await bank.recordIssued(revoked);
    await other.recordIssued(elsewhere);
    await bank.revoke(revoked.serialNumber, 'superseded', new Date('2025-04-01T00:00:00.000Z'));
    await other.revoke(elsewhere.serialNumber, 'superseded', new Date('2025-04-01T00:00:00.000Z'));
    expect(await bank.revoked()).toEqual([{ ...revoked, revokedAt: '2025-04-01T00:00:00.000Z', reason: 'superseded' }]);
  });

  test('numbers each CA’s CRLs 1, 2, 3 …, one CA’s apart from another’s', async () => {
    const ledgers = create();
    const [bank, other] = [ledgers(randomUUID()), ledgers(randomUUID())];
    expect([await bank.nextCrlNumber(), await bank.nextCrlNumber(), await bank.nextCrlNumber()]).toEqual([1, 2, 3]);
    expect(await other.nextCrlNumber()).toBe(1);
    const atOnce = await Promise.all([...Array(5).keys()].map(() => bank.nextCrlNumber()));
    expect(atOnce.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8]);
  });
}

const consent = (overrides: Partial<ConsentRecord> = {}): ConsentRecord => ({
  at: '2025-03-01T09:00:00.000Z',
  consent: 'personalData',
  version: '2025-01',
  step: 'identity',
  journey: 'issuance',
  conversationId: `conv-${randomUUID()}`,
  ...overrides,
});

function behavesAsAConsentLog(create: () => ConsentLog): void {
  test('keeps each consent as given, newest first', async () => {
    const log = create();
    const customerId = randomBytes(32).toString('hex');
    const first = consent();
    const fee = consent({ consent: 'fee', step: 'fee', customerId, fee: { amount: 4400, account: '110-123-456789' } });
    await log.record(first);
    await log.record(fee);
    expect(await log.recent(2)).toEqual([fee, first]);
    expect(await log.recent(1)).toEqual([fee]);
  });

  test('refuses a consent naming the customer by anything but the keyed hash, or carrying fields it does not know, and keeps nothing of it', async () => {
    const log = create();
    const kept = consent();
    await log.record(kept);
    await expect(log.record(consent({ customerId: '900101-1234567' }))).rejects.toThrow();
    await expect(log.record({ ...consent(), rrn: '9001011234567' } as ConsentRecord)).rejects.toThrow();
    expect(await log.recent(1)).toEqual([kept]);
  });
}

const took = (conversation = `conv-${randomUUID()}`) => ({
  action: 'take' as const,
  agentId: 'kim',
  conversation,
  at: Date.UTC(2025, 2, 1, 9),
});

function behavesAsAHandoffAudit(create: () => HandoffAudit): void {
  test('keeps agents’ actions and hubs’ events as recorded, newest first', async () => {
    const audit = create();
    const conversation = `conv-${randomUUID()}`;
    const entries = [
      took(conversation),
      { action: 'transfer' as const, agentId: 'kim', conversation, at: Date.UTC(2025, 2, 1, 9, 1), to: 'lee', note: '약관 설명 필요' },
      { action: 'end' as const, agentId: 'lee', conversation, at: Date.UTC(2025, 2, 1, 9, 2), mode: 'resume' as const },
      {
        action: 'hubStatus' as const,
        agentId: 'hub',
        conversation,
        at: Date.UTC(2025, 2, 1, 9, 3),
        channel: 'omnichannel',
        state: 'completed' as const,
        outcome: 'refused' as const,
      },
    ];
    for (const entry of entries) await audit.record(entry);
    expect(await audit.recent(4)).toEqual([...entries].reverse());
  });
}

describe('in memory', () => {
  describe('the CA’s ledgers', () => behavesAsCaLedgers(() => memoryCertificateStores().caLedger));
  describe('the consent log', () => behavesAsAConsentLog(() => new MemoryConsentLog()));
  describe('the handoff audit', () => behavesAsAHandoffAudit(() => new MemoryHandoffAudit()));
});

describe.each(RECORD_DATABASES)('on %s', (_name, openDatabase) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  describe('SqlCaLedger', () => behavesAsCaLedgers(() => databaseCertificateStores(db, new SecretBox(randomBytes(32))).caLedger));

  describe('SqlConsentLog', () => {
    behavesAsAConsentLog(() => new SqlConsentLog(db));

    test('gives nothing for a limit of none', async () => {
      const log = new SqlConsentLog(db);
      await log.record(consent());
      expect(await log.recent(0)).toEqual([]);
    });

    test('audits each consent in the chain, with its text’s version and step', async () => {
      const given = consent({ consent: 'uniqueIdentifier' });
      await new SqlConsentLog(db).record(given);
      const rows = await db.query<{ action: string; outcome: string; details: string }>(
        `SELECT action, outcome, details FROM audit_log WHERE category = 'consent' AND conversation_id = $1`,
        [given.conversationId],
      );
      expect(rows.map((row) => ({ ...row, details: JSON.parse(row.details) as unknown }))).toEqual([
        { action: 'uniqueIdentifier', outcome: 'given', details: { version: '2025-01', step: 'identity', journey: 'issuance' } },
      ]);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    });
  });

  describe('SqlHandoffAudit', () => {
    behavesAsAHandoffAudit(() => new SqlHandoffAudit(db));

    test('skips an agent row that does not validate, rather than misreading it', async () => {
      const audit = new SqlHandoffAudit(db);
      const before = took();
      await audit.record(before);
      await db.transaction((tx) =>
        appendAgentAction(tx, { at: new Date(), action: 'steal', actor: 'kim', conversationId: 'conv-x', outcome: 'applied', details: {} }),
      );
      await db.transaction((tx) =>
        appendAgentAction(tx, {
          at: new Date(),
          action: 'transfer',
          actor: 'kim',
          conversationId: 'conv-y',
          outcome: 'applied',
          details: { to: 42 },
        }),
      );
      const after = took();
      await audit.record(after);
      expect(await audit.recent(4)).toEqual([after, before]);
    });
  });
});

/** Where the app keeps its records, through its own way of opening them, closed and opened again as by a restart. */
describe.each<[string, () => Promise<{ settings: Config['database']; done(): void }>]>([
  [
    'PGlite in a folder',
    async () => {
      const pgliteDir = mkdtempSync(join(tmpdir(), 'jca-records-'));
      return { settings: { pgliteDir, statementTimeoutMs: 10_000 }, done: () => rmSync(pgliteDir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    async () => ({ settings: { url: await freshDatabaseUrl(), pgliteDir: '', statementTimeoutMs: 10_000 }, done: () => undefined }),
  ],
])('%s', (_name, place) => {
  test('every record survives a restart: the ledger, the registry, the journal, the subscribers (with the same key), the audit and the consents', async () => {
    const { settings, done } = await place();
    const logger = createLogger('silent');
    const key = randomBytes(32);
    const storesOn = (db: Database): CertificateStores => databaseCertificateStores(db, new SecretBox(key));
    const entry = issued();
    const fingerprintSha256 = certificateFingerprint(randomBytes(64));
    const certificate: RegisteredCertificate = {
      customerId: randomBytes(32).toString('hex'),
      serialNumber: entry.serialNumber,
      subjectDn: entry.subjectDn,
      notAfter: entry.notAfter,
      issuerDn: 'cn=Sandbox Issuing CA,o=Sandbox Bank,c=kr',
      notBefore: entry.issuedAt,
      fingerprintSha256,
      origin: 'issued',
      status: 'active',
      registeredAt: entry.issuedAt,
      updatedAt: entry.issuedAt,
    };
    const journey = {
      key: randomUUID(),
      customerId: certificate.customerId,
      owner: 'conversation/test/1',
      startedAt: Date.UTC(2025, 2, 1),
    };
    const subscriber = { customerId: certificate.customerId, realName: '홍길동', idn: '9001011234567', type: 'personalBanking' as const };
    const given1 = consent();
    try {
      const before = await openRecords(settings, logger);
      try {
        const stores = storesOn(before);
        await stores.issuances.begin(journey);
        const { serialNumber } = entry;
        await stores.recording.recordIssued({
          caId: 'bank',
          ledger: entry,
          journalKey: journey.key,
          registry: certificate,
          audit: { action: 'issue', outcome: 'success', customerId: certificate.customerId, serialNumber, actor: 'customer' },
        });
        await stores.caSubscribers.keep(serialNumber, subscriber, Date.now() + 365 * 24 * 3600 * 1000);
        await stores.caLedger('bank').nextCrlNumber();
        await new SqlConsentLog(before).record(given1);
      } finally {
        await before.close();
      }
      const after = await openRecords(settings, logger);
      try {
        const stores = storesOn(after);
        expect(await stores.caLedger('bank').find(entry.serialNumber)).toEqual(entry);
        expect(await stores.caLedger('bank').nextCrlNumber()).toBe(2);
        expect(await stores.registry.find(certificate.customerId, fingerprintSha256)).toEqual(certificate);
        expect(await stores.issuances.find(journey.key)).toEqual({
          ...journey,
          serialNumber: entry.serialNumber,
          fingerprint: fingerprintSha256,
        });
        expect(await stores.caSubscribers.find(entry.serialNumber)).toEqual(subscriber);
        expect(await stores.audit.recent(1)).toEqual([expect.objectContaining({ action: 'issue', serialNumber: entry.serialNumber })]);
        expect(await new SqlConsentLog(after).recent(1)).toEqual([given1]);
        expect(await verifyAuditChain(after)).toEqual({ ok: true, rows: 2, firstSeq: 1, lastSeq: 2 });
      } finally {
        await after.close();
      }
    } finally {
      done();
    }
  });
});
