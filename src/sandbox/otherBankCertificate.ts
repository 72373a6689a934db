import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCertificateService } from '../certificates/certificateService';
import { memoryCertificateStores } from '../stores';
import { writeNpkiZip, npkiFolderPath } from '../certificates/npki/npkiBundle';
import { writePkcs12 } from '../certificates/npki/pkcs12';
import { encryptPrivateKeyFile } from '../certificates/npki/privateKeyFile';
import { loadConfig } from '../config/config';
import { parseResidentRegistrationNumber } from '../identity/residentRegistrationNumber';

/**
 * npm run sandbox:other-bank-cert -- --name 홍길동 --rrn 900101-1234567 --password 'Pass#2026word'
 *
 * Makes a certificate from the sandbox's second CA, which plays "another bank", so that a new
 * user has something to register. The bot trusts that CA because it shares CA_DIR.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      rrn: { type: 'string' },
      password: { type: 'string' },
      type: { type: 'string', default: 'personalGeneral' },
      out: { type: 'string', default: 'other-bank-certificate' },
    },
  });
  const rrn = parseResidentRegistrationNumber(values.rrn ?? '', new Date());
  if (values.name === undefined || !rrn.ok || values.password === undefined) {
    throw new Error(
      'usage: npm run sandbox:other-bank-cert -- --name 홍길동 --rrn 900101-1234567 --password "Pass#2026word" [--type personalBanking|personalGeneral] [--out folder]',
    );
  }
  if (values.type !== 'personalBanking' && values.type !== 'personalGeneral')
    throw new Error('--type must be personalBanking or personalGeneral');
  const config = loadConfig(process.env);
  const service = await createCertificateService({
    caDirectory: config.certificates.caDirectory,
    crlUrl: (caId) => `${config.publicBaseUrl}/ca/${caId}.crl`,
    stores: memoryCertificateStores(),
  });
  const ca = service.otherBankCa;
  const issued = await ca.issue({ realName: values.name, idn: rrn.value.revealDigits(), type: values.type });
  const signPri = await encryptPrivateKeyFile(issued.privateKeyInfo, values.password);
  const out = resolve(values.out);
  const folder = join(out, npkiFolderPath(ca.profile.caDirectory, issued.subjectDn));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'signCert.der'), issued.certificate);
  writeFileSync(join(folder, 'signPri.key'), signPri, { mode: 0o600 });
  writeFileSync(
    join(out, 'NPKI.zip'),
    writeNpkiZip({ caDirectory: ca.profile.caDirectory, subjectDn: issued.subjectDn, signCert: issued.certificate, signPri }),
  );
  const { certificate, privateKeyInfo } = issued;
  const pfx = await writePkcs12({ certificate, privateKeyInfo, chain: [ca.issuingCertificate.raw], password: values.password });
  writeFileSync(join(out, 'certificate.pfx'), pfx, { mode: 0o600 });
  process.stdout.write(
    `Made a certificate of "another bank" (${ca.profile.caDirectory}) for ${rrn.value.masked}:\n  ${folder}signCert.der\n  ${folder}signPri.key\n  ${join(out, 'NPKI.zip')}\n  ${join(out, 'certificate.pfx')}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
