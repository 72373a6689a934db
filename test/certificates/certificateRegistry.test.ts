import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  certificateFingerprint,
  CertificateRegistry,
  MemoryCertificateRegistry,
  RegisteredCertificate,
} from '../../src/certificates/stores/certificateRegistry';
import type { Database } from '../../src/records/database';
import { SqlCertificateRegistry } from '../../src/records/sqlCertificateRegistry';
import { RECORD_DATABASES } from '../support/recordDatabases';

const clock = { now: new Date('2025-03-01T09:00:00.000Z') };
const now = (): Date => clock.now;

function customerId(): string {
  return randomBytes(32).toString('base64url');
}

function certificate(owner: string, overrides: Partial<RegisteredCertificate> = {}): RegisteredCertificate {
  const fingerprintSha256 = certificateFingerprint(randomBytes(800));
  return {
    customerId: owner,
    serialNumber: randomBytes(8).toString('hex'),
    issuerDn: 'cn=yessignCA Class 2,ou=AccreditedCA,o=yessign,c=kr',
    subjectDn: 'cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr',
    notBefore: '2025-01-01T15:00:00.000Z',
    notAfter: '2026-01-02T14:59:59.000Z',
    fingerprintSha256,
    policyOid: '1.2.410.200005.1.1.4',
    origin: 'registered',
    status: 'active',
    registeredAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    ...overrides,
  };
}

/** What every registry does; `create` gives one, perhaps holding other customers' certificates. */
function behavesAsARegistry(create: () => CertificateRegistry): void {
  let registry: CertificateRegistry;
  beforeEach(() => {
    registry = create();
    clock.now = new Date('2025-03-01T09:00:00.000Z');
  });

  it('adds, lists and finds a customer’s certificates', async () => {
    const owner = customerId();
    const first = certificate(owner, { registeredAt: '2025-03-01T09:00:00.000Z', origin: 'issued' });
    const second = certificate(owner, { registeredAt: '2025-02-01T09:00:00.000Z' });
    await registry.add(first);
    await registry.add(second);
    await registry.add(certificate(customerId()));

    expect(await registry.list(owner)).toEqual([second, first]);
    expect(await registry.find(owner, first.fingerprintSha256)).toEqual(first);
    expect(await registry.find(owner, 'ab'.repeat(32))).toBeUndefined();
    expect(await registry.find(customerId(), first.fingerprintSha256)).toBeUndefined();
    expect(await registry.list(customerId())).toEqual([]);
  });

  it('finds by the colon-separated upper-case fingerprint too', async () => {
    const owner = customerId();
    const entry = certificate(owner);
    const colons = entry.fingerprintSha256.toUpperCase().match(/../g)?.join(':') ?? '';
    await registry.add({ ...entry, fingerprintSha256: colons });
    expect(await registry.find(owner, colons)).toEqual(entry);
    expect(await registry.find(owner, entry.fingerprintSha256)).toEqual(entry);
  });

  it('finds a certificate by its fingerprint alone (renewal by key), with its owner and its status as it is now', async () => {
    const owner = customerId();
    const entry = certificate(owner, { origin: 'issued' });
    await registry.add(entry);
    await registry.add(certificate(customerId()));
    const colons = entry.fingerprintSha256.toUpperCase().match(/../g)?.join(':') ?? '';
    expect(await registry.findByFingerprint(colons)).toEqual(entry);
    const revoked = await registry.updateStatus(owner, entry.fingerprintSha256, 'revoked', 'superseded');
    expect(await registry.findByFingerprint(entry.fingerprintSha256)).toEqual(revoked);
    expect(await registry.findByFingerprint('ab'.repeat(32))).toBeUndefined();
  });

  it('updates the status, keeps a revocation reason, and treats revocation as final', async () => {
    const owner = customerId();
    const entry = certificate(owner);
    await registry.add(entry);

    clock.now = new Date('2025-04-01T00:00:00.000Z');
    const released = await registry.updateStatus(owner, entry.fingerprintSha256, 'released', 'customer asked');
    expect(released).toEqual({ ...entry, status: 'released', updatedAt: '2025-04-01T00:00:00.000Z' });
    expect(await registry.find(owner, entry.fingerprintSha256)).toEqual(released);

    clock.now = new Date('2025-05-01T00:00:00.000Z');
    const revoked = await registry.updateStatus(owner, entry.fingerprintSha256, 'revoked', 'keyCompromise');
    expect(revoked).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise', updatedAt: '2025-05-01T00:00:00.000Z' });

    clock.now = new Date('2025-06-01T00:00:00.000Z');
    expect(await registry.updateStatus(owner, entry.fingerprintSha256, 'active')).toEqual(revoked);
    expect(await registry.find(owner, entry.fingerprintSha256)).toEqual(revoked);
    expect(await registry.updateStatus(owner, 'cd'.repeat(32), 'released')).toBeUndefined();
    expect(await registry.updateStatus(customerId(), entry.fingerprintSha256, 'released')).toBeUndefined();
  });

  it('finds a certificate registered again by another customer as theirs, the first customer’s entry kept as it is', async () => {
    const [first, second] = [customerId(), customerId()];
    const entry = certificate(first);
    await registry.add(entry);
    await registry.updateStatus(first, entry.fingerprintSha256, 'released');
    const theirs = { ...entry, customerId: second, registeredAt: '2025-04-01T00:00:00.000Z', updatedAt: '2025-04-01T00:00:00.000Z' };
    await registry.add(theirs);
    expect(await registry.findByFingerprint(entry.fingerprintSha256)).toEqual(theirs);
    expect(await registry.find(first, entry.fingerprintSha256)).toMatchObject({ customerId: first, status: 'released' });
  });

  it('applies concurrent status updates without losing one', async () => {
    const owner = customerId();
    const entry = certificate(owner);
    await registry.add(entry);
    const results = await Promise.all(
      (['released', 'active', 'released', 'active', 'revoked'] as const).map((status) =>
        registry.updateStatus(owner, entry.fingerprintSha256, status),
      ),
    );
    expect(results.every((result) => result !== undefined)).toBe(true);
    const final = await registry.find(owner, entry.fingerprintSha256);
    expect(['released', 'active', 'revoked']).toContain(final?.status);
  });

  it('replaces an entry added again with the same fingerprint (re-registration after release)', async () => {
    const owner = customerId();
    const entry = certificate(owner);
    await registry.add(entry);
    await registry.updateStatus(owner, entry.fingerprintSha256, 'released');
    const again = { ...entry, registeredAt: '2025-07-01T00:00:00.000Z', updatedAt: '2025-07-01T00:00:00.000Z' };
    await registry.add(again);
    expect(await registry.list(owner)).toEqual([again]);
  });

  it('refuses fields it does not know (a key, a password) and a raw 주민등록번호 as customer id', async () => {
    const owner = customerId();
    const withKey = { ...certificate(owner), privateKey: '-----BEGIN PRIVATE KEY-----' } as RegisteredCertificate;
    await expect(registry.add(withKey)).rejects.toThrow();
    const withPassword = { ...certificate(owner), password: 'secret' } as RegisteredCertificate;
    await expect(registry.add(withPassword)).rejects.toThrow();
    await expect(registry.add(certificate('900101-1234567'))).rejects.toThrow(/keyed hash/);
    await expect(registry.add(certificate(owner, { fingerprintSha256: 'not-a-fingerprint' }))).rejects.toThrow();
    expect(await registry.list(owner)).toEqual([]);
  });

  it('scrubs a 주민등록번호 out of a revocation reason', async () => {
    const owner = customerId();
    const entry = certificate(owner);
    await registry.add(entry);
    const revoked = await registry.updateStatus(owner, entry.fingerprintSha256, 'revoked', 'owner 900101-1234567 reported loss');
    expect(revoked?.revocationReason).toBe('owner [redacted] reported loss');
  });
}

describe('MemoryCertificateRegistry', () => {
  behavesAsARegistry(() => new MemoryCertificateRegistry({ now }));
});

describe.each(RECORD_DATABASES)('SqlCertificateRegistry on %s', (_name, openDatabase) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  behavesAsARegistry(() => new SqlCertificateRegistry(db, { now }));

  it('refuses a row of an unknown status or origin, whoever writes it', async () => {
    const registry = new SqlCertificateRegistry(db, { now });
    const owner = customerId();
    const good = certificate(owner);
    await registry.add(good);
    const insert = (fingerprint: string, origin: string, status: string) =>
      db.query(
        `INSERT INTO certificates (customer_id, fingerprint, serial_number, issuer_dn, subject_dn, not_before, not_after, origin, status, registered_at, updated_at)
         VALUES ($1, $2, '01', 'cn=x', 'cn=y', now(), now(), $3, $4, now(), now())`,
        [owner, fingerprint, origin, status],
      );
    await expect(insert('cd'.repeat(32), 'registered', 'lost')).rejects.toThrow(/check constraint/);
    await expect(insert('ef'.repeat(32), 'stolen', 'active')).rejects.toThrow(/check constraint/);
    expect(await registry.list(owner)).toEqual([good]);
  });

  it('writes nothing that looks like private key material', async () => {
    const registry = new SqlCertificateRegistry(db, { now });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const owner = customerId();
    const entry = certificate(owner, { fingerprintSha256: certificateFingerprint(pkcs8.subarray(0, 100)) });
    await registry.add(entry);
    await registry.updateStatus(owner, entry.fingerprintSha256, 'revoked', 'superseded');
    // Attempts to smuggle the key in are refused, so they leave no trace either.
    await expect(
      registry.add({ ...certificate(owner), privateKeyInfo: pkcs8.toString('base64') } as RegisteredCertificate),
    ).rejects.toThrow();
    await expect(registry.add(certificate(owner, { revocationReason: pem }))).resolves.toBeUndefined();

    const dump = JSON.stringify(await db.query('SELECT * FROM certificates'));
    expect(dump).toContain(entry.fingerprintSha256);
    expect(dump).not.toMatch(/PRIVATE KEY/);
    // A stretch of the key's secret part, in the encodings it could be stored in.
    const secret = pkcs8.subarray(pkcs8.length - 200, pkcs8.length - 152);
    for (const encoded of [secret.toString('hex'), secret.toString('base64').slice(4, 40), secret.toString('base64url').slice(4, 40)]) {
      expect(dump).not.toContain(encoded);
    }
    expect(dump).not.toContain(pem.split('\n')[3]);
  });
});
