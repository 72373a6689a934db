import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { parseDer } from '../../src/certificates/npki/der';
import { OID } from '../../src/certificates/npki/oids';
import { bareRsaPrivateKeyInfo, buildPrivateKeyInfo, readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { expectCertificateError } from '../support/certificateErrors';

const { asn1 } = forge;

describe('bareRsaPrivateKeyInfo: the key alone, for WebCrypto to import', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });

  test('drops R and keeps the key: version 0, rsaEncryption with NULL, the same RSAPrivateKey', () => {
    const withR = buildPrivateKeyInfo(pkcs8, randomBytes(20));
    expect(readPrivateKeyInfo(withR).randomNum).toHaveLength(20);
    const bare = bareRsaPrivateKeyInfo(withR);
    expect(Buffer.from(bare).equals(pkcs8)).toBe(true);
    const [version, algorithm] = parseDer(bare).value as forge.asn1.Asn1[];
    expect(asn1.derToInteger(version!.value as string)).toBe(0);
    const [oid, parameters] = algorithm!.value as forge.asn1.Asn1[];
    expect([asn1.derToOid(oid!.value as string), parameters!.type]).toEqual([OID.rsaEncryption, asn1.Type.NULL]);
  });

  test('an EC key is not one the device signs with', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });
    await expectCertificateError(() => bareRsaPrivateKeyInfo(ec), 'unsupportedFile', 'privateKey');
  });
});
