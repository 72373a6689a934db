import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateService } from '../../src/certificates/certificateService';
import { type CertificateFilesOnDevice, provePossession } from '../../src/device/possessionProof';
import { memoryCertificateStores } from '../../src/stores';

test('the "other bank" command makes files that the bot, sharing CA_DIR, registers for the right person only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jca-other-bank-'));
  const caDirectory = join(dir, 'ca');
  const out = join(dir, 'out');
  const printed = execFileSync(
    process.execPath,
    [
      join(__dirname, '..', '..', 'dist', 'src', 'sandbox', 'otherBankCertificate.js'),
      '--name',
      '김민지',
      '--rrn',
      '950505-2345678',
      '--password',
      'Minji#2026x!',
      '--out',
      out,
    ],
    { env: { PATH: process.env.PATH ?? '', CA_DIR: caDirectory }, encoding: 'utf8' },
  );
  expect(printed).toContain('950505-2******');
  expect(printed).not.toContain('2345678');

  const service = await createCertificateService({ caDirectory, crlUrl: () => 'http://127.0.0.1/crl', stores: memoryCertificateStores() });
  const challenge = randomBytes(32);
  // The customer's device opens the files with the password and signs the bot's challenge; the bot checks the rest.
  const register = async (files: CertificateFilesOnDevice, customerId: string, idn: string) => {
    const result = await provePossession({ files, password: 'Minji#2026x!', challenge });
    if (result.status !== 'signed') throw new Error(`expected a signed proof, got ${result.status}`);
    return service.verifyPossession({ ...result.proof, challenge, actor: 'customer', customerId, idn, purpose: 'registration' });
  };
  const zip = { zip: readFileSync(join(out, 'NPKI.zip')) };
  const registered = await register(zip, 'c1', '9505052345678');
  expect(registered).toMatchObject({ origin: 'registered', status: 'active' });
  await expect(register(zip, 'c2', '9001011234567')).rejects.toMatchObject({ reason: 'ownerMismatch' });
  const viaPfx = await register({ pfx: readFileSync(join(out, 'certificate.pfx')) }, 'c1', '9505052345678');
  expect(viaPfx.fingerprintSha256).toBe(registered.fingerprintSha256);
});
