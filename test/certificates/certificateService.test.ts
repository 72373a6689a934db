import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IssuanceEndpoint } from '../../src/certificates/ca/issuanceEndpoint';
import { CertificateService, createCertificateService } from '../../src/certificates/certificateService';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { verifyVirtualId } from '../../src/certificates/npki/virtualId';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { requestCertificate } from '../../src/device/caClient';
import { generateDeviceKeyPair, newRandomNum } from '../../src/device/deviceKeys';
import { writeIssuedFiles } from '../../src/device/issuedFiles';
import { type CertificateFilesOnDevice, provePossession } from '../../src/device/possessionProof';
import { SecretBox } from '../../src/state/secretBox';
import { connectPostgres, type Database } from '../../src/records/database';
import { databaseCertificateStores } from '../../src/stores';
import { fetchInProcess } from '../device/deviceSupport';
import { ownerDatabase } from '../support/recordDatabases';
import { freshDatabaseUrl } from '../support/testDatabase';

/**
 * The certificate core on the system of record (PostgreSQL), as the app runs it: what the CA
 * issued for keys made on devices, and what customers proved they hold, kept where every instance
 * sees it, and nothing secret kept.
 * The device's side of each step is test/device's; here it only supplies the requests and proofs.
 */
const PASSWORD = 'Gildong#2026!';
const IDN = '9001011234567';
const OTHER_IDN = '0203044123456';
const CUSTOMER = 'customer-hash-1';
const CHALLENGE = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'jca-certsvc-'));
const box = new SecretBox(randomBytes(32));
const actor = { actor: 'customer', conversationId: 'conv-1' };
/** Secrets the device held, each of which must be absent from the records at the end. */
const secretsOfDevices: string[] = [];
let databaseUrl: string;
const connections: Database[] = [];
let service: CertificateService;
let endpoint: IssuanceEndpoint;

/** One instance of the app's certificate core: the same CA folder and database as every other, through its own connections. */
const instance = () => {
  const db = connectPostgres(databaseUrl, { asBot: true });
  connections.push(db);
  return createCertificateService({
    caDirectory: join(dir, 'ca'),
    crlUrl: (caId) => `http://127.0.0.1:3978/ca/${caId}.crl`,
    stores: databaseCertificateStores(db, box),
  });
};

beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl();
  service = await instance();
  endpoint = service.issuanceEndpoint(async () => undefined);
});

afterAll(async () => {
  await Promise.all(connections.map((db) => db.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** The bank registers the customer with its CA; the device makes the key and R, asks the CA and saves the files. */
async function issueOnDevice(customerId: string, idn = IDN, notAfter?: Date) {
  const authorization = await service.authority.register({ customerId, realName: '홍길동', idn, type: 'personalBanking', notAfter });
  return onDevice(authorization);
}

/** The device's side with the CA's authorisation: a key and R made here, the request, the files saved. */
async function onDevice(authorization: { readonly referenceNumber: string; readonly authCode: string }) {
  const [keyPair, randomNum] = [await generateDeviceKeyPair(), newRandomNum()];
  const fromCa = await requestCertificate({
    endpoint: service.authority.endpoint,
    authorization,
    keyPair,
    randomNum,
    fetch: fetchInProcess(endpoint),
  });
  const files = await writeIssuedFiles({ ...fromCa, keyPair, randomNum, password: PASSWORD });
  secretsOfDevices.push(authorization.authCode, Buffer.from(randomNum).toString('base64'), Buffer.from(randomNum).toString('hex'));
  const { serialNumber, fingerprintSha256 } = await inspectCertificate(files.signCert);
  return { referenceNumber: authorization.referenceNumber, files, serialNumber, fingerprintSha256, randomNum };
}

/** The proof the device posts for registration or renewal, and the rest of the request the secure step adds. */
async function proofOf(files: CertificateFilesOnDevice, customerId: string, idn: string) {
  const result = await provePossession({ files, password: PASSWORD, challenge: CHALLENGE });
  if (result.status !== 'signed') throw new Error(`expected a signed proof, got ${result.status}`);
  return { ...result.proof, ...actor, challenge: CHALLENGE, customerId, idn, purpose: 'registration' as const };
}

test('a certificate issued for the device’s key is on record at every instance, and stays valid once the device saved it', async () => {
  const issued = await issueOnDevice(CUSTOMER);
  const another = await instance();
  expect(await another.list(CUSTOMER)).toEqual([
    expect.objectContaining({ origin: 'issued', status: 'active', serialNumber: issued.serialNumber }),
  ]);
  expect(await another.confirmDelivery(issued.referenceNumber, issued.serialNumber)).toBe(true);
  // The page closing after the files were saved ends the step: nothing is revoked.
  expect(await service.abandonIssuance(issued.referenceNumber)).toBe('delivered');
  expect(await service.bankCa.revocationStatus(issued.serialNumber)).toBe('good');
});

test('an issuance the device never saved is revoked when its step ends: at the CA and in the registry', async () => {
  const issued = await issueOnDevice('customer-hash-unsaved');
  expect(await service.abandonIssuance(issued.referenceNumber)).toBe('revoked');
  expect(await service.bankCa.revocationStatus(issued.serialNumber)).toBe('revoked');
  expect(await service.list('customer-hash-unsaved')).toEqual([
    expect.objectContaining({ status: 'revoked', revocationReason: 'cessationOfOperation' }),
  ]);
});

test('another bank’s certificate is registered by proof of possession, listed and released; a failed proof is audited too', async () => {
  const other = await service.otherBankCa.issue({ realName: '홍길동', idn: IDN, type: 'personalGeneral' });
  const files = { signCert: other.certificate, signPri: await encryptPrivateKeyFile(other.privateKeyInfo, PASSWORD) };
  const proof = await proofOf(files, CUSTOMER, IDN);

  await expect(service.verifyPossession({ ...proof, challenge: randomBytes(32) })).rejects.toMatchObject({ reason: 'keyMismatch' });
  expect(await service['audit'].recent(1)).toEqual([
    expect.objectContaining({ action: 'register', outcome: 'failure', reason: 'keyMismatch', customerId: CUSTOMER }),
  ]);
  const registered = await service.verifyPossession(proof);
  expect(registered).toMatchObject({ origin: 'registered', status: 'active' });
  expect((await service.list(CUSTOMER)).map((c) => c.origin).sort()).toEqual(['issued', 'registered']);

  const released = await service.release(CUSTOMER, registered.fingerprintSha256, actor);
  expect(released?.status).toBe('released');
});

test('a certificate revoked here is in the CRL openssl reads, and proving possession of it is refused as revoked', async () => {
  const issued = await issueOnDevice('customer-hash-2', OTHER_IDN);
  const revoked = await service.revoke('customer-hash-2', issued.fingerprintSha256, 'keyCompromise', actor);
  expect(revoked?.status).toBe('revoked');
  writeFileSync(join(dir, 'bank.crl'), await service.crl());
  const crl = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'bank.crl'), '-noout', '-text'], { encoding: 'utf8' });
  expect(crl).toContain(issued.serialNumber.toUpperCase());

  const proof = await proofOf({ zip: issued.files.npkiZip }, 'customer-hash-2', OTHER_IDN);
  await expect(service.verifyPossession(proof)).rejects.toMatchObject({ reason: 'revoked' });
});

describe('renewal by key: a proof of possession with no customer known', () => {
  const DAY = 24 * 3600 * 1000;

  /** The proof the device posts on a renewal page that knows nobody: no customer, no 주민등록번호. */
  async function renewalProof(files: CertificateFilesOnDevice) {
    const result = await provePossession({ files, password: PASSWORD, challenge: CHALLENGE });
    if (result.status !== 'signed') throw new Error(`expected a signed proof, got ${result.status}`);
    return { ...result.proof, ...actor, challenge: CHALLENGE, purpose: 'renewal' as const };
  }

  test('names the certificate this bank issued close to its expiry, found by its fingerprint; the CA renews it from its record, the VID from the new R and the 주민등록번호 it kept', async () => {
    const old = await issueOnDevice('customer-hash-renew', IDN, new Date(Date.now() + 12 * DAY));
    const onRecord = await service.verifyPossession(await renewalProof({ zip: old.files.npkiZip }));
    expect(onRecord).toMatchObject({
      customerId: 'customer-hash-renew',
      serialNumber: old.serialNumber,
      origin: 'issued',
      status: 'active',
    });

    const notAfter = new Date(Date.now() + 377 * DAY);
    const authorization = await service.authority.renew({
      customerId: onRecord.customerId,
      previousSerial: onRecord.serialNumber,
      type: 'personalBanking',
      notAfter,
    });
    const renewed = await onDevice(authorization);
    expect(await verifyVirtualId(renewed.files.signCert, IDN, renewed.randomNum)).toBe(true);
    expect(await verifyVirtualId(renewed.files.signCert, IDN, old.randomNum)).toBe(false);
    const summary = await inspectCertificate(renewed.files.signCert);
    expect(summary.notAfter.toISOString().slice(0, 10)).toBe(notAfter.toISOString().slice(0, 10));
    expect(summary.subjectDn).toContain('홍길동');
  });

  test('the CA renews only what it issued to that customer, and only while it is good', async () => {
    const old = await issueOnDevice('customer-hash-renew-2', IDN, new Date(Date.now() + 12 * DAY));
    const renewal = {
      customerId: 'customer-hash-renew-2',
      previousSerial: old.serialNumber,
      type: 'personalBanking' as const,
      notAfter: new Date(),
    };
    await expect(service.authority.renew({ ...renewal, customerId: 'someone-else' })).rejects.toThrow(/subscriber/);
    await expect(service.authority.renew({ ...renewal, previousSerial: '7f7f7f' })).rejects.toThrow(/subscriber/);
    await service.revoke('customer-hash-renew-2', old.fingerprintSha256, 'keyCompromise', actor);
    await expect(service.authority.renew(renewal)).rejects.toThrow(/not good/);
  });

  test('refuses a certificate not yet within 30 days of its expiry, another bank’s, one nobody registered here, and a revoked one, each audited', async () => {
    const farFromExpiry = await issueOnDevice('customer-hash-renew-3');
    await expect(service.verifyPossession(await renewalProof({ zip: farFromExpiry.files.npkiZip }))).rejects.toMatchObject({
      reason: 'notRenewable',
    });
    expect(await service['audit'].recent(1)).toEqual([
      expect.objectContaining({ action: 'renew', outcome: 'failure', reason: 'notRenewable' }),
    ]);

    const other = await service.otherBankCa.issue({
      realName: '홍길동',
      idn: IDN,
      type: 'personalGeneral',
      notAfter: new Date(Date.now() + 9 * DAY),
    });
    const otherFiles = { signCert: other.certificate, signPri: await encryptPrivateKeyFile(other.privateKeyInfo, PASSWORD) };
    await expect(service.verifyPossession(await renewalProof(otherFiles))).rejects.toMatchObject({ reason: 'ownerMismatch' });
    await service.verifyPossession(await proofOf(otherFiles, 'customer-hash-renew-3', IDN));
    await expect(service.verifyPossession(await renewalProof(otherFiles))).rejects.toMatchObject({ reason: 'ownerMismatch' });

    const revoked = await issueOnDevice('customer-hash-renew-3', IDN, new Date(Date.now() + 12 * DAY));
    await service.revoke('customer-hash-renew-3', revoked.fingerprintSha256, 'keyCompromise', actor);
    await expect(service.verifyPossession(await renewalProof({ zip: revoked.files.npkiZip }))).rejects.toMatchObject({ reason: 'revoked' });
  });
});

test('nothing the service stored holds a password, a 주민등록번호, an authorisation code, R or a private key', async () => {
  // Every table, read as their owner: the bot's role may not read them all.
  const owner = await ownerDatabase(databaseUrl);
  const dump: string[] = [];
  try {
    const tables = await owner.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name } of tables) dump.push(JSON.stringify(await owner.query(`SELECT * FROM ${table_name}`)));
  } finally {
    await owner.close();
  }
  const everything = dump.join('\n');
  expect(everything).toContain('"action":"issue"'); // the audit log is there
  expect(secretsOfDevices.length).toBeGreaterThan(0);
  for (const secret of [PASSWORD, IDN, '900101', OTHER_IDN, 'PRIVATE KEY', ...secretsOfDevices]) expect(everything).not.toContain(secret);
});
