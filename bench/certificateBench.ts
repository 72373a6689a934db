/**
 * npm run bench:cert — what the certificate core costs the server, median and p95 over repeated runs:
 * the CPU one issuance takes at the CA's endpoint (`npm run bench` reuses `measureServerIssuance`),
 * the RA's registration with the CA before it, checking a proof of possession, and RSA-2048 key
 * generation natively versus node-forge's pure JavaScript (the device's work, for scale).
 *
 *   npm run bench:cert -- --database  the certificate core's records in the system of record (DATABASE_URL, else PGlite in memory), as deployed
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { CaAuthorization } from '../src/certificates/ca/certificateAuthority';
import type { IssuanceRequestBody } from '../src/device/issuanceProtocol';
import { inspectCertificate } from '../src/certificates/npki/certificateInspection';
import { CertificateService, CertificateStores, createCertificateService } from '../src/certificates/certificateService';
import { encryptPrivateKeyFile } from '../src/certificates/npki/privateKeyFile';
import { requestCertificate } from '../src/device/caClient';
import { generateDeviceKeyPair, newRandomNum } from '../src/device/deviceKeys';
import { provePossession } from '../src/device/possessionProof';
import { SecretBox } from '../src/state/secretBox';
import { databaseCertificateStores, memoryCertificateStores } from '../src/stores';
import { openBenchDatabase } from './benchDatabase';
import { median, percentile, timeEach } from './stats';

const ISSUANCES = 200;
const VERIFICATIONS = 100;
const NATIVE_KEYGENS = 20;
const FORGE_KEYGENS = 3;
const PASSWORD = 'Bench!Pass2024';
const IDN = '9001011234567';
/** Device key pairs made at once while the requests are prepared: the libuv pool's four threads, and a few waiting. */
const PREPARATION_CONCURRENCY = 8;
/** Issuances run and thrown away first, so V8 has compiled the path that is measured. */
const WARMUP_ISSUANCES = 10;

interface Row {
  readonly what: string;
  readonly samples: number[];
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'jca-bench-ca-'));
  const database = process.argv.includes('--database') ? await openBenchDatabase() : undefined;
  try {
    const stores: CertificateStores = database
      ? databaseCertificateStores(database, new SecretBox(randomBytes(32)))
      : memoryCertificateStores();
    const service = await createCertificateService({ caDirectory: folder, crlUrl: () => 'http://127.0.0.1/ca.crl', stores });
    const rows: Row[] = [];
    rows.push(...serverIssuanceRows(await measureServerIssuance(service, ISSUANCES)));
    rows.push(...(await verifying(service)));
    const native = await timeEach(NATIVE_KEYGENS, () =>
      promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicExponent: 0x10001 }),
    );
    const pureJs = await timeEach(FORGE_KEYGENS, () => forgeKeygen());
    rows.push(
      { what: 'RSA-2048 keygen, native (the device’s; crypto.generateKeyPair)', samples: native },
      { what: 'RSA-2048 keygen, node-forge pure JS', samples: pureJs },
    );
    process.stdout.write(`certificate core's stores: ${database ? database.kind : 'memory'}\n`);
    print(rows);
    process.stdout.write(
      `\nnode-forge pure-JS keygen is ${(median(pureJs) / median(native)).toFixed(1)}× slower than native (median over median).\n`,
    );
  } finally {
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Per issuance, in ms of the process's CPU time (`process.cpuUsage`: user + system, every thread) unless named wall. */
export interface ServerIssuanceCost {
  /** The CA's endpoint handling one request: MAC, R, proof of possession, VID, sign, ledger, registry, journal, audit. */
  readonly endpointCpuMs: number[];
  readonly endpointWallMs: number[];
  /** The RA's registration with the CA before it: the reference, the MAC key (PBKDF2, 10,000 rounds), the sealed record. */
  readonly registrationCpuMs: number[];
}

/**
 * The server's CPU per issuance now that keys are made on devices. The requests are made first as
 * a device makes them (key pair, R, PKCS#10, R encrypted to the CA, the MAC), none of it counted;
 * then each is handed to the CA's endpoint alone, one after another, with the process's CPU time
 * taken around it. Every thread counts: the endpoint's crypto may run on libuv's pool. The notice
 * to the RA (`onIssued`, the secure step's ticket) is not the CA's work and is left out.
 */
export async function measureServerIssuance(service: CertificateService, runs: number): Promise<ServerIssuanceCost> {
  const endpoint = service.issuanceEndpoint(async () => undefined);
  const registrationCpuMs: number[] = [];
  const authorizations: CaAuthorization[] = [];
  for (let i = 0; i < WARMUP_ISSUANCES + runs; i++) {
    const cpu = process.cpuUsage();
    authorizations.push(
      await service.authority.register({ customerId: `bench-customer-${i}`, realName: '홍길동', idn: IDN, type: 'personalBanking' }),
    );
    if (i >= WARMUP_ISSUANCES) registrationCpuMs.push(cpuMsSince(cpu));
  }
  const requests = await inBatches(authorizations, PREPARATION_CONCURRENCY, (authorization) => deviceRequest(service, authorization));
  const cost = { endpointCpuMs: [] as number[], endpointWallMs: [] as number[], registrationCpuMs };
  for (const [i, request] of requests.entries()) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await endpoint.handle(request);
    const wallMs = performance.now() - started;
    const cpuMs = cpuMsSince(cpu);
    if (result.status !== 'issued') throw new Error(`the CA refused a bench request: ${result.reason}`);
    if (i < WARMUP_ISSUANCES) continue;
    cost.endpointCpuMs.push(cpuMs);
    cost.endpointWallMs.push(wallMs);
  }
  return cost;
}

/** The body the device posts to the CA, made by the device's own code, caught instead of sent. */
async function deviceRequest(service: CertificateService, authorization: CaAuthorization): Promise<IssuanceRequestBody> {
  let body: IssuanceRequestBody | undefined;
  const capture: typeof fetch = async (_url, init) => {
    body = JSON.parse(String(init?.body)) as IssuanceRequestBody;
    return new Response(JSON.stringify({ error: 'captured' }), { status: 503 });
  };
  await requestCertificate({
    endpoint: service.authority.endpoint,
    authorization,
    keyPair: await generateDeviceKeyPair(),
    randomNum: newRandomNum(),
    fetch: capture,
  }).catch(() => undefined);
  if (body === undefined) throw new Error('the device sent no request');
  return body;
}

function serverIssuanceRows(cost: ServerIssuanceCost): Row[] {
  return [
    { what: 'server-side CPU per issuance (sign + store): CA endpoint', samples: cost.endpointCpuMs },
    { what: '  the same, wall time', samples: cost.endpointWallMs },
    { what: 'RA registration with the CA before it (CPU)', samples: cost.registrationCpuMs },
  ];
}

async function verifying(service: CertificateService): Promise<Row[]> {
  const issued = await service.otherBankCa.issue({ realName: '홍길동', idn: IDN, type: 'personalGeneral' });
  const files = { signCert: issued.certificate, signPri: await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD) };
  const challenge = randomBytes(32);
  const proved = await provePossession({ files, password: PASSWORD, challenge });
  if (proved.status !== 'signed') throw new Error(`no proof: ${proved.status}`);
  let n = 0;
  const inspect = await timeEach(VERIFICATIONS, async () => inspectCertificate(files.signCert));
  const verify = await timeEach(VERIFICATIONS, () =>
    service.verifyPossession({
      ...proved.proof,
      challenge,
      idn: IDN,
      customerId: `bench-register-${n++}`,
      actor: 'bench',
      purpose: 'registration',
    }),
  );
  return [
    { what: 'inspect a certificate', samples: inspect },
    { what: 'verify a proof of possession and register (all checks)', samples: verify },
  ];
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** `work` over `items`, at most `concurrency` at once, results in order. */
async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) results.push(...(await Promise.all(items.slice(i, i + concurrency).map(work))));
  return results;
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
