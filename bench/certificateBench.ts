/**
 * npm run bench:cert — what the certificate core costs, median and p95 over repeated runs:
 * issuing through CertificateService.issue (keygen + sign + encrypt key + PFX; `npm run bench`
 * reuses `measureIssuance`), inspecting and verifying an uploaded pair, and
 * RSA-2048 key generation natively versus node-forge's pure JavaScript.
 */
import { generateKeyPair } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { inspectCertificate } from '../src/certificates/npki/certificateInspection';
import { CertificateService, createCertificateService } from '../src/certificates/certificateService';
import { memoryCertificateStores } from '../src/stores';
import { encryptPrivateKeyFile } from '../src/certificates/npki/privateKeyFile';
import { RegistrationVerifier } from '../src/certificates/registrationVerifier';
import { SandboxCaRevocation } from '../src/certificates/ca/revocation';
import { SandboxCa } from '../src/certificates/ca/sandboxCa';
import { TrustStore } from '../src/certificates/ca/trustStore';
import { median, percentile, timeEach } from './stats';

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
    const service = await createCertificateService({
      caDirectory: folder,
      crlUrl: () => 'http://127.0.0.1/ca.crl',
      stores: memoryCertificateStores(),
    });
    const rows: Row[] = [];
    rows.push(...issuanceRows(await measureIssuance(service, ISSUES)));
    rows.push(...(await verifying(service.bankCa)));
    const native = await timeEach(NATIVE_KEYGENS, () =>
      promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicExponent: 0x10001 }),
    );
    const pureJs = await timeEach(FORGE_KEYGENS, () => forgeKeygen());
    rows.push(
      { what: 'RSA-2048 keygen, native (crypto.generateKeyPair)', samples: native },
      { what: 'RSA-2048 keygen, node-forge pure JS', samples: pureJs },
    );
    print(rows);
    process.stdout.write(
      `\nnode-forge pure-JS keygen is ${(median(pureJs) / median(native)).toFixed(1)}× slower than native (median over median).\n`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Per issuance, in ms: the phases `CertificateService.issue` reports, its wall time, and the process's CPU time. */
export interface IssuanceCost {
  readonly totalMs: number[];
  readonly cpuMs: number[];
  readonly keygenMs: number[];
  readonly signMs: number[];
  readonly keyEncryptionMs: number[];
  /** PFX, zip, registry and audit: the wall time the phases leave over. */
  readonly restMs: number[];
}

/**
 * Issues `runs` certificates one after another through `CertificateService.issue` (after one
 * warm-up), so each runs alone on one core; keygen runs on the libuv pool, so the process's CPU
 * time (`process.cpuUsage`, every thread) is what one issuance costs.
 */
export async function measureIssuance(service: CertificateService, runs: number): Promise<IssuanceCost> {
  const request = (i: number) => ({
    customerId: `bench-customer-${i}`,
    realName: '홍길동',
    idn: IDN,
    type: 'personalBanking' as const,
    password: PASSWORD,
    actor: 'bench',
  });
  await service.issue(request(-1));
  const cost: IssuanceCost = { totalMs: [], cpuMs: [], keygenMs: [], signMs: [], keyEncryptionMs: [], restMs: [] };
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { timings } = await service.issue(request(i));
    const total = performance.now() - started;
    const used = process.cpuUsage(cpu);
    cost.totalMs.push(total);
    cost.cpuMs.push((used.user + used.system) / 1000);
    cost.keygenMs.push(timings.keygenMs);
    cost.signMs.push(timings.signMs);
    cost.keyEncryptionMs.push(timings.keyEncryptionMs);
    cost.restMs.push(total - timings.keygenMs - timings.signMs - timings.keyEncryptionMs);
  }
  return cost;
}

function issuanceRows(cost: IssuanceCost): Row[] {
  return [
    { what: 'issue: total (CertificateService.issue)', samples: cost.totalMs },
    { what: '  keygen', samples: cost.keygenMs },
    { what: '  build + sign certificate', samples: cost.signMs },
    { what: '  encrypt signPri.key (PBES2/SHA-1/SEED)', samples: cost.keyEncryptionMs },
    { what: '  write PFX, zip, registry, audit', samples: cost.restMs },
    { what: '  process CPU time (all threads)', samples: cost.cpuMs },
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

function print(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r.what.length));
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(width)}  ${b.padStart(5)}  ${c.padStart(11)}  ${d.padStart(11)}\n`;
  process.stdout.write(line('operation', 'runs', 'median ms', 'p95 ms'));
  process.stdout.write(line('-'.repeat(width), '-----', '-----------', '-----------'));
  for (const row of rows) {
    process.stdout.write(
      line(row.what, String(row.samples.length), median(row.samples).toFixed(2), percentile(row.samples, 95).toFixed(2)),
    );
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
