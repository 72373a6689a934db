import { X509Certificate, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCaLedger } from '../../src/certificates/ca/caLedger';
import { BANK_CA_PROFILE, SandboxCa } from '../../src/certificates/ca/sandboxCa';
import { parseDer } from '../../src/certificates/npki/der';
import { OID } from '../../src/certificates/npki/oids';
import { readCertificateStructure } from '../../src/certificates/npki/x509Structure';
import { FileCaKeyProvider } from '../../src/certificates/ca/fileCaKeyProvider';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ca-signer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, … } */
function authorityKeyId(certificateDer: Buffer): string {
  const extension = readCertificateStructure(parseDer(certificateDer)).extensions.get(OID.authorityKeyIdentifier);
  const [keyIdentifier] = parseDer(extension!).value as { value: string }[];
  return Buffer.from(keyIdentifier!.value, 'binary').toString('hex');
}

test("the CA's signer is named by the key id every certificate and CRL it signs carries, and signs with the issuing key", async () => {
  const folder = join(dir, 'bank');
  const ca = await SandboxCa.open({
    profile: BANK_CA_PROFILE,
    folder,
    ledger: new MemoryCaLedger(),
    crlUrl: 'http://127.0.0.1/ca/bank.crl',
  });
  const issued = await ca.issue({ realName: '홍길동', idn: '9001011234567', type: 'personalBanking' });
  const signer = await new FileCaKeyProvider(folder).issuingSigner();

  expect(signer.keyId).toMatch(/^[0-9a-f]{40}$/);
  expect(authorityKeyId(issued.certificate)).toBe(signer.keyId);
  expect((await ca.crl()).includes(Buffer.from(signer.keyId, 'hex'))).toBe(true);
  expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(ca.issuingCertificate.raw));
  const data = Buffer.from('tbs');
  expect(verify('sha256', data, new X509Certificate(signer.certificate).publicKey, await signer.sign(data))).toBe(true);
});

test('a folder with no CA gives no signer (the file provider never makes a CA)', async () => {
  await expect(new FileCaKeyProvider(join(dir, 'none')).issuingSigner()).rejects.toThrow(/no CA/);
});
