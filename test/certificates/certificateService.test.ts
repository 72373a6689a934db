import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { CertificateService, createCertificateService } from '../../src/certificates/certificateService';
import { redisCertificateStores } from '../../src/stores';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';
import { opensslDecryptsKey } from '../support/opensslFixtures';

const PASSWORD = 'Gildong#2026!';
const IDN = '9001011234567';
const CUSTOMER = 'customer-hash-1';
const prefix = `jca-test-certsvc-${process.pid}:`;
const dir = mkdtempSync(join(tmpdir(), 'jca-certsvc-'));
const actor = { actor: 'customer', conversationId: 'conv-1' };
let redis: Redis;
let service: CertificateService;

beforeAll(async () => {
  redis = new Redis(SHARED_REDIS_URL);
  service = await createCertificateService({
    caDirectory: join(dir, 'ca'),
    crlUrl: (caId) => `http://127.0.0.1:3978/ca/${caId}.crl`,
    stores: redisCertificateStores(redis, prefix),
  });
});

afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
});

test('issuance gives files that openssl and our reader both accept, and records it', async () => {
  const issued = await service.issue({
    ...actor,
    customerId: CUSTOMER,
    realName: '홍길동',
    idn: IDN,
    type: 'personalBanking',
    password: PASSWORD,
  });
  expect(issued.summary.maskedName).toBe('홍*동');

  const fromZip = readNpkiZip(issued.npkiZip);
  expect(fromZip).toEqual({ signCert: issued.signCert, signPri: issued.signPri });
  writeFileSync(join(dir, 'bundle.zip'), issued.npkiZip);
  expect(
    execFileSync('python3', ['-c', `import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).namelist())`, join(dir, 'bundle.zip')], {
      encoding: 'utf8',
    }),
  ).toContain(`NPKI/yessign/USER/${issued.summary.subjectDn}/signPri.key`);

  writeFileSync(join(dir, 'signPri.key'), issued.signPri);
  const key = opensslDecryptsKey(join(dir, 'signPri.key'), PASSWORD);
  expect(key).toContain('BEGIN PRIVATE KEY');
  writeFileSync(join(dir, 'cert.pfx'), issued.pfx);
  const pfx = execFileSync('openssl', ['pkcs12', '-in', join(dir, 'cert.pfx'), '-passin', `pass:${PASSWORD}`, '-nodes'], {
    encoding: 'utf8',
  });
  expect(pfx).toContain('BEGIN CERTIFICATE');

  const [entry] = await service.list(CUSTOMER);
  expect(entry).toMatchObject({ origin: 'issued', status: 'active', serialNumber: issued.summary.serialNumber });
});

test('another bank’s certificate is registered, listed and released; a failed attempt is audited too', async () => {
  const other = await service.otherBankCa.issue({ realName: '홍길동', idn: IDN, type: 'personalGeneral' });
  const files = { signCert: other.certificate, signPri: await encryptPrivateKeyFile(other.privateKeyInfo, PASSWORD) };

  await expect(service.register({ ...actor, customerId: CUSTOMER, files, password: 'wrong', idn: IDN })).rejects.toMatchObject({
    reason: 'wrongPassword',
  });
  const registered = await service.register({ ...actor, customerId: CUSTOMER, files, password: PASSWORD, idn: IDN });
  expect(registered).toMatchObject({ origin: 'registered', status: 'active' });
  expect((await service.list(CUSTOMER)).map((c) => c.origin).sort()).toEqual(['issued', 'registered']);

  const released = await service.release(CUSTOMER, registered.fingerprintSha256, actor);
  expect(released?.status).toBe('released');
});

test('revoking a certificate issued here puts it in the CRL and refuses its registration', async () => {
  const issued = await service.issue({
    ...actor,
    customerId: 'customer-hash-2',
    realName: '김철수',
    idn: '0203044123456',
    type: 'personalGeneral',
    password: PASSWORD,
  });
  const revoked = await service.revoke('customer-hash-2', issued.summary.fingerprintSha256, 'keyCompromise', actor);
  expect(revoked?.status).toBe('revoked');
  writeFileSync(join(dir, 'bank.crl'), await service.crl());
  const crl = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'bank.crl'), '-noout', '-text'], { encoding: 'utf8' });
  expect(crl).toContain(issued.summary.serialNumber.toUpperCase());
  const attempt = service.register({
    ...actor,
    customerId: 'customer-hash-2',
    files: { signCert: issued.signCert, signPri: issued.signPri },
    password: PASSWORD,
    idn: '0203044123456',
  });
  await expect(attempt).rejects.toBeInstanceOf(CertificateError);
  await expect(attempt).rejects.toMatchObject({ reason: 'revoked' });
});

test('nothing the service stored holds a password, a 주민등록번호 or a private key', async () => {
  const dump: string[] = [];
  for (const key of await keysMatching(redis, `${prefix}*`)) {
    const type = await redis.type(key);
    if (type === 'hash') dump.push(...Object.entries(await redis.hgetall(key)).flat());
    else if (type === 'stream') dump.push(...(await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields));
    else if (type === 'string') dump.push((await redis.get(key)) ?? '');
  }
  const everything = dump.join('\n');
  expect(everything).toContain('"action":"issue"'); // the audit log is there
  for (const secret of [PASSWORD, IDN, '900101', '0203044123456', 'PRIVATE KEY']) expect(everything).not.toContain(secret);
});
