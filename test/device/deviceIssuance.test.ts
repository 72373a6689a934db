import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { MemoryCaRegistrations } from '../../src/certificates/ca/caRegistrations';
import { IssuanceEndpoint } from '../../src/certificates/ca/issuanceEndpoint';
import type { CertificateService } from '../../src/certificates/certificateService';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { algorithmIdentifier, bitString, contextSpecific, integer, parseDer, seq, toDer } from '../../src/certificates/npki/der';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { OID } from '../../src/certificates/npki/oids';
import { readPkcs12 } from '../../src/certificates/npki/pkcs12';
import { decryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { readIdentifyData, verifyVirtualId } from '../../src/certificates/npki/virtualId';
import { CaRefusal, requestCertificate } from '../../src/device/caClient';
import { buildCertificationRequest } from '../../src/device/certificationRequest';
import { generateDeviceKeyPair, newRandomNum, publicKeyInfo } from '../../src/device/deviceKeys';
import { issuanceMac, issuanceMacKey } from '../../src/device/issuanceProtocol';
import { writeIssuedFiles } from '../../src/device/issuedFiles';
import { memoryCertificateStores } from '../../src/stores';
import { opensslDecryptsKey } from '../support/opensslFixtures';
import { certificateCore, CUSTOMER_ID, endpointOf, fetchInProcess, IDN, PASSWORD, REAL_NAME, registration } from './deviceSupport';

const { asn1 } = forge;
const dir = mkdtempSync(join(tmpdir(), 'jca-device-issuance-'));
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
let now = Date.now();
let core: CertificateService;
let endpoint: IssuanceEndpoint;
let notices: ReturnType<typeof endpointOf>['notices'];

beforeAll(async () => {
  // The registrations on a clock of the test's, to let one expire.
  core = await certificateCore({ ...memoryCertificateStores(), caRegistrations: new MemoryCaRegistrations(() => now) });
  ({ endpoint, notices } = endpointOf(core));
});

/** The device's side of an issuance: key pair and R made here, the request sent with the bank's authorisation. */
async function issueOnDevice(authorization: { referenceNumber: string; authCode: string }) {
  const keyPair = await generateDeviceKeyPair();
  const randomNum = newRandomNum();
  const issued = await requestCertificate({
    endpoint: core.authority.endpoint,
    authorization,
    keyPair,
    randomNum,
    fetch: fetchInProcess(endpoint),
  });
  return { keyPair, randomNum, ...issued };
}

async function lastAudit() {
  const [record] = await core['audit'].recent(1);
  return record;
}

describe('a whole issuance with the key made on the device', () => {
  let files: Awaited<ReturnType<typeof writeIssuedFiles>>;
  let randomNum: Uint8Array;
  let referenceNumber: string;

  beforeAll(async () => {
    const authorization = await core.authority.register(registration());
    referenceNumber = authorization.referenceNumber;
    const issued = await issueOnDevice(authorization);
    randomNum = issued.randomNum;
    files = await writeIssuedFiles({ ...issued, password: PASSWORD });
  });

  test('the request the device sends is a PKCS#10 openssl verifies', async () => {
    writeFileSync(join(dir, 'request.der'), await buildCertificationRequest(await generateDeviceKeyPair()));
    // openssl says so on stderr, and fails on a bad self-signature.
    const verified = spawnSync('openssl', ['req', '-inform', 'DER', '-in', join(dir, 'request.der'), '-verify', '-noout'], {
      encoding: 'utf8',
    });
    expect([verified.status, verified.stderr.trim()]).toEqual([0, 'Certificate request self-signature verify OK']);
  });

  test('the certificate passes openssl against the sandbox chain, with the NPKI profile and the registered name', async () => {
    writeFileSync(join(dir, 'signCert.der'), files.signCert);
    writeFileSync(join(dir, 'root.pem'), core.bankCa.rootCertificate.toString());
    writeFileSync(join(dir, 'issuing.pem'), core.bankCa.issuingCertificate.toString());
    const pem = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'signCert.der')], { encoding: 'utf8' });
    writeFileSync(join(dir, 'signCert.pem'), pem);
    const verified = execFileSync(
      'openssl',
      ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), join(dir, 'signCert.pem')],
      { encoding: 'utf8' },
    );
    expect(verified.trim()).toBe(`${join(dir, 'signCert.pem')}: OK`);

    const summary = await inspectCertificate(files.signCert);
    expect(summary).toMatchObject({ realName: REAL_NAME, policy: { ca: 'yessign', kind: 'personalBanking', holder: 'personal' } });
    expect(summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(files).toMatchObject({ caDirectory: 'yessign', subjectDn: summary.subjectDn });
  });

  test('the VID is the registered 주민등록번호’s with the device’s R, which the key file keeps', async () => {
    expect(readIdentifyData(files.signCert)?.realName).toBe(REAL_NAME);
    expect(await verifyVirtualId(files.signCert, IDN, randomNum)).toBe(true);
    expect(await verifyVirtualId(files.signCert, '8505052345678', randomNum)).toBe(false);
    const { randomNum: kept } = readPrivateKeyInfo(await decryptPrivateKeyFile(files.signPri, PASSWORD));
    expect(Buffer.from(kept!).equals(Buffer.from(randomNum))).toBe(true);
  });

  test('signPri.key: PBES2, PBKDF2 with no PRF field (HMAC-SHA1), 2048 iterations, SEED-CBC with a 16-byte IV; openssl decrypts it', () => {
    const [algorithm] = parseDer(files.signPri).value as forge.asn1.Asn1[];
    const [pbes2, parameters] = algorithm!.value as forge.asn1.Asn1[];
    expect(asn1.derToOid(pbes2!.value as string)).toBe(OID.pbes2);
    const [kdf, cipher] = parameters!.value as forge.asn1.Asn1[];
    const [kdfOid, kdfParameters] = kdf!.value as forge.asn1.Asn1[];
    expect(asn1.derToOid(kdfOid!.value as string)).toBe(OID.pbkdf2);
    const kdfFields = kdfParameters!.value as forge.asn1.Asn1[];
    expect(kdfFields).toHaveLength(2); // salt and iteration count: no keyLength, no prf
    expect((kdfFields[0]!.value as string).length).toBe(8);
    expect(asn1.derToInteger(kdfFields[1]!.value as string)).toBe(2048);
    const [cipherOid, iv] = cipher!.value as forge.asn1.Asn1[];
    expect(asn1.derToOid(cipherOid!.value as string)).toBe(OID.seedCbc);
    expect((iv!.value as string).length).toBe(16);

    writeFileSync(join(dir, 'signPri.key'), files.signPri);
    const key = opensslDecryptsKey(join(dir, 'signPri.key'), PASSWORD);
    const modulus = (args: string[], input: string) => execFileSync('openssl', args, { input, encoding: 'utf8' }).trim();
    expect(modulus(['rsa', '-noout', '-modulus'], key)).toBe(
      modulus(
        ['x509', '-noout', '-modulus'],
        execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'signCert.der')], { encoding: 'utf8' }),
      ),
    );
  });

  test('the PFX keeps R and opens in openssl; the zip has the NPKI folder', async () => {
    const pfx = await readPkcs12(files.pfx, PASSWORD);
    expect(Buffer.from(pfx.certificate).equals(Buffer.from(files.signCert))).toBe(true);
    expect(pfx.chain.map(b64)).toEqual([core.bankCa.issuingCertificate.raw.toString('base64')]);
    expect(b64(readPrivateKeyInfo(pfx.privateKeyInfo).randomNum!)).toBe(b64(randomNum));
    writeFileSync(join(dir, 'cert.pfx'), files.pfx);
    expect(
      execFileSync('openssl', ['pkcs12', '-in', join(dir, 'cert.pfx'), '-passin', `pass:${PASSWORD}`, '-nodes'], { encoding: 'utf8' }),
    ).toContain('BEGIN PRIVATE KEY');
    expect(readNpkiZip(files.npkiZip)).toEqual({ signCert: files.signCert, signPri: files.signPri });
  });

  test('the RA is told what was issued, never R; it is registered, audited and journaled until the device saves it', async () => {
    const summary = await inspectCertificate(files.signCert);
    const notice = notices.find((n) => n.referenceNumber === referenceNumber);
    expect(notice).toMatchObject({ customerId: CUSTOMER_ID, serialNumber: summary.serialNumber, notAfter: summary.notAfter });
    expect(Object.keys(notice!).sort()).toEqual(['certificate', 'customerId', 'notAfter', 'notBefore', 'referenceNumber', 'serialNumber']);
    expect(await core.list(CUSTOMER_ID)).toEqual([expect.objectContaining({ origin: 'issued', serialNumber: summary.serialNumber })]);
    expect(await core['audit'].recent(10)).toContainEqual(
      expect.objectContaining({ action: 'issue', outcome: 'success', customerId: CUSTOMER_ID, serialNumber: summary.serialNumber }),
    );
    const journaled = await core.issuances.find(referenceNumber);
    expect(journaled).toMatchObject({ serialNumber: summary.serialNumber });
    expect(journaled?.outcome).toBeUndefined();
    expect(await core.confirmDelivery(referenceNumber, 'ffff')).toBe(false);
    expect(await core.confirmDelivery(referenceNumber, summary.serialNumber)).toBe(true);
    expect(await core.issuances.find(referenceNumber)).toMatchObject({ outcome: 'delivered' });
  });

  test('two requests racing on one registration: one certificate, one refusal', async () => {
    const authorization = await core.authority.register(registration({ customerId: 'customer-race' }));
    const outcomes = await Promise.allSettled([issueOnDevice(authorization), issueOnDevice(authorization)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: new CaRefusal(400, 'usedReference') });
    expect(await core.list('customer-race')).toHaveLength(1);
  });

  test('the same reference again is refused as used, and audited', async () => {
    const attempt = issueOnDevice({ referenceNumber, authCode: 'irrelevant' });
    await expect(attempt).rejects.toEqual(new CaRefusal(400, 'usedReference'));
    expect(await lastAudit()).toMatchObject({ action: 'issue', outcome: 'failure', reason: 'usedReference' });
  });
});

describe('tampered requests are refused, each with its reason and an audit entry', () => {
  /** A request as the device builds it, with parts replaced. */
  async function request(
    authorization: { referenceNumber: string; authCode: string },
    parts: { certificationRequest?: Uint8Array; encryptedRandom?: Uint8Array; macCode?: string } = {},
  ) {
    const keyPair = await generateDeviceKeyPair();
    const fields = {
      referenceNumber: authorization.referenceNumber,
      certificationRequest: b64(parts.certificationRequest ?? (await buildCertificationRequest(keyPair))),
      encryptedRandom: b64(parts.encryptedRandom ?? randomBytes(256)),
    };
    const macKey = await issuanceMacKey(parts.macCode ?? authorization.authCode, authorization.referenceNumber);
    return { ...fields, mac: b64(await issuanceMac(macKey, fields)) };
  }

  async function refusal(body: unknown): Promise<string | undefined> {
    const result = await endpoint.handle(body);
    return result.status === 'refused' ? result.reason : undefined;
  }

  test('a MAC under another code: refused, and the registration stays for the one holding the code', async () => {
    const authorization = await core.authority.register(registration({ customerId: 'customer-mac' }));
    await expect(issueOnDevice({ ...authorization, authCode: 'guessed-code' })).rejects.toEqual(new CaRefusal(400, 'badMac'));
    expect(await lastAudit()).toMatchObject({ outcome: 'failure', reason: 'badMac', customerId: 'customer-mac' });
    await expect(issueOnDevice(authorization)).resolves.toHaveProperty('certificate');
  });

  test('a request whose key is not the one that signed it', async () => {
    const authorization = await core.authority.register(registration({ customerId: 'customer-pop' }));
    const [signer, claimed] = [await generateDeviceKeyPair(), await generateDeviceKeyPair()];
    const genuine = await buildCertificationRequest(signer);
    const [info] = parseDer(genuine).value as forge.asn1.Asn1[];
    (info!.value as forge.asn1.Asn1[])[2] = parseDer(await publicKeyInfo(claimed));
    const forged = toDer(seq([info!, algorithmIdentifier(OID.sha256WithRsa, null), bitString(bitsOf(genuine))]));
    expect(await refusal(await request(authorization, { certificationRequest: forged }))).toBe('badProofOfPossession');
    expect(await lastAudit()).toMatchObject({ reason: 'badProofOfPossession', customerId: 'customer-pop' });
  });

  test('a request signed over other content, or one that is no request at all', async () => {
    const authorization = await core.authority.register(registration({ customerId: 'customer-csr' }));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const info = toDer(seq([integer(0), seq([]), parseDer(publicKey.export({ type: 'spki', format: 'der' })), contextSpecific(0, [])]));
    const otherContent = sign(
      'sha256',
      Buffer.from('something else'),
      createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    );
    const signedOther = toDer(seq([parseDer(info), algorithmIdentifier(OID.sha256WithRsa, null), bitString(otherContent)]));
    expect(await refusal(await request(authorization, { certificationRequest: signedOther }))).toBe('badProofOfPossession');
    expect(await refusal(await request(authorization, { certificationRequest: randomBytes(300) }))).toBe('badCertificationRequest');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const smallInfo = toDer(
      seq([integer(0), seq([]), parseDer(small.publicKey.export({ type: 'spki', format: 'der' })), contextSpecific(0, [])]),
    );
    const smallRequest = toDer(
      seq([parseDer(smallInfo), algorithmIdentifier(OID.sha256WithRsa, null), bitString(sign('sha256', smallInfo, small.privateKey))]),
    );
    expect(await refusal(await request(authorization, { certificationRequest: smallRequest }))).toBe('badCertificationRequest');
  });

  test('R that does not decrypt with the CA’s key', async () => {
    const authorization = await core.authority.register(registration({ customerId: 'customer-r' }));
    expect(await refusal(await request(authorization, { encryptedRandom: randomBytes(256) }))).toBe('badRandom');
    expect(await lastAudit()).toMatchObject({ reason: 'badRandom', customerId: 'customer-r' });
  });

  test('an expired reference, an unknown one, a malformed body', async () => {
    const authorization = await core.authority.register(registration({ customerId: 'customer-late' }));
    now += 11 * 60_000;
    try {
      await expect(issueOnDevice(authorization)).rejects.toEqual(new CaRefusal(400, 'expiredReference'));
      expect(await lastAudit()).toMatchObject({ reason: 'expiredReference' });
    } finally {
      now = Date.now();
    }
    const unknown = { referenceNumber: 'ab'.repeat(16), authCode: 'x' };
    expect(await refusal(await request(unknown))).toBe('unknownReference');
    expect(await refusal({ referenceNumber: '../../etc', certificationRequest: 'AA==', encryptedRandom: 'AA==', mac: 'AA==' })).toBe(
      'malformedRequest',
    );
    expect(await refusal({ ...(await request(authorization)), extra: 'field' })).toBe('malformedRequest');
    expect(await lastAudit()).toMatchObject({ action: 'issue', outcome: 'failure', reason: 'malformedRequest' });
  });

  test('nothing is issued for any of them', async () => {
    const customers = ['customer-pop', 'customer-csr', 'customer-r', 'customer-late'];
    for (const customerId of customers) expect(await core.list(customerId)).toEqual([]);
  });
});

/** The signature bytes of a request (its BIT STRING without the unused-bits byte). */
function bitsOf(certificationRequest: Uint8Array): Uint8Array {
  const [, , signature] = parseDer(certificationRequest).value as forge.asn1.Asn1[];
  return Buffer.from((signature!.value as string).slice(1), 'binary');
}
