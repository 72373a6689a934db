/**
 * npm run bench — the bot under load, next to an echo bot on the same HTTP stack as its ceiling.
 *
 *   npm run bench -- --json bench.json     also write every figure as JSON
 *   npm run bench -- --quick               shorter runs (a smoke test of the bench itself)
 *   npm run bench -- --cpu-prof            profile the bot process (node --cpu-prof) and print its hottest functions
 *
 * The real server runs as a child process on the shared Redis (127.0.0.1:6379, REDIS_URL to
 * override) and the system of record at DATABASE_URL (else PGlite), under a unique STATE_KEY_PREFIX whose keys are deleted afterwards; the echo bot
 * (bench/echoBot.ts) runs as a second child; this process is the load generator. Figures:
 * conversational turns at 1, 16 and 64 concurrent conversations against the echo ceiling; the
 * server-side CPU per issuance (the CA's endpoint signing and storing a request the device made);
 * Redis commands per turn (INFO commandstats, and MONITOR to tell client round trips from commands run inside
 * Lua scripts); Redis bytes per idle conversation (MEMORY USAGE); and the server's RSS
 * (/proc/<pid>/status) before and after 10,000 conversations of three turns.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createCertificateService } from '../src/certificates/certificateService';
import { SecretBox } from '../src/state/secretBox';
import { databaseCertificateStores } from '../src/stores';
import { openBenchDatabase } from './benchDatabase';
import { measureServerIssuance } from './certificateBench';
import { BotClient, ChannelStub, closedLoop, LoadResult } from './load';
import { median, percentile, Percentiles, percentilesOf } from './stats';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DIST = join(__dirname, '..');
const NODE_FLAGS = ['--disable-warning=DEP0111'];

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = flag('--quick');
const CPU_PROF = flag('--cpu-prof');
const JSON_OUT = option('--json');

const PLAN = {
  concurrencies: [1, 16, 64],
  serverWarmupMs: QUICK ? 1_000 : 5_000,
  warmupMs: QUICK ? 500 : 1_000,
  durationMs: QUICK ? 2_000 : 5_000,
  /** Echo and bot measured in turn this many times per level: a shared machine's speed drifts, and each round's ratio is taken at one moment. */
  rounds: QUICK ? 1 : 3,
  monitorConversations: QUICK ? 5 : 30,
  idleConversations: QUICK ? 10 : 50,
  memoryConversations: QUICK ? 1_000 : 10_000,
  memoryConcurrency: 64,
  /** Issuance requests the CA's endpoint handles one by one, each made beforehand by the device code. */
  cpuIssuances: QUICK ? 20 : 200,
};

/**
 * Conversational turns: greeting, a question, 발급 (which opens a secure page: a ticket stored), then
 * what customers type at it anyway (words, a 주민등록번호 the guard masks and answers with the page),
 * and back to the menu.
 */
const CONVERSATION = ['안녕하세요', '공동인증서란?', '인증서 발급', '홍길동', '900101-1234567', 'SKT', '취소'];
/** Three turns, then the conversation sits idle at 본인 인증's secure page. */
const THREE_TURNS = ['안녕하세요', '인증서 발급', '홍길동'];

const TARGETS = {
  throughputRatio: 0.6,
  p99Ratio: 2,
  roundTripsPerTurn: 3,
  bytesPerConversation: 4096,
  rssGrowthMb: 50,
  /** Keygen left the server: signing and storing one issuance is all it does. */
  issuanceCpuMs: 10,
};

/** The channel every simulated customer talks through (its serviceUrl). */
let channel: ChannelStub;

interface NodeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly pid: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  const prefix = `jca-bench-${randomUUID()}:`;
  const caDir = mkdtempSync(join(tmpdir(), 'jca-bench-ca-'));
  const profileDir = CPU_PROF ? mkdtempSync(join(tmpdir(), 'jca-bench-prof-')) : undefined;
  const admin = new Redis(REDIS_URL);
  const children: NodeProcess[] = [];
  const started = Date.now();
  channel = await ChannelStub.start();
  try {
    const echo = await startNode(join(DIST, 'bench', 'echoBot.js'), {});
    children.push(echo);
    const botEnv = {
      REDIS_URL,
      STATE_KEY_PREFIX: prefix,
      CA_DIR: caDir,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
    };
    const bot = await startNode(
      join(DIST, 'src', 'index.js'),
      withRecords(botEnv),
      profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    );
    children.push(bot);
    const serverInfo = await admin.info('server');
    redisPid = Number(/^process_id:(\d+)/m.exec(serverInfo)?.[1]) || undefined;
    const rssAtStartMb = rssMb(bot.pid);
    log(`bot pid ${bot.pid} at ${bot.url} (RSS ${rssAtStartMb} MB), echo pid ${echo.pid} at ${echo.url}, Redis prefix ${prefix}`);

    const turns = await conversationalTurns(bot, echo, admin, () => startNode(join(DIST, 'src', 'index.js'), withRecords(botEnv)));
    const redisRoundTrips = await roundTripsByMonitor(bot, admin, prefix);
    const idle = await bytesPerIdleConversation(bot, admin, prefix);
    const memory = await rssOverConversations(bot);
    const issuanceCpu = await serverIssuanceCpu(caDir);

    const results = {
      plan: PLAN,
      quick: QUICK,
      machine: machine(),
      turns: turns.levels,
      twoBotProcesses: turns.twoProcesses,
      redis: { ...turns.redis, ...redisRoundTrips, ...idle },
      memory: { rssAtStartMb, ...memory },
      issuanceCpu,
    };
    const targets = evaluate(results);
    const report = { ...results, targets, seconds: Math.round((Date.now() - started) / 1000) };
    printReport(report);
    if (JSON_OUT) {
      writeFileSync(JSON_OUT, `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote ${JSON_OUT}`);
    }
  } finally {
    for (const child of children.reverse()) await child.stop();
    await channel.close();
    await deleteKeys(admin, `${prefix}*`);
    admin.disconnect();
    rmSync(caDir, { recursive: true, force: true });
    if (profileDir) printProfile(profileDir);
  }
}

/** The system of record at DATABASE_URL, as deployed; else a PGlite folder of its own for each process (PGlite serves one). */
function withRecords(env: Record<string, string>): Record<string, string> {
  const url = process.env.DATABASE_URL;
  return { ...env, ...(url === undefined ? { PGLITE_DIR: mkdtempSync(join(tmpdir(), 'jca-bench-records-')) } : { DATABASE_URL: url }) };
}

// ---------------------------------------------------------------- conversational turns

interface Level {
  readonly concurrency: number;
  /** Over all rounds. */
  readonly echo: Throughput;
  readonly bot: Throughput;
  /** Bot turns/s over echo turns/s: the median of the rounds' ratios. */
  readonly throughputRatio: number;
  readonly roundRatios: number[];
  /** Bot p99 over echo p99. */
  readonly p99Ratio: number;
}

interface Throughput extends Percentiles {
  readonly turnsPerSecond: number;
  readonly turns: number;
  readonly errors: number;
  /** The server process's CPU time (user + system, /proc/<pid>/stat) per turn. */
  readonly serverCpuMsPerTurn: number;
  /** CPU time of every process on the machine besides the server, this load generator and Redis (other work on a shared machine), per second of the run. */
  readonly otherCpuMsPerSecond: number;
}

async function conversationalTurns(bot: NodeProcess, echo: NodeProcess, admin: Redis, startAnotherBot: () => Promise<NodeProcess>) {
  const levels: Level[] = [];
  let botTurns = 0;
  const measure = async (targets: readonly NodeProcess[], concurrency: number): Promise<Run> => {
    const client = new BotClient(
      targets.map((t) => t.url),
      concurrency,
      channel.serviceUrl,
    );
    try {
      const pids = targets.map((t) => t.pid);
      const before = cpuSnapshot(pids);
      const result = await closedLoop(client, {
        concurrency,
        script: CONVERSATION,
        warmupMs: PLAN.warmupMs,
        durationMs: PLAN.durationMs,
        label: `turns-c${concurrency}`,
      });
      return { result, before, after: cpuSnapshot(pids) };
    } finally {
      client.close();
    }
  };
  // Both servers are measured warm, as in production: V8 has compiled their hot paths.
  log(`warming up both servers (${PLAN.serverWarmupMs / 1000} s each at 16 concurrent)`);
  for (const target of [echo, bot]) {
    const client = new BotClient(target.url, 16, channel.serviceUrl);
    await closedLoop(client, { concurrency: 16, script: CONVERSATION, durationMs: PLAN.serverWarmupMs, label: 'warmup' });
    client.close();
  }
  const before = await commandStats(admin);
  for (const concurrency of PLAN.concurrencies) {
    const echoRuns: Run[] = [];
    const botRuns: Run[] = [];
    for (let round = 1; round <= PLAN.rounds; round++) {
      log(`conversational turns, ${concurrency} concurrent, round ${round} of ${PLAN.rounds}: echo, then bot`);
      echoRuns.push(await measure([echo], concurrency));
      botRuns.push(await measure([bot], concurrency));
    }
    botTurns += botRuns.reduce((sum, run) => sum + run.result.turnsSent, 0);
    const e = throughput(echoRuns);
    const b = throughput(botRuns);
    const roundRatios = botRuns.map((run, i) => round(turnsPerSecond(run.result) / turnsPerSecond((echoRuns[i] as Run).result), 3));
    levels.push({ concurrency, echo: e, bot: b, throughputRatio: median(roundRatios), roundRatios, p99Ratio: round(b.p99 / e.p99, 2) });
  }
  const after = await commandStats(admin);
  // Not a target: the same bot as two processes (one per core) behind round robin, against the one echo process.
  const top = PLAN.concurrencies[PLAN.concurrencies.length - 1] ?? 64;
  log(`conversational turns, ${top} concurrent: bot as two processes, round robin`);
  const another = await startAnotherBot();
  let twoProcesses: (Throughput & { ratio: number; p99Ratio: number }) | undefined;
  try {
    const warm = new BotClient(another.url, 16, channel.serviceUrl);
    await closedLoop(warm, { concurrency: 16, script: CONVERSATION, durationMs: PLAN.serverWarmupMs, label: 'warmup' });
    warm.close();
    const two = throughput([await measure([bot, another], top)]);
    const echoTop = levels.find((l) => l.concurrency === top)?.echo;
    twoProcesses = {
      ...two,
      ratio: round(two.turnsPerSecond / (echoTop?.turnsPerSecond ?? NaN), 3),
      p99Ratio: round(two.p99 / (echoTop?.p99 ?? NaN), 2),
    };
  } finally {
    await another.stop();
  }
  const delta = diffStats(before, after);
  const total = Object.values(delta).reduce((a, b) => a + b, 0);
  return {
    levels,
    twoProcesses: { concurrency: top, ...twoProcesses },
    redis: {
      /** Every command Redis executed while the bot took these turns, including those run inside Lua scripts. */
      commandstatsPerTurn: round(total / botTurns, 2),
      commandstatsByCommand: Object.fromEntries(
        Object.entries(delta).flatMap(([k, v]) => (v / botTurns >= 0.005 ? [[k, round(v / botTurns, 2)]] : [])),
      ),
      commandstatsTurns: botTurns,
    },
  };
}

/** One measured run of the closed loop, with CPU snapshots around it. */
interface Run {
  readonly result: LoadResult;
  readonly before: CpuSnapshot;
  readonly after: CpuSnapshot;
}

const turnsPerSecond = (result: LoadResult): number => result.turns / result.seconds;

/** Several runs of one server pooled: their turns over their time, and percentiles over all their latencies. */
function throughput(runs: readonly Run[]): Throughput {
  const sum = (of: (run: Run) => number): number => runs.reduce((total, run) => total + of(run), 0);
  const elapsedSeconds = sum((r) => r.after.at - r.before.at) / 1000;
  const others = sum(
    (r) =>
      r.after.machineMs -
      r.before.machineMs -
      (r.after.serverMs - r.before.serverMs) -
      (r.after.generatorMs - r.before.generatorMs) -
      (r.after.redisMs - r.before.redisMs),
  );
  return {
    turnsPerSecond: round(sum((r) => r.result.turns) / sum((r) => r.result.seconds), 1),
    turns: sum((r) => r.result.turns),
    errors: sum((r) => r.result.errors),
    ...percentilesOf(runs.flatMap((r) => r.result.latenciesMs)),
    serverCpuMsPerTurn: round(sum((r) => r.after.serverMs - r.before.serverMs) / sum((r) => r.result.turnsSent), 3),
    otherCpuMsPerSecond: Math.max(0, Math.round(others / elapsedSeconds)),
  };
}

interface CpuSnapshot {
  readonly at: number;
  readonly serverMs: number;
  readonly generatorMs: number;
  readonly redisMs: number;
  /** Busy CPU time of the whole machine (/proc/stat: everything but idle and iowait). */
  readonly machineMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuSnapshot(serverPids: readonly number[]): CpuSnapshot {
  const processMs = (pid: number | undefined) => {
    if (pid === undefined) return 0;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    } catch {
      return 0;
    }
  };
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const busyTicks = cpu.reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0);
  const generator = process.cpuUsage();
  return {
    at: Date.now(),
    serverMs: serverPids.reduce((sum, pid) => sum + processMs(pid), 0),
    generatorMs: (generator.user + generator.system) / 1000,
    redisMs: processMs(redisPid),
    machineMs: busyTicks * TICK_MS,
  };
}

/** The Redis server's pid, when it runs on this machine (INFO server), to tell its CPU time from other work. */
let redisPid: number | undefined;

/** `INFO commandstats` as command → calls. */
async function commandStats(admin: Redis): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const stats: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1] as string] = Number(match[2]);
  return stats;
}

/** Calls per command between two snapshots, leaving out the bench's own INFO. */
function diffStats(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [command, calls] of Object.entries(after)) {
    const d = calls - (before[command] ?? 0) - (command === 'info' ? 1 : 0);
    if (d > 0) delta[command] = d;
  }
  return delta;
}

/**
 * Round trips per turn, from Redis: the read events it processed (one per batch of commands a
 * client wrote, so pipelined commands count once) while one customer at a time talked to the bot,
 * the only other client. Then the commands, from MONITOR: those a client sent are marked with its
 * address, those a Lua script ran are marked `lua`; only commands on the bench's keys count.
 */
async function roundTripsByMonitor(bot: NodeProcess, admin: Redis, prefix: string) {
  log(
    `Redis round trips: read events Redis processed (INFO stats) over ${PLAN.monitorConversations} conversations of ${CONVERSATION.length} turns, one at a time`,
  );
  const client = new BotClient(bot.url, 1, channel.serviceUrl);
  const readsBefore = await readsProcessed(admin);
  const counted = await closedLoop(client, {
    concurrency: 1,
    script: CONVERSATION,
    conversations: PLAN.monitorConversations,
    label: 'reads',
  });
  // Less the read of the INFO command that asks.
  const reads = (await readsProcessed(admin)) - readsBefore - 1;
  log(`Redis commands: MONITOR over ${PLAN.monitorConversations} conversations of ${CONVERSATION.length} turns`);
  const monitor = await admin.monitor();
  const fromClients: Record<string, number> = {};
  const insideLua: Record<string, number> = {};
  monitor.on('monitor', (_time: string, commandArgs: string[], source: string) => {
    if (!commandArgs.some((a) => a.includes(prefix))) return;
    const command = (commandArgs[0] ?? '').toLowerCase();
    const counts = source === 'lua' ? insideLua : fromClients;
    counts[command] = (counts[command] ?? 0) + 1;
  });
  const result = await closedLoop(client, {
    concurrency: 1,
    script: CONVERSATION,
    conversations: PLAN.monitorConversations,
    label: 'monitor',
  });
  client.close();
  // MONITOR lines arrive asynchronously; a PING through the monitored server flushes them.
  await admin.ping();
  await new Promise((resolve) => setTimeout(resolve, 200));
  monitor.disconnect();
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const perTurn = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / result.turnsSent, 2)]));
  return {
    roundTripsPerTurn: round(reads / counted.turnsSent, 2),
    clientCommandsPerTurn: round(sum(fromClients) / result.turnsSent, 2),
    clientCommandsByCommand: perTurn(fromClients),
    luaCommandsPerTurn: round(sum(insideLua) / result.turnsSent, 2),
    luaByCommand: perTurn(insideLua),
    monitorTurns: result.turnsSent,
  };
}

async function readsProcessed(admin: Redis): Promise<number> {
  return Number(/total_reads_processed:(\d+)/.exec(await admin.info('stats'))?.[1] ?? NaN);
}

// ---------------------------------------------------------------- Redis bytes per idle conversation

async function bytesPerIdleConversation(bot: NodeProcess, admin: Redis, prefix: string) {
  log(`Redis bytes: ${PLAN.idleConversations} conversations of three turns, then MEMORY USAGE of their keys`);
  const ids: Array<{ conversationId: string; userId: string }> = [];
  const client = new BotClient(bot.url, 8, channel.serviceUrl);
  await closedLoop(client, {
    concurrency: 8,
    script: THREE_TURNS,
    conversations: PLAN.idleConversations,
    label: 'idle',
    onConversation: (conversationId, userId) => ids.push({ conversationId, userId }),
  });
  client.close();
  const byKind: Record<string, number> = {};
  const totals: number[] = [];
  for (const { conversationId, userId } of ids) {
    const keys = [...(await scanKeys(admin, `${prefix}*${conversationId}*`)), ...(await scanKeys(admin, `${prefix}*${userId}*`))];
    let total = 0;
    for (const key of new Set(keys)) {
      const bytes = Number((await admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
      const kind = key.slice(prefix.length).split('/')[0] ?? 'other';
      byKind[kind] = (byKind[kind] ?? 0) + bytes;
      total += bytes;
    }
    totals.push(total);
  }
  const sample = ids[0];
  const conversationValue = sample ? await admin.get(`${prefix}conversation/bench/${sample.conversationId}`) : null;
  return {
    bytesPerIdleConversation: Math.round(totals.reduce((a, b) => a + b, 0) / Math.max(1, totals.length)),
    bytesByKeyKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, Math.round(v / Math.max(1, ids.length))])),
    conversationValueBytes: conversationValue === null ? undefined : Buffer.byteLength(conversationValue),
  };
}

// ---------------------------------------------------------------- process memory

async function rssOverConversations(bot: NodeProcess) {
  const before = rssMb(bot.pid);
  log(`RSS: ${PLAN.memoryConversations} conversations of three turns at ${PLAN.memoryConcurrency} concurrent (RSS before ${before} MB)`);
  const client = new BotClient(bot.url, PLAN.memoryConcurrency, channel.serviceUrl);
  // VmRSS swings by tens of MB with the garbage collector's cycle under load, so one difference
  // before/after says little either way. Sampled all along, a leak shows as a rising trend and as
  // rising troughs (the heap just after a major collection); GC phase alone does neither.
  const samples: Array<{ at: number; mb: number }> = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ at: Date.now() - started, mb: rssMb(bot.pid) }), 250);
  const quarters: number[] = [];
  let conversations = 0;
  let turns = 0;
  let errors = 0;
  try {
    for (let i = 0; i < 4; i++) {
      const run = await closedLoop(client, {
        concurrency: PLAN.memoryConcurrency,
        script: THREE_TURNS,
        conversations: PLAN.memoryConversations / 4,
        label: 'rss',
      });
      conversations += run.conversations;
      turns += run.turnsSent;
      errors += run.errors;
      quarters.push(rssMb(bot.pid));
    }
  } finally {
    clearInterval(sampler);
    client.close();
  }
  const after = quarters[quarters.length - 1] ?? NaN;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const afterIdle = rssMb(bot.pid);
  const duration = Date.now() - started;
  const firstQuarter = samples.filter((s) => s.at < duration / 4).map((s) => s.mb);
  const lastQuarter = samples.filter((s) => s.at >= (3 * duration) / 4).map((s) => s.mb);
  return {
    conversations,
    turns,
    errors,
    rssBeforeMb: before,
    rssByQuarterMb: quarters,
    rssAfterMb: after,
    rssAfterIdleMb: afterIdle,
    rssMinMb: round(Math.min(...samples.map((s) => s.mb)), 1),
    rssMaxMb: round(Math.max(...samples.map((s) => s.mb)), 1),
    samples: samples.length,
    /** The literal figure: RSS after the last conversation minus RSS before the first. */
    growthMb: round(after - before, 1),
    /** Least-squares slope of every sample over the run, times its duration: the trend, GC phase averaged out. */
    trendGrowthMb: round(slopePerMs(samples) * duration, 1),
    /** Lowest RSS in the last quarter of the run minus lowest in the first: rising troughs mean retained memory. */
    troughGrowthMb: round(Math.min(...lastQuarter) - Math.min(...firstQuarter), 1),
  };
}

function slopePerMs(samples: ReadonlyArray<{ at: number; mb: number }>): number {
  const n = samples.length;
  if (n < 2) return NaN;
  const meanX = samples.reduce((a, s) => a + s.at, 0) / n;
  const meanY = samples.reduce((a, s) => a + s.mb, 0) / n;
  const cov = samples.reduce((a, s) => a + (s.at - meanX) * (s.mb - meanY), 0);
  const variance = samples.reduce((a, s) => a + (s.at - meanX) ** 2, 0);
  return cov / variance;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return round(kb / 1024, 1);
}

// ---------------------------------------------------------------- server-side CPU per issuance

/**
 * What one issuance costs the server now that keys are made on devices: the CA's endpoint checking
 * and signing a request and storing it (ledger, registry, journal, audit in one transaction) in the
 * system of record (DATABASE_URL, else PGlite in memory), in this process, with the CA the bot
 * loaded from caDir. See measureServerIssuance.
 */
async function serverIssuanceCpu(caDir: string) {
  log(
    `server-side CPU per issuance: ${PLAN.cpuIssuances} requests made by the device code first, then handed to the CA's endpoint one by one`,
  );
  const database = await openBenchDatabase();
  try {
    const service = await createCertificateService({
      caDirectory: caDir,
      crlUrl: () => 'http://127.0.0.1/ca.crl',
      stores: databaseCertificateStores(database, new SecretBox(randomBytes(32))),
    });
    const cost = await measureServerIssuance(service, PLAN.cpuIssuances);
    const summary = (samples: number[]) => ({ median: round(median(samples), 2), p95: round(percentile(samples, 95), 2) });
    return {
      runs: cost.endpointCpuMs.length,
      endpointCpuMs: summary(cost.endpointCpuMs),
      endpointWallMs: summary(cost.endpointWallMs),
      registrationCpuMs: summary(cost.registrationCpuMs),
    };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------- targets and report

interface Target {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

function evaluate(r: {
  turns: Level[];
  redis: { roundTripsPerTurn: number; clientCommandsPerTurn: number; commandstatsPerTurn: number; bytesPerIdleConversation: number };
  memory: { growthMb: number; trendGrowthMb: number; troughGrowthMb: number; conversations: number };
  issuanceCpu: { runs: number; endpointCpuMs: { median: number; p95: number } };
}): Target[] {
  const targets: Target[] = [];
  for (const level of r.turns) {
    targets.push({
      target: `turns/s at ${level.concurrency} concurrent ≥ ${TARGETS.throughputRatio * 100}% of echo`,
      measured: `${(level.throughputRatio * 100).toFixed(1)}% (median of ${level.roundRatios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')})`,
      met: level.throughputRatio >= TARGETS.throughputRatio,
    });
    targets.push({
      target: `p99 at ${level.concurrency} concurrent ≤ ${TARGETS.p99Ratio}× echo's`,
      measured: `${level.p99Ratio}× (${level.bot.p99} vs ${level.echo.p99} ms)`,
      met: level.p99Ratio <= TARGETS.p99Ratio,
    });
  }
  targets.push({
    target: `≤ ${TARGETS.roundTripsPerTurn} Redis round trips per conversational turn`,
    measured: `${r.redis.roundTripsPerTurn} round trips; ${r.redis.clientCommandsPerTurn} commands sent, ${r.redis.commandstatsPerTurn} executed incl. inside Lua`,
    met: r.redis.roundTripsPerTurn <= TARGETS.roundTripsPerTurn,
  });
  targets.push({
    target: `≤ ${TARGETS.bytesPerConversation / 1024} KB Redis per idle conversation`,
    measured: `${r.redis.bytesPerIdleConversation} bytes`,
    met: r.redis.bytesPerIdleConversation <= TARGETS.bytesPerConversation,
  });
  targets.push({
    target: `RSS growth < ${TARGETS.rssGrowthMb} MB over ${r.memory.conversations} conversations (trend and troughs; see the memory line)`,
    measured: `trend ${r.memory.trendGrowthMb} MB, troughs ${r.memory.troughGrowthMb} MB; after − before ${r.memory.growthMb} MB`,
    met: r.memory.trendGrowthMb < TARGETS.rssGrowthMb && r.memory.troughGrowthMb < TARGETS.rssGrowthMb,
  });
  targets.push({
    target: `server-side CPU per issuance (sign + store) < ${TARGETS.issuanceCpuMs} ms median`,
    measured: `median ${r.issuanceCpu.endpointCpuMs.median} ms, p95 ${r.issuanceCpu.endpointCpuMs.p95} ms over ${r.issuanceCpu.runs}`,
    met: r.issuanceCpu.endpointCpuMs.median < TARGETS.issuanceCpuMs,
  });
  return targets;
}

function printReport(r: Record<string, any>): void {
  const out: string[] = [];
  const table = (header: string[], rows: (string | number)[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i] ?? '').length)));
    const line = (cells: (string | number)[]) =>
      cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0))).join('  ');
    out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  };
  out.push(
    '',
    `npm run bench${QUICK ? ' --quick' : ''} — ${r.machine.cpus}× ${r.machine.cpuModel}, Node ${process.version}, load generator on the same machine`,
    '',
  );
  out.push(
    `Conversational turns (menu, questions, identity steps; 7 turns a conversation), ${PLAN.rounds} round(s) of ${PLAN.durationMs / 1000} s per server and level, echo and bot in turn; figures pooled over the rounds, "vs echo turns/s" the median of the rounds' ratios. "other load": CPU ms per second used on this machine by processes other than these servers, this load generator and Redis.`,
  );
  table(
    [
      'concurrent',
      'server',
      'turns/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
      'vs echo turns/s',
      'vs echo p99',
      'server CPU ms/turn',
      'other load ms/s',
    ],
    (r.turns as Level[]).flatMap((l) => [
      [
        l.concurrency,
        'echo',
        l.echo.turnsPerSecond,
        l.echo.p50,
        l.echo.p95,
        l.echo.p99,
        l.echo.errors,
        '',
        '',
        l.echo.serverCpuMsPerTurn,
        l.echo.otherCpuMsPerSecond,
      ],
      [
        l.concurrency,
        'bot',
        l.bot.turnsPerSecond,
        l.bot.p50,
        l.bot.p95,
        l.bot.p99,
        l.bot.errors,
        `${(l.throughputRatio * 100).toFixed(1)}%`,
        `${l.p99Ratio}×`,
        l.bot.serverCpuMsPerTurn,
        l.bot.otherCpuMsPerSecond,
      ],
    ]),
  );
  const two = r.twoBotProcesses;
  if (two?.turnsPerSecond !== undefined) {
    out.push(
      `Not a target, a deployment option: the bot as two processes (one per core) behind round robin, ${two.concurrency} concurrent: ${two.turnsPerSecond} turns/s (${(two.ratio * 100).toFixed(1)}% of the one echo process), p50/p95/p99 ${two.p50}/${two.p95}/${two.p99} ms (p99 ${two.p99Ratio}× echo's), ${two.serverCpuMsPerTurn} CPU ms/turn over both.`,
    );
  }
  const c = r.issuanceCpu;
  out.push(
    '',
    `Server-side CPU per issuance (sign + store): the CA's endpoint alone (MAC, R, proof of possession, VID, sign; ledger, registry, journal and audit in one transaction in the system of record), ${c.runs} requests made beforehand by the device code (its keygen not counted), process CPU time around each`,
  );
  table(
    ['figure', 'median ms', 'p95 ms'],
    [
      ['CA endpoint, CPU', c.endpointCpuMs.median, c.endpointCpuMs.p95],
      ['CA endpoint, wall', c.endpointWallMs.median, c.endpointWallMs.p95],
      ['RA registration with the CA before it, CPU', c.registrationCpuMs.median, c.registrationCpuMs.p95],
    ],
  );
  out.push('', 'Redis');
  table(
    ['figure', 'value'],
    [
      ['round trips per conversational turn (INFO stats: reads processed)', `${r.redis.roundTripsPerTurn}`],
      ['commands sent per turn (MONITOR)', `${r.redis.clientCommandsPerTurn}  ${JSON.stringify(r.redis.clientCommandsByCommand)}`],
      ['commands run inside Lua per turn (MONITOR)', `${r.redis.luaCommandsPerTurn}  ${JSON.stringify(r.redis.luaByCommand)}`],
      [
        'commands executed per turn (INFO commandstats)',
        `${r.redis.commandstatsPerTurn}  ${JSON.stringify(r.redis.commandstatsByCommand)}`,
      ],
      ['bytes per idle conversation (MEMORY USAGE)', `${r.redis.bytesPerIdleConversation}  ${JSON.stringify(r.redis.bytesByKeyKind)}`],
      ['conversation document value', `${r.redis.conversationValueBytes ?? '?'} bytes`],
    ],
  );
  const m = r.memory;
  out.push(
    '',
    `Server process memory (VmRSS): ${m.rssAtStartMb} MB at start; ${m.rssBeforeMb} MB before ${m.conversations} conversations of three turns (${m.turns} turns, ${m.errors} errors), then ${m.rssByQuarterMb.join(' / ')} MB after each quarter, ${m.rssAfterIdleMb} MB after 3 s idle.`,
    `  ${m.samples} samples during the run: ${m.rssMinMb}–${m.rssMaxMb} MB (the collector's cycle); trend over the run ${m.trendGrowthMb} MB, lowest of the last quarter − lowest of the first ${m.troughGrowthMb} MB, after − before ${m.growthMb} MB.`,
  );
  out.push('', 'Targets');
  table(
    ['target', 'measured', 'met'],
    (r.targets as Target[]).map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
  );
  out.push('', `bench took ${r.seconds} s`, '');
  process.stdout.write(out.join('\n'));
}

function machine() {
  const cpus = require('node:os').cpus() as Array<{ model: string }>;
  return { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version };
}

// ---------------------------------------------------------------- processes, Redis, profiles

/** A built entry point as its own process; resolves once it logs the port it listens on. */
async function startNode(entry: string, env: Record<string, string>, nodeFlags: string[] = []): Promise<NodeProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, ...nodeFlags, entry], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Kept short: the bot logs a line per sandbox code; only the start matters here.
  const keep = (chunk: Buffer) => {
    if (output.length < 100_000) output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /"port":(\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited:\n${output}`));
    });
  });
  return {
    child,
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found];
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  const keys = await scanKeys(redis, pattern);
  for (let i = 0; i < keys.length; i += 500) await redis.del(keys.slice(i, i + 500));
}

/** The hottest functions of the bot's CPU profile, by self time. */
function printProfile(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
      samples: number[];
      timeDeltas: number[];
    };
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const byFunction = new Map<string, number>();
    const byPackage = new Map<string, number>();
    let total = 0;
    for (const node of profile.nodes) {
      const us = self.get(node.id) ?? 0;
      total += us;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url
        .replace(/^file:\/\//, '')
        .replace(/.*\/node_modules\//, 'node_modules/')
        .replace(/.*\/dist\//, 'dist/');
      const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
      const pkg =
        /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ??
        (where.startsWith('dist/') ? where.split('/').slice(0, 3).join('/') : where === '' ? `(${functionName})` : 'node:internal');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    }
    const top = (map: Map<string, number>, n: number) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
    process.stdout.write(
      `\nCPU profile of the bot (${join(dir, file)}), self time:\n${top(byPackage, 20).join('\n')}\n\nhottest functions:\n${top(byFunction, 30).join('\n')}\n`,
    );
  }
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
