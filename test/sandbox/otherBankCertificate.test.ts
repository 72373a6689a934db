import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateService } from '../../src/certificates/certificateService';
import { memoryCertificateStores } from '../../src/stores';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';

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
  const files = readNpkiZip(readFileSync(join(out, 'NPKI.zip')));
  if (!('signCert' in files)) throw new Error('no pair');
  const registered = await service.register({ actor: 'customer', customerId: 'c1', files, password: 'Minji#2026x!', idn: '9505052345678' });
  expect(registered).toMatchObject({ origin: 'registered', status: 'active' });
  await expect(
    service.register({ actor: 'customer', customerId: 'c2', files, password: 'Minji#2026x!', idn: '9001011234567' }),
  ).rejects.toMatchObject({ reason: 'ownerMismatch' });
  const viaPfx = await service.register({
    actor: 'customer',
    customerId: 'c1',
    files: { pfx: readFileSync(join(out, 'certificate.pfx')) },
    password: 'Minji#2026x!',
    idn: '9505052345678',
  });
  expect(viaPfx.fingerprintSha256).toBe(registered.fingerprintSha256);
});
