import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { verifyVirtualId } from '../../src/certificates/npki/virtualId';
import { requestCertificate } from '../../src/device/caClient';
import { generateDeviceKeyPair, newRandomNum } from '../../src/device/deviceKeys';
import { type IssuedFiles, writeIssuedFiles } from '../../src/device/issuedFiles';
import { certificateCore, endpointOf, fetchInProcess, registration } from '../device/deviceSupport';

/**
 * What the customer's device saves must open in the ecosystem's readers. NPKI programs and
 * PyPinkSign read PBES2 with PBKDF2's default PRF only (HMAC-SHA1, no prf field) and SEED-CBC with a
 * 16-byte IV; Korean certificate managers and older Windows import a PFX as the CAs export it (3DES,
 * SHA-1 MAC). The key's profile, openssl pkcs8 and the VID are test/device/deviceIssuance.test.ts's.
 */
const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const PASSWORD = 'Gildong#2026!';
const IDN = '9001011234567';
const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  pbeWithSha1And3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26',
  randomNum: '1.2.410.200004.10.1.1.3',
};
const LEGACY_PROVIDER = ['-provider', 'legacy', '-provider', 'default'];

const dir = mkdtempSync(join(tmpdir(), 'jca-issued-'));
let issued: IssuedFiles;

const parse = (der: Uint8Array | string): Asn1 => asn1.fromDer(typeof der === 'string' ? der : Buffer.from(der).toString('binary'));
function at(node: Asn1, ...path: number[]): Asn1 {
  return path.reduce((current, index) => {
    const next = (current.value as Asn1[])[index];
    if (next === undefined) throw new Error(`no child ${index}`);
    return next;
  }, node);
}
const oidOf = (node: Asn1): string => asn1.derToOid(node.value as string);
const bytesOf = (node: Asn1): Buffer => Buffer.from(node.value as string, 'binary');
const integerOf = (node: Asn1): number => asn1.derToInteger(node.value as string);
const openssl = (args: string[], input?: Buffer): Buffer => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });

beforeAll(async () => {
  // An issuance as the secure page runs it: the bank registers the customer, the device makes the key and R and asks the CA.
  const core = await certificateCore();
  const authorization = await core.authority.register({
    ...registration({ customerId: 'customer-profile', idn: IDN }),
    type: 'personalGeneral' as const,
  });
  const [keyPair, randomNum] = [await generateDeviceKeyPair(), newRandomNum()];
  const fromCa = await requestCertificate({
    endpoint: core.authority.endpoint,
    authorization,
    keyPair,
    randomNum,
    fetch: fetchInProcess(endpointOf(core).endpoint),
  });
  issued = await writeIssuedFiles({ ...fromCa, keyPair, randomNum, password: PASSWORD });
  writeFileSync(join(dir, 'certificate.pfx'), issued.pfx);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the signPri.key the device saved', () => {
  it('opens as PyPinkSign opens it: PBKDF2-HMAC-SHA1 for 16 bytes, SEED-CBC with the IV, and holds R for the VID', async () => {
    const root = parse(issued.signPri);
    const salt = bytesOf(at(root, 0, 1, 0, 1, 0));
    const iterations = integerOf(at(root, 0, 1, 0, 1, 1));
    const iv = bytesOf(at(root, 0, 1, 1, 1));
    const kdfOptions = ['digest:SHA1', `pass:${PASSWORD}`, `hexsalt:${salt.toString('hex')}`, `iter:${iterations}`].flatMap((option) => [
      '-kdfopt',
      option,
    ]);
    const key = openssl(['kdf', '-binary', '-keylen', '16', ...kdfOptions, 'PBKDF2']);
    const privateKeyInfo = openssl(
      ['enc', '-d', '-seed-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex'), ...LEGACY_PROVIDER],
      bytesOf(at(root, 1)),
    );
    const { randomNum } = readPrivateKeyInfo(privateKeyInfo);
    expect(randomNum).toBeDefined();
    expect(await verifyVirtualId(issued.signCert, IDN, randomNum!)).toBe(true);
  });
});

describe('the PFX the device saved', () => {
  it('is written as CAs export it: 3DES key bag and certificates, SHA-1 MAC, 2048 iterations each', () => {
    const pfx = parse(issued.pfx);
    expect(integerOf(at(pfx, 0))).toBe(3);
    const macData = at(pfx, 2);
    expect(oidOf(at(macData, 0, 0, 0))).toBe(OID.sha1);
    expect(bytesOf(at(macData, 0, 1))).toHaveLength(20);
    expect(integerOf(at(macData, 2))).toBe(2048);

    const contentInfos = parse(bytesOf(at(pfx, 1, 1, 0)));
    const [certificates, keys] = [at(contentInfos, 0), at(contentInfos, 1)];
    expect(oidOf(at(certificates, 0))).toBe(OID.encryptedData);
    const certificateEncryption = at(certificates, 1, 0, 1, 1);
    expect(oidOf(at(certificateEncryption, 0))).toBe(OID.pbeWithSha1And3KeyTripleDesCbc);
    expect(integerOf(at(certificateEncryption, 1, 1))).toBe(2048);

    expect(oidOf(at(keys, 0))).toBe(OID.data);
    const keyBag = at(parse(bytesOf(at(keys, 1, 0))), 0);
    expect(oidOf(at(keyBag, 0))).toBe(OID.pkcs8ShroudedKeyBag);
    const keyEncryption = at(keyBag, 1, 0, 0);
    expect(oidOf(at(keyEncryption, 0))).toBe(OID.pbeWithSha1And3KeyTripleDesCbc);
    expect(bytesOf(at(keyEncryption, 1, 0))).toHaveLength(8);
    expect(integerOf(at(keyEncryption, 1, 1))).toBe(2048);
  });

  it('opens with openssl pkcs12 (no -legacy needed), with the chain and R among the key’s attributes', () => {
    const run = spawnSync('openssl', ['pkcs12', '-in', join(dir, 'certificate.pfx'), '-passin', `pass:${PASSWORD}`, '-info', '-nodes'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const info = run.stdout + run.stderr;
    expect(info).toContain('MAC: sha1, Iteration 2048');
    expect(info).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(info).toContain('PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(info).toContain(`${OID.randomNum}: `);
    expect(info).toContain('-----BEGIN PRIVATE KEY-----');
    expect(info.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    const wrong = spawnSync('openssl', ['pkcs12', '-in', join(dir, 'certificate.pfx'), '-passin', 'pass:wrong', '-noout'], {
      encoding: 'utf8',
    });
    expect(wrong.status).not.toBe(0);
  });
});
