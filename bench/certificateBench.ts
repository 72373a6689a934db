/**
 * npm run bench:cert — what the certificate core costs, median and p95 over repeated runs:
 * issuing (keygen + sign + encrypt key + PFX), inspecting and verifying an uploaded pair, and
 * RSA-2048 key generation natively versus node-forge's pure JavaScript.
 */
import { generateKeyPair } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { MemoryCaLedger } from '../src/certificates/caLedger';
import { inspectCertificate } from '../src/certificates/certificateInspection';
import { writePkcs12 } from '../src/certificates/pkcs12';
import { encryptPrivateKeyFile } from '../src/certificates/privateKeyFile';
import { RegistrationVerifier } from '../src/certificates/registrationVerifier';
import { SandboxCaRevocation } from '../src/certificates/revocation';
import { BANK_CA_PROFILE, SandboxCa } from '../src/certificates/sandboxCa';
import { TrustStore } from '../src/certificates/trustStore';

const ISSUES = 30;
const VERIFICATIONS = 100;
const NATIVE_KEYGENS = 20;
const FORGE_KEYGENS = 3;
const PASSWORD = 'Bench!Pass2024';
const IDN = '9001011234567';

interface Row {
  readonly what: string;
  readonly samples: number[];
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'jca-bench-ca-'));
  try {
    const ca = await SandboxCa.open({ profile: BANK_CA_PROFILE, folder: join(folder, 'bank'), ledger: new MemoryCaLedger(), crlUrl: 'http://127.0.0.1/ca.crl' });
    const rows: Row[] = [];
    rows.push(...(await issuing(ca)));
    rows.push(...(await verifying(ca)));
    const native = await timeEach(NATIVE_KEYGENS, () => promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicExponent: 0x10001 }));
    const pureJs = await timeEach(FORGE_KEYGENS, () => forgeKeygen());
    rows.push({ what: 'RSA-2048 keygen, native (crypto.generateKeyPair)', samples: native }, { what: 'RSA-2048 keygen, node-forge pure JS', samples: pureJs });
    print(rows);
    process.stdout.write(`\nnode-forge pure-JS keygen is ${(median(pureJs) / median(native)).toFixed(1)}× slower than native (median over median).\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function issuing(ca: SandboxCa): Promise<Row[]> {
  const keygen: number[] = [];
  const signing: number[] = [];
  const keyEncryption: number[] = [];
  const pfx: number[] = [];
  const total: number[] = [];
  await ca.issue({ realName: '홍길동', idn: IDN, type: 'personalBanking' }); // warm-up
  for (let i = 0; i < ISSUES; i++) {
    const started = performance.now();
    const issued = await ca.issue({ realName: '홍길동', idn: IDN, type: 'personalBanking' });
    const encryptStarted = performance.now();
    await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD);
    const pfxStarted = performance.now();
    await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, chain: [Buffer.from(ca.issuingCertificate.raw)], password: PASSWORD });
    const finished = performance.now();
    keygen.push(issued.timings.keygenMs);
    signing.push(issued.timings.signMs);
    keyEncryption.push(pfxStarted - encryptStarted);
    pfx.push(finished - pfxStarted);
    total.push(finished - started);
  }
  return [
    { what: 'issue: total (keygen + sign + encrypt key + PFX)', samples: total },
    { what: '  keygen', samples: keygen },
    { what: '  build + sign certificate', samples: signing },
    { what: '  encrypt signPri.key (PBES2/SHA-256/SEED)', samples: keyEncryption },
    { what: '  write PFX', samples: pfx },
  ];
}

async function verifying(ca: SandboxCa): Promise<Row[]> {
  const issued = await ca.issue({ realName: '홍길동', idn: IDN, type: 'personalBanking' });
  const files = { signCert: issued.certificate, signPri: await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD) };
  const verifier = new RegistrationVerifier(new TrustStore([ca.rootCertificate], [ca.issuingCertificate]), [new SandboxCaRevocation([ca])]);
  const inspect = await timeEach(VERIFICATIONS, async () => inspectCertificate(files.signCert));
  const verify = await timeEach(VERIFICATIONS, () => verifier.verify({ files, password: PASSWORD, idn: IDN }));
  return [
    { what: 'inspect an uploaded certificate', samples: inspect },
    { what: 'verify an uploaded pair (all registration checks)', samples: verify },
  ];
}

function forgeKeygen(): Promise<unknown> {
  // usePureJavaScript stops forge from handing the work to Node's native crypto.
  (forge as unknown as { options: { usePureJavaScript: boolean } }).options.usePureJavaScript = true;
  return new Promise((resolve, reject) =>
    forge.pki.rsa.generateKeyPair({ bits: 2048 }, (err, keys) => (err ? reject(err) : resolve(keys))),
  );
}

async function timeEach(times: number, task: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  return samples;
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const median = (samples: readonly number[]) => percentile(samples, 50);

function print(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r.what.length));
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(width)}  ${b.padStart(5)}  ${c.padStart(11)}  ${d.padStart(11)}\n`;
  process.stdout.write(line('operation', 'runs', 'median ms', 'p95 ms'));
  process.stdout.write(line('-'.repeat(width), '-----', '-----------', '-----------'));
  for (const row of rows) process.stdout.write(line(row.what, String(row.samples.length), median(row.samples).toFixed(2), percentile(row.samples, 95).toFixed(2)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
