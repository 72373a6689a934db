import { createCipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { CertificateService } from '../../src/certificates/certificateService';
import { bytesFromBinaryString, utf8Bytes } from '../../src/certificates/npki/bytes';
import { algorithmIdentifier, integer, octetString, toDer } from '../../src/certificates/npki/der';
import { writeNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { OID } from '../../src/certificates/npki/oids';
import { pbkdf1Sha1 } from '../../src/certificates/npki/pbkdf1';
import { writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { encryptedPrivateKeyInfo, encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { seedCbcEncrypt } from '../../src/certificates/npki/seed';
import { type CertificateFilesOnDevice, type PossessionResult, provePossession } from '../../src/device/possessionProof';
import { FIXTURE_IDN, FIXTURE_PASSWORD, fixture } from '../support/opensslFixtures';
import { certificateCore, IDN, PASSWORD, REAL_NAME } from './deviceSupport';

const CHALLENGE = randomBytes(32);
const actor = { actor: 'customer', conversationId: 'conversation-proof' };
let core: CertificateService;

beforeAll(async () => {
  core = await certificateCore();
});

/** Another bank's certificate (the sandbox's "other bank" CA) and its key, R inside. */
async function otherBank(idn = IDN) {
  return core.otherBankCa.issue({ realName: REAL_NAME, idn, type: 'personalGeneral' });
}

/** KISA's old top-level seedCBC: PBKDF1-SHA1 key, the fixed IV. */
async function legacySeedCbcFile(privateKeyInfo: Uint8Array): Promise<Uint8Array> {
  const salt = randomBytes(8);
  const key = (await pbkdf1Sha1(utf8Bytes(PASSWORD), salt, 2048)).subarray(0, 16);
  const encrypted = seedCbcEncrypt(key, bytesFromBinaryString('0123456789012345'), privateKeyInfo);
  return toDer(encryptedPrivateKeyInfo(algorithmIdentifier(OID.seedCbc, [octetString(salt), integer(2048)]), encrypted));
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256 or 3DES, written by Node's OpenSSL: what some programs export. */
function pbes2File(privateKeyInfo: Uint8Array, cipher: 'aes-256-cbc' | 'des-ede3-cbc'): Uint8Array {
  const [oid, keyBytes, ivBytes] = cipher === 'aes-256-cbc' ? [OID.aes256Cbc, 32, 16] : [OID.desEde3Cbc, 24, 8];
  const [salt, iv] = [randomBytes(8), randomBytes(ivBytes)];
  const key = pbkdf2Sync(PASSWORD, salt, 2048, keyBytes, 'sha256');
  const encryptor = createCipheriv(cipher, key, iv);
  const ciphertext = Buffer.concat([encryptor.update(privateKeyInfo), encryptor.final()]);
  return toDer(
    encryptedPrivateKeyInfo(
      algorithmIdentifier(OID.pbes2, [
        algorithmIdentifier(OID.pbkdf2, [octetString(salt), integer(2048), algorithmIdentifier(OID.hmacWithSha256, null)]),
        algorithmIdentifier(oid, octetString(iv)),
      ]),
      ciphertext,
    ),
  );
}

function signed(result: PossessionResult) {
  if (result.status !== 'signed') throw new Error(`expected a signed proof, got ${result.status}`);
  return result.proof;
}

describe('registration: the files open on the device, their key signs the challenge, the server registers the certificate', () => {
  const schemes: [string, () => Promise<{ files: CertificateFilesOnDevice; idn: string; password: string }>][] = [
    [
      'signPri.key in KISA’s seedCBCWithSHA1 (1.15)',
      async () => {
        const issued = await otherBank();
        const signPri = await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD, { scheme: 'seedCBCWithSHA1' });
        return { files: { signCert: issued.certificate, signPri }, idn: IDN, password: PASSWORD };
      },
    ],
    [
      'signPri.key in the old top-level seedCBC',
      async () => {
        const issued = await otherBank();
        return {
          files: { signCert: issued.certificate, signPri: await legacySeedCbcFile(issued.privateKeyInfo) },
          idn: IDN,
          password: PASSWORD,
        };
      },
    ],
    [
      'signPri.key in PBES2 with SEED, made by the openssl CLI (PBKDF2-HMAC-SHA256)',
      async () => ({
        files: { signCert: fixture('personal.signCert.der'), signPri: fixture('personal.signPri.key') },
        idn: FIXTURE_IDN,
        password: FIXTURE_PASSWORD,
      }),
    ],
    [
      'signPri.key in PBES2 with AES-256',
      async () => {
        const issued = await otherBank();
        return {
          files: { signCert: issued.certificate, signPri: pbes2File(issued.privateKeyInfo, 'aes-256-cbc') },
          idn: IDN,
          password: PASSWORD,
        };
      },
    ],
    [
      'signPri.key in PBES2 with 3DES',
      async () => {
        const issued = await otherBank();
        return {
          files: { signCert: issued.certificate, signPri: pbes2File(issued.privateKeyInfo, 'des-ede3-cbc') },
          idn: IDN,
          password: PASSWORD,
        };
      },
    ],
    [
      'a PFX exported as the CAs do (R in the key bag)',
      async () => {
        const issued = await otherBank();
        const pfx = await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, password: PASSWORD });
        return { files: { pfx }, idn: IDN, password: PASSWORD };
      },
    ],
    [
      'an NPKI folder, zipped',
      async () => {
        const issued = await otherBank();
        const signPri = await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD);
        const zip = writeNpkiZip({
          caDirectory: 'KICA',
          subjectDn: 'cn=홍길동()0081,ou=OTHERBANK,ou=personal4IB,o=KICA,c=KR',
          signCert: issued.certificate,
          signPri,
        });
        return { files: { zip }, idn: IDN, password: PASSWORD };
      },
    ],
  ];

  test.each(schemes)('%s', async (_name, make) => {
    const { files, idn, password } = await make();
    const customerId = `customer-${randomBytes(4).toString('hex')}`;
    const proof = signed(await provePossession({ files, password, challenge: CHALLENGE }));
    const registered = await core.verifyPossession({ ...proof, ...actor, challenge: CHALLENGE, customerId, idn, purpose: 'registration' });
    expect(registered).toMatchObject({ customerId, origin: 'registered', status: 'active' });
    expect(await core.list(customerId)).toEqual([registered]);
  });
});

describe('what the device reports instead of a proof', () => {
  test('a wrong password is its own result, for the server to count', async () => {
    const files = { signCert: fixture('personal.signCert.der'), signPri: fixture('personal.signPri.key') };
    expect(await provePossession({ files, password: 'Wrong#Password1', challenge: CHALLENGE })).toEqual({ status: 'wrongPassword' });
    expect(await provePossession({ files: { pfx: fixture('personal.p12') }, password: 'Wrong#Password1', challenge: CHALLENGE })).toEqual({
      status: 'wrongPassword',
    });
  });

  test('another certificate’s key, and files that are no certificate, say which', async () => {
    const mixed = { signCert: fixture('personal.signCert.der'), signPri: fixture('corporate.signPri.key') };
    expect(await provePossession({ files: mixed, password: FIXTURE_PASSWORD, challenge: CHALLENGE })).toEqual({
      status: 'unreadable',
      reason: 'keyMismatch',
      file: 'privateKey',
    });
    const swapped = { signCert: fixture('personal.signPri.key'), signPri: fixture('personal.signCert.der') };
    expect(await provePossession({ files: swapped, password: FIXTURE_PASSWORD, challenge: CHALLENGE })).toMatchObject({
      status: 'unreadable',
      file: 'certificate',
    });
  });

  test('a PFX made by openssl keeps no R: signed, but noRandom, and the server says so rather than "not yours"', async () => {
    const result = await provePossession({ files: { pfx: fixture('personal.p12') }, password: FIXTURE_PASSWORD, challenge: CHALLENGE });
    expect(result.status).toBe('noRandom');
    const proof = (result as Extract<PossessionResult, { status: 'noRandom' }>).proof;
    expect(proof.randomNum).toBeUndefined();
    const attempt = core.verifyPossession({
      ...proof,
      ...actor,
      challenge: CHALLENGE,
      customerId: 'customer-pfx',
      idn: FIXTURE_IDN,
      purpose: 'registration',
    });
    await expect(attempt).rejects.toMatchObject({ reason: 'noRandom' });
    expect(await core['audit'].recent(1)).toEqual([
      expect.objectContaining({ action: 'register', outcome: 'failure', reason: 'noRandom' }),
    ]);
  });
});

describe('the server refuses a proof with today’s reasons, each audited', () => {
  async function proofOf(prefix: string) {
    const files = { signCert: fixture(`${prefix}.signCert.der`), signPri: fixture(`${prefix}.signPri.key`) };
    return signed(await provePossession({ files, password: FIXTURE_PASSWORD, challenge: CHALLENGE }));
  }

  async function reasonOf({
    prefix = 'personal',
    ...check
  }: Partial<Parameters<CertificateService['verifyPossession']>[0]> & { prefix?: string }) {
    const proof = await proofOf(prefix);
    const attempt = core.verifyPossession({
      ...proof,
      ...actor,
      challenge: CHALLENGE,
      customerId: 'customer-refused',
      idn: FIXTURE_IDN,
      purpose: 'registration',
      ...check,
    });
    const reason = await attempt.then(
      () => 'accepted',
      (error: { reason?: string }) => error.reason,
    );
    const [audited] = await core['audit'].recent(1);
    expect(audited).toMatchObject({ outcome: 'failure', reason });
    return reason;
  }

  test.each<[string, Parameters<typeof reasonOf>[0], string]>([
    ['a signature over another challenge', { challenge: randomBytes(32) }, 'keyMismatch'],
    ['someone else’s certificate (the VID is another 주민등록번호’s)', { idn: '8505052345678' }, 'ownerMismatch'],
    ['an R that is not the key’s', { randomNum: randomBytes(20) }, 'ownerMismatch'],
    ['a corporate certificate', { prefix: 'corporate' }, 'notPersonal'],
    ['a revoked certificate', { prefix: 'revoked' }, 'revoked'],
    ['an expired certificate', { now: new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000) }, 'expired'],
    ['a policy nobody knows', { prefix: 'unknownpolicy' }, 'unsupportedFile'],
  ])('%s', async (_name, check, reason) => {
    expect(await reasonOf(check)).toBe(reason);
  });

  test('a certificate no trusted root vouches for', async () => {
    const attempt = core.verifyPossession({
      certificate: fixture('stranger.signCert.der'),
      signature: randomBytes(256),
      challenge: CHALLENGE,
      ...actor,
      customerId: 'customer-refused',
      idn: FIXTURE_IDN,
      purpose: 'registration',
    });
    await expect(attempt).rejects.toMatchObject({ reason: 'untrustedChain' });
  });
});

describe('renewal: possession of a certificate this bank issued, close to its expiry', () => {
  const DAY = 24 * 3600 * 1000;

  /** The proof the device makes from the files, and the rest of the request a customer's step adds. */
  async function requestFor(certificate: Uint8Array, privateKeyInfo: Uint8Array) {
    const files = { signCert: certificate, signPri: await encryptPrivateKeyFile(privateKeyInfo, PASSWORD) };
    return {
      ...signed(await provePossession({ files, password: PASSWORD, challenge: CHALLENGE })),
      ...actor,
      challenge: CHALLENGE,
      idn: IDN,
    };
  }

  test('the key of the customer’s certificate proves it; one not on record for them, or another bank’s they registered here, does not', async () => {
    const { signed: issued } = await core.issueRecorded({ actor: 'system', customerId: 'customer-renewing' }, () =>
      core.bankCa.issue({ realName: REAL_NAME, idn: IDN, type: 'personalBanking', notAfter: new Date(Date.now() + 20 * DAY) }),
    );
    const request = await requestFor(issued.certificate, issued.privateKeyInfo);
    await expect(core.verifyPossession({ ...request, customerId: 'customer-renewing', purpose: 'renewal' })).resolves.toMatchObject({
      origin: 'issued',
      serialNumber: issued.serialNumber,
    });
    await expect(core.verifyPossession({ ...request, customerId: 'customer-other', purpose: 'renewal' })).rejects.toMatchObject({
      reason: 'ownerMismatch',
    });
    expect(await core['audit'].recent(1)).toEqual([
      expect.objectContaining({ action: 'renew', outcome: 'failure', reason: 'ownerMismatch' }),
    ]);

    // Renewed where it was issued, not here.
    const other = await otherBank();
    const registering = await requestFor(other.certificate, other.privateKeyInfo);
    await core.verifyPossession({ ...registering, customerId: 'customer-renewing', purpose: 'registration' });
    await expect(core.verifyPossession({ ...registering, customerId: 'customer-renewing', purpose: 'renewal' })).rejects.toMatchObject({
      reason: 'ownerMismatch',
    });
  });
});
