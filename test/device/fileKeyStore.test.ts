import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../src/chat/fileKeyStore';
import { readPkcs12 } from '../../src/certificates/npki/pkcs12';
import { requestCertificate } from '../../src/device/caClient';
import { generateDeviceKeyPair, newRandomNum } from '../../src/device/deviceKeys';
import { writeIssuedFiles } from '../../src/device/issuedFiles';
import { certificateCore, endpointOf, fetchInProcess, IDN, PASSWORD, registration } from './deviceSupport';

test('the terminal keeps a new certificate as NPKI files, lists it and signs with it', async () => {
  const core = await certificateCore();
  const { endpoint } = endpointOf(core);
  const keyPair = await generateDeviceKeyPair();
  const randomNum = newRandomNum();
  const issued = await requestCertificate({
    endpoint: core.authority.endpoint,
    authorization: await core.authority.register(registration()),
    keyPair,
    randomNum,
    fetch: fetchInProcess(endpoint),
  });
  const files = await writeIssuedFiles({ ...issued, keyPair, randomNum, password: PASSWORD });
  const root = mkdtempSync(join(tmpdir(), 'jca-key-store-'));
  const store = new FileKeyStore(root);
  await store.save(files);

  const folder = join(root, 'NPKI', 'yessign', 'USER', files.subjectDn);
  expect(readFileSync(join(folder, 'signCert.der')).equals(Buffer.from(files.signCert))).toBe(true);
  expect(readFileSync(join(folder, 'signPri.key')).equals(Buffer.from(files.signPri))).toBe(true);
  expect(statSync(join(folder, 'signPri.key')).mode & 0o777).toBe(0o600);
  const pfx = readFileSync(join(root, 'PFX', `${files.subjectDn}.pfx`));
  expect((await readPkcs12(pfx, PASSWORD)).certificate).toEqual(files.signCert);

  const kept = await store.list();
  expect(kept).toEqual([{ id: join('NPKI', 'yessign', 'USER', files.subjectDn), caDirectory: 'yessign', subjectDn: files.subjectDn }]);

  const challenge = randomBytes(32);
  const proof = await store.sign(challenge, { id: kept[0]!.id, password: PASSWORD });
  expect(proof.status).toBe('signed');
  if (proof.status !== 'signed') return;
  const registered = await core.verifyPossession({
    ...proof.proof,
    challenge,
    customerId: 'customer-terminal',
    idn: IDN,
    purpose: 'registration',
    actor: 'customer',
  });
  expect(registered.origin).toBe('registered');
  expect(await store.sign(challenge, { id: kept[0]!.id, password: 'Wrong#2026!' })).toEqual({ status: 'wrongPassword' });
});
