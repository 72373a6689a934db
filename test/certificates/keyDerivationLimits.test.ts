import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { OTHER_BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { readPkcs12, writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile, encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { provePossession } from '../../src/device/possessionProof';
import { pfxWithIterationCounts, withIterationCount } from '../support/keyFiles';

/**
 * Opening a key file runs as many key derivations as the file asks for. The readers refuse a file
 * asking for more than real ones do before deriving anything: keys are opened on the customer's
 * device now, so this is what keeps a planted file from freezing the page or the terminal.
 */

/** Native PBKDF2 (WebCrypto's deriveBits), watched: how often it ran. */
const pbkdf2Calls = { started: 0 };
function watchNativePbkdf2(): void {
  const { subtle } = globalThis.crypto;
  const deriveBits = subtle.deriveBits.bind(subtle);
  jest.spyOn(subtle, 'deriveBits').mockImplementation((async (...args: Parameters<typeof deriveBits>) => {
    pbkdf2Calls.started += 1;
    return deriveBits(...args);
  }) as typeof deriveBits);
}
/** The readers hand out Uint8Array; the keys inside, as Buffers, for the writers. */
const privateKeyInfoOf = async (pfx: Uint8Array): Promise<Buffer> => Buffer.from((await readPkcs12(pfx, PASSWORD)).privateKeyInfo);

const PASSWORD = 'Gildong#2026!';
const IDN = '9001011234567';
const dir = mkdtempSync(join(tmpdir(), 'jca-kdf-'));
/** Old code spent about 6 s on a 10,000,000-iteration file; refusing it takes milliseconds. */
const FAST_MS = 2000;

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
  // Another bank's certificate and key, as a customer's device holds them.
  const otherBank = await SandboxCa.open({
    profile: OTHER_BANK_CA_PROFILE,
    folder: join(dir, 'ca'),
    ledger: new MemoryCaLedger(),
    crlUrl: 'http://127.0.0.1/ca/other.crl',
  });
  const issued = await otherBank.issue({ realName: '홍길동', idn: IDN, type: 'personalGeneral' });
  signCert = issued.certificate;
  signPri = await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD);
  pfx = await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, password: PASSWORD });
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=t'],
    { cwd: dir, stdio: 'ignore' },
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  pbkdf2Calls.started = 0;
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

  it('the device proving possession with such files reports them unusable at once, nothing derived', async () => {
    const challenge = randomBytes(32);
    const generateKey = jest.spyOn(forge.pkcs12, 'generateKey');
    const started = Date.now();
    const pair = { signCert, signPri: withIterationCount(signPri, 10_000_000) };
    expect(await provePossession({ files: pair, password: PASSWORD, challenge })).toEqual({
      status: 'unreadable',
      reason: 'excessiveKeyProtection',
      file: 'privateKey',
    });
    const expensivePfx = { pfx: pfxWithIterationCounts(pfx, { mac: 10_000_000 }) };
    expect(await provePossession({ files: expensivePfx, password: PASSWORD, challenge })).toEqual({
      status: 'unreadable',
      reason: 'excessiveKeyProtection',
      file: 'pfx',
    });
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(generateKey).not.toHaveBeenCalled();
    expect(pbkdf2Calls.started).toBe(0);
  });
});
