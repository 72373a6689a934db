import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import forge from 'node-forge';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { CertificateService, createCertificateService } from '../../src/certificates/certificateService';
import { memoryCertificateStores, redisCertificateStores } from '../../src/stores';
import { readPkcs12, writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile, encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { pfxWithIterationCounts, withIterationCount } from '../support/keyFiles';
import { deleteKeysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';
import { eventually } from '../support/httpJourneys';

/** Native PBKDF2 (WebCrypto's deriveBits), watched: how often it ran and how many ran at once. */
const pbkdf2Calls = { started: 0, running: 0, mostAtOnce: 0 };
/** While set, derivations wait for it: a test can fill the queue before any finishes, however slow the machine. */
let pbkdf2Gate: Promise<void> | undefined;
function watchNativePbkdf2(): void {
  const { subtle } = globalThis.crypto;
  const deriveBits = subtle.deriveBits.bind(subtle);
  jest.spyOn(subtle, 'deriveBits').mockImplementation((async (...args: Parameters<typeof deriveBits>) => {
    pbkdf2Calls.started += 1;
    pbkdf2Calls.running += 1;
    pbkdf2Calls.mostAtOnce = Math.max(pbkdf2Calls.mostAtOnce, pbkdf2Calls.running);
    try {
      await pbkdf2Gate;
      return await deriveBits(...args);
    } finally {
      pbkdf2Calls.running -= 1;
    }
  }) as typeof deriveBits);
}
/** The readers hand out Uint8Array; the keys inside, as Buffers, for the writers. */
const privateKeyInfoOf = async (pfx: Uint8Array): Promise<Buffer> => Buffer.from((await readPkcs12(pfx, PASSWORD)).privateKeyInfo);

const PASSWORD = 'Gildong#2026!';
const IDN = '9001011234567';
const prefix = `jca-test-kdf-${process.pid}:`;
const dir = mkdtempSync(join(tmpdir(), 'jca-kdf-'));
const actor = { actor: 'customer', conversationId: 'conv-kdf' };
/** Old code spent about 6 s on a 10,000,000-iteration file; refusing it takes milliseconds. */
const FAST_MS = 2000;

let redis: Redis;
let service: CertificateService;
let signCert: Buffer;
let signPri: Uint8Array;
let pfx: Uint8Array;

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'opened';
  } catch (error) {
    return error instanceof CertificateError ? error.reason : (error as Error).name;
  }
}

function opensslPfx(name: string, iterations: number): Buffer {
  execFileSync(
    'openssl',
    ['pkcs12', '-export', '-in', 'c.pem', '-inkey', 'k.pem', '-out', name, '-passout', `pass:${PASSWORD}`, '-iter', String(iterations)],
    { cwd: dir },
  );
  return readFileSync(join(dir, name));
}

beforeAll(async () => {
  redis = new Redis(SHARED_REDIS_URL);
  service = await createCertificateService({
    caDirectory: join(dir, 'ca'),
    crlUrl: (caId) => `http://127.0.0.1:3978/ca/${caId}.crl`,
    stores: redisCertificateStores(redis, prefix),
  });
  const issued = await service.otherBankCa.issue({ realName: '홍길동', idn: IDN, type: 'personalGeneral' });
  signCert = issued.certificate;
  signPri = await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD);
  pfx = await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, password: PASSWORD });
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=t'],
    { cwd: dir, stdio: 'ignore' },
  );
});

afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  Object.assign(pbkdf2Calls, { started: 0, running: 0, mostAtOnce: 0 });
  watchNativePbkdf2();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('a key file that asks for more key derivation than real files do', () => {
  it.each([
    ['PBES2 at 10,000,000 iterations, as in the report', 10_000_000],
    ['PBES2 one iteration over the cap', 100_001],
  ])('signPri.key: %s is refused at once, nothing derived', async (_label, iterations) => {
    const started = Date.now();
    expect(await reasonOf(decryptPrivateKeyFile(withIterationCount(signPri, iterations), PASSWORD))).toBe('excessiveKeyProtection');
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(pbkdf2Calls.started).toBe(0);
  });

  it('signPri.key in KISA’s seedCBCWithSHA1 (PBKDF1 in JavaScript) is capped the same way', async () => {
    const kisa = await encryptPrivateKeyFile(await privateKeyInfoOf(pfx), PASSWORD, { scheme: 'seedCBCWithSHA1' });
    const started = Date.now();
    for (const iterations of [10_000_000, 100_001]) {
      expect(await reasonOf(decryptPrivateKeyFile(withIterationCount(kisa, iterations), PASSWORD))).toBe('excessiveKeyProtection');
    }
    expect(Date.now() - started).toBeLessThan(FAST_MS);
  });

  it('signPri.key at the cap still opens', async () => {
    const atCap = await encryptPrivateKeyFile(await privateKeyInfoOf(pfx), PASSWORD, { iterations: 100_000 });
    expect(await reasonOf(decryptPrivateKeyFile(atCap, PASSWORD))).toBe('opened');
  });

  it('a PFX whose MAC or key bag asks for 10,000,000 iterations is refused before any derivation', async () => {
    const generateKey = jest.spyOn(forge.pkcs12, 'generateKey');
    const pbkdf2 = jest.spyOn(forge.pkcs5, 'pbkdf2');
    const started = Date.now();
    for (const counts of [{ mac: 10_000_000 }, { keyBag: 10_000_000 }]) {
      const thrown = await readPkcs12(pfxWithIterationCounts(pfx, counts), PASSWORD).catch((error: unknown) => error);
      expect(thrown).toMatchObject({ reason: 'excessiveKeyProtection', file: 'pfx' });
    }
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(generateKey).not.toHaveBeenCalled();
    expect(pbkdf2).not.toHaveBeenCalled();
    expect(pbkdf2Calls.started).toBe(0);
  });

  it('a PFX is capped on all its iteration counts together: OpenSSL’s 3 × 33,334 is refused, 3 × 33,333 opens', async () => {
    await expect(readPkcs12(opensslPfx('over.p12', 33_334), PASSWORD)).rejects.toThrow(
      expect.objectContaining({ reason: 'excessiveKeyProtection' }),
    );
    expect((await readPkcs12(opensslPfx('at.p12', 33_333), PASSWORD)).certificate.length).toBeGreaterThan(0);
  });

  it('registration refuses it with that reason, before the customer’s budget or the CPU is touched', async () => {
    const files = { signCert, signPri: withIterationCount(signPri, 10_000_000) };
    const refused = service.unlockForRegistration({ ...actor, files, password: PASSWORD, customerId: 'customer-excessive' });
    expect(await reasonOf(refused)).toBe('excessiveKeyProtection');
    expect(pbkdf2Calls.started).toBe(0);
  });
});

describe('key derivation for registrations', () => {
  it('runs at most two at once in the process, so libuv’s thread pool keeps room for agents’ sign-in', async () => {
    const files = { signCert, signPri: await encryptPrivateKeyFile(await privateKeyInfoOf(pfx), PASSWORD, { iterations: 50_000 }) };
    Object.assign(pbkdf2Calls, { started: 0, running: 0, mostAtOnce: 0 });
    const unlocks = Array.from({ length: 6 }, (_, i) =>
      service.unlockForRegistration({ ...actor, files, password: PASSWORD, customerId: `customer-concurrent-${i}` }),
    );
    const outcomes = await Promise.all(unlocks.map(reasonOf));
    expect(outcomes).toEqual(Array(6).fill('opened'));
    expect(pbkdf2Calls.started).toBe(6);
    expect(pbkdf2Calls.mostAtOnce).toBeLessThanOrEqual(2);
  });

  it('turns away what does not fit in its short queue, saying when to try again, instead of piling work up', async () => {
    const files = { signCert, signPri: await encryptPrivateKeyFile(await privateKeyInfoOf(pfx), PASSWORD, { iterations: 50_000 }) };
    let release = (): void => undefined;
    pbkdf2Gate = new Promise((resolve) => (release = resolve));
    const settled: string[] = [];
    const unlocks = Array.from({ length: 12 }, (_, i) =>
      service
        .unlockForRegistration({ ...actor, files, password: PASSWORD, customerId: `customer-queued-${i}` })
        .then(
          () => 'opened',
          (error: { reason?: string; retryAfterMs?: number }) => `${error.reason} ${error.retryAfterMs}`,
        )
        .then((outcome) => (settled.push(outcome), outcome)),
    );
    // Nothing can finish while the gate is shut, so two run, eight wait and the last two are turned away.
    const refused = await eventually(() => settled.length >= 2 && [...settled], 10_000, 'two unlocks turned away');
    pbkdf2Gate = undefined;
    release();
    const outcomes = await Promise.all(unlocks);
    expect(refused).toEqual([expect.stringMatching(/^busy \d+$/), expect.stringMatching(/^busy \d+$/)]);
    expect(outcomes.filter((outcome) => outcome === 'opened')).toHaveLength(10);
  });

  it.each([
    ['shared by two instances through Redis', true],
    ['kept in memory by one instance without Redis', false],
  ])('keeps each customer within a budget (%s), and says when to try again', async (_label, withRedis) => {
    // A second instance on the same Redis draws on the same budget: it is the customer's, not the process's.
    const another = await createCertificateService({
      caDirectory: join(dir, 'ca'),
      crlUrl: (caId) => `http://127.0.0.1:3978/ca/${caId}.crl`,
      stores: withRedis ? redisCertificateStores(redis, prefix) : memoryCertificateStores(),
    });
    const instances = withRedis ? [service, another] : [another];
    const customerId = `customer-budget-${withRedis}`;
    // KISA's scheme at the cap: PBKDF1 in JavaScript, the dearest file there is.
    const dear = {
      signCert,
      signPri: await encryptPrivateKeyFile(await privateKeyInfoOf(pfx), PASSWORD, { scheme: 'seedCBCWithSHA1', iterations: 100_000 }),
    };
    const attempt = (instance: CertificateService, customerId: string) =>
      instance.unlockForRegistration({ ...actor, files: dear, password: 'wrong#Pass1', customerId }).catch((error: unknown) => error);

    const outcomes: unknown[] = [];
    for (let i = 0; i < 8; i++) outcomes.push(await attempt(instances[i % instances.length]!, customerId));
    const reasons = outcomes.map((error) => (error as { reason?: string }).reason);
    const firstDeferred = reasons.indexOf('budgetSpent');
    expect(firstDeferred).toBeGreaterThan(0);
    expect(reasons.slice(0, firstDeferred)).toEqual(Array(firstDeferred).fill('wrongPassword'));
    expect(reasons.slice(firstDeferred)).toEqual(Array(reasons.length - firstDeferred).fill('budgetSpent'));
    const deferred = outcomes[firstDeferred] as { name: string; retryAfterMs: number };
    expect(deferred.name).toBe('KeyDerivationDeferred');
    expect(deferred.retryAfterMs).toBeGreaterThan(0);
    expect(deferred.retryAfterMs).toBeLessThanOrEqual(10 * 60_000);

    // Another customer is not held back by this one.
    expect(((await attempt(instances[0]!, `${customerId}-other`)) as { reason?: string }).reason).toBe('wrongPassword');
  });
});
