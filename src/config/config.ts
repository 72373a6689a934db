import { z } from 'zod';
import { AgentHours, parseAgentHours } from './agentHours';
import { AgentAccount, parseAgentAccounts } from './agents';
import type { RetentionSchedule } from './retentionSchedule';

/** Raised when an environment variable has a bad value; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const integer = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const redisUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()
  .refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://');

const hostList = z.string().transform((v) =>
  v
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== ''),
);

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => (v === '' ? undefined : v))
  .optional()
  .refine((v) => v === undefined || v === 'true' || v === 'false', 'must be true or false')
  .transform((v) => (v === undefined ? undefined : v === 'true'));

const base64Key = optionalText.refine(
  (v) => v === undefined || Buffer.from(v, 'base64').length >= 32,
  'must be at least 32 bytes, base64-encoded',
);

const base64KeyList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
  )
  .superRefine((keys, ctx) => {
    // The position, never the value: these are keys.
    keys.forEach((key, i) => {
      if (Buffer.from(key, 'base64').length < 32)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `key ${i + 1} is not 32+ bytes of base64` });
    });
  });

/** `https://bank.example` or `http://127.0.0.1:8080`: a scheme, a host and maybe a port, nothing else. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/;

const originList = hostList.superRefine((origins, ctx) => {
  for (const origin of origins) {
    if (!ORIGIN.test(origin)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${origin} is not an origin (https://host[:port])` });
  }
});

const EnvSchema = z.object({
  NODE_ENV: optionalText,
  PORT: integer(0, 65535).default('3978'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  SANDBOX: flag,
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalText,
  LOCAL_SERVICE_URL_HOSTS: hostList.default('localhost,127.0.0.1,::1'),
  REDIS_URL: redisUrl,
  REDIS_COMMAND_TIMEOUT_MS: integer(50, 60000).default('2000'),
  // The system of record (src/records): PostgreSQL when DATABASE_URL is set, else PGlite in PGLITE_DIR.
  DATABASE_URL: optionalText.refine(
    (v) => v === undefined || /^postgres(?:ql)?:\/\//.test(v),
    'must start with postgres:// or postgresql://',
  ),
  PGLITE_DIR: z.string().trim().min(1).default('var/records'),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default('10000'),
  // How long records are kept (days), and whether the bot purges daily itself (else `npm run retention` on a schedule).
  RETENTION_RECORDS_DAYS: integer(1, 36_500).default('1826'),
  RETENTION_STAFF_ACCESS_DAYS: integer(1, 36_500).default('731'),
  RETENTION_TRANSCRIPT_DAYS: integer(1, 36_500).default('90'),
  RETENTION_CONSENT_DAYS: integer(1, 36_500).default('1826'),
  RETENTION_DAILY: flag,
  STATE_KEY_PREFIX: z.string().min(1).default('jca:'),
  STATE_TTL_SECONDS: integer(60, 30 * 24 * 3600).default('1800'),
  DEDUP_TTL_SECONDS: integer(30, 24 * 3600).default('600'),
  FLOW_IDLE_MINUTES: integer(1, 24 * 60).default('10'),
  MAX_BODY_BYTES: integer(1024, 10 * 1024 * 1024).default('262144'),
  PUBLIC_BASE_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/[^/]/.test(v), 'must be an http(s) URL'),
  CA_DIR: z.string().trim().min(1).default('var/ca'),
  CERT_VALIDITY_DAYS: integer(1, 825).default('365'),
  TRUSTED_ROOTS_DIR: optionalText,
  CRL_DIR: optionalText,
  SECRETS_KEY: base64Key,
  // Sealing keys (src/keys): they rotate; SECRETS_KEY, the root of customer ids, does not.
  KEY_PROVIDER: z.enum(['env', 'sandbox-kms']).default('env'),
  SEALING_KEY: base64Key,
  SEALING_PREVIOUS_KEYS: base64KeyList,
  KEYRING_FILE: z.string().trim().min(1).default('var/keys/keyring.json'),
  SANDBOX_KMS_KEY_FILE: z.string().trim().min(1).default('var/keys/sandbox-kms.key'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AGENTS: parsedWith(parseAgentAccounts),
  AGENT_SESSION_MINUTES: integer(5, 24 * 60).default('480'),
  AGENT_TIMEZONE: parsedWith(timeZone, 'Asia/Seoul'),
  AGENT_HOURS: parsedWith(parseAgentHours),
  // Direct Line endpoint (src/directLine): the bank's backend holds the secret and makes tokens with it.
  DIRECTLINE_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  DIRECTLINE_TOKEN_MINUTES: integer(1, 24 * 60).default('60'),
  CHAT_FRAME_ANCESTORS: originList.default(''),
  // The secure step's page (src/secure): its own origin, and the bank's app's deep link for in-app browsers.
  SECURE_ORIGIN: optionalText.refine((v) => v === undefined || ORIGIN.test(v.toLowerCase()), 'must be an origin (https://host[:port])'),
  BANK_APP_LINK: z
    .string()
    .trim()
    .max(500)
    .default('bankapp-sandbox://secure?ticket={ticket}')
    // A scheme, no spaces, and a place for the ticket (checked apart: one pattern would backtrack on repeated {ticket}).
    .refine((v) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(v) && v.includes('{ticket}'), 'must be a URL with {ticket} where the ticket goes'),
  SUPERVISORS: hostList.default(''),
  HUB_CHANNELS: hostList.default('').superRefine((channels, ctx) => {
    // The customer's own channels can never speak for a hub (finding: a customer's client ended an agent's conversation).
    for (const channel of channels.filter((c) => CUSTOMER_CHANNELS.includes(c)))
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${channel} is a customer channel, not a hub` });
  }),
  // The agent desk on a listener of its own, apart from the customer's (DESK_PORT turns it on), and where browsers open it.
  DESK_HOST: optionalText,
  DESK_PORT: optionalText.pipe(integer(0, 65535).optional()),
  DESK_PUBLIC_URL: optionalText.refine((v) => v === undefined || ORIGIN.test(v.toLowerCase()), 'must be an origin (https://host[:port])'),
  // Wanted as a bearer token by /metrics on the customer's listener; without it /metrics is served only on the desk's.
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
});

/** Channels that belong to customers' own clients: never a handoff hub. */
const CUSTOMER_CHANNELS: readonly string[] = ['directline', 'webchat', 'emulator', 'test'];

/** A variable with a parser of its own, read once; what the parser throws is reported against the variable. */
function parsedWith<T>(parse: (text: string) => T, fallback = '') {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    });
}

/** A time zone the runtime knows (Intl throws a RangeError for any other), so the hours are checked in it. */
function timeZone(zone: string): string {
  new Intl.DateTimeFormat('en-US', { timeZone: zone });
  return zone;
}

/** Every variable the bot reads; `.env.example` documents each (a test keeps them in step). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface Config {
  readonly port: number;
  readonly host: string;
  /**
   * The sandbox (SANDBOX, on by default only on a loopback HOST outside production): one-time codes
   * shown on the secure page, dev tokens for the chat page, a throwaway agent. Never on a
   * public interface or in production: loadConfig refuses to start so.
   */
  readonly sandbox: boolean;
  /** Bot Framework authentication is on (MicrosoftAppId set); without it /api/messages answers loopback callers only. */
  readonly botAuthenticated: boolean;
  readonly botAuth: {
    readonly MicrosoftAppId?: string;
    readonly MicrosoftAppPassword?: string;
    readonly MicrosoftAppType: string;
    readonly MicrosoftAppTenantId?: string;
  };
  /** Hosts an unauthenticated (loopback) caller may name as serviceUrl; replies go nowhere else. */
  readonly localServiceUrlHosts: readonly string[];
  readonly redis?: { readonly url: string; readonly commandTimeoutMs: number };
  /** The system of record: a PostgreSQL server, or PGlite keeping its files in `pgliteDir` (one process only). */
  readonly database: { readonly url?: string; readonly pgliteDir: string; readonly statementTimeoutMs: number };
  /** How long each kind of record is kept; `daily`: the bot purges once a day itself. */
  readonly retention: RetentionSchedule & { readonly daily: boolean };
  readonly state: { readonly keyPrefix: string; readonly ttlSeconds: number; readonly dedupTtlSeconds: number };
  readonly maxBodyBytes: number;
  readonly logLevel: string;
  /** A journey idle longer than this is ended, safely, on the customer's next turn. */
  readonly flowIdleMinutes: number;
  /** Seals values a flow carries between turns and keys customer ids; shared by every instance. */
  readonly secretsKey?: Buffer;
  /** What seals (src/keys): SECRETS_KEY until a rotation, then SEALING_KEY, from the environment or a KMS's keyring. */
  readonly keys: {
    readonly provider: 'env' | 'sandbox-kms';
    readonly sealingKey?: Buffer;
    /** Keys that only open values sealed before a rotation, until `npm run keys:rotate` reseals them. */
    readonly previousSealingKeys: readonly Buffer[];
    /** The wrapped data keys of the KMS provider. */
    readonly keyringFile: string;
    readonly sandboxKmsKeyFile: string;
  };
  /** How customers and channels reach this bot: links (downloads, CRLs) are built on it. */
  readonly publicBaseUrl: string;
  readonly certificates: {
    /** Where the sandbox CAs keep their keys and certificates, created on first start. */
    readonly caDirectory: string;
    /** Extra trusted roots and intermediate CA certificates (PEM/DER), for other institutions. */
    readonly trustedRootsDirectory?: string;
    /** CRL files of other CAs, checked during registration. */
    readonly crlDirectory?: string;
    /** Validity of newly issued certificates, in days. */
    readonly validityDays: number;
  };
  readonly agentDesk: {
    /** Agents who may sign in to /agent; empty in the sandbox means one `local` agent with a printed password. */
    readonly accounts: readonly AgentAccount[];
    /** Agents who see every conversation and every event; others see the queue and their own. */
    readonly supervisors: readonly string[];
    readonly sessionMinutes: number;
    /** When agents take conversations, in `timeZone`; outside them customers are told when to come back. Always, when undefined. */
    readonly hours?: AgentHours;
    readonly timeZone: string;
    /** The desk's own listener, apart from the customer's, and the URL its page is opened at; on the customer's listener when undefined. */
    readonly listener?: DeskListener;
  };
  /** The bearer token /metrics wants on the customer's listener; there is no /metrics there without one. */
  readonly metricsToken?: string;
  /** The built-in Direct Line endpoint: the secret the bank's backend uses to make tokens, and how long tokens live. */
  readonly directLine: { readonly secret?: string; readonly tokenMinutes: number };
  /** Origins (the bank's app) that may frame the chat page; none but our own by default. */
  readonly chatFrameAncestors: readonly string[];
  readonly secure: {
    /**
     * Where customers open the secure step's page (SECURE_ORIGIN, else PUBLIC_BASE_URL's origin):
     * https outside loopback, since WebCrypto works only in a secure context.
     */
    readonly origin: string;
    /** The bank's app's deep link for a step handed over from a messaging app's browser, `{ticket}` where the ticket goes. */
    readonly appLink: string;
  };
  /** Channels whose handoff events (handoff.status) come from a hub, and which are told of handoffs (handoff.initiate). */
  readonly hubChannels: readonly string[];
}

export interface DeskListener {
  readonly host: string;
  readonly port: number;
  /** The desk page's origin as browsers see it: its cookies, HSTS and the Origin its actions must carry follow it. */
  readonly publicUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration. ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const botAuthenticated = e.MicrosoftAppId !== undefined;
  const production = e.NODE_ENV === 'production';
  const sandbox = e.SANDBOX ?? (isLoopback(e.HOST) && !production);
  if (sandbox && !isLoopback(e.HOST)) {
    throw new ConfigError(
      `Invalid configuration. SANDBOX: the sandbox shows one-time codes on the secure page and makes tokens for anyone; it runs only on a loopback HOST (HOST is ${e.HOST}). Set SANDBOX=false`,
    );
  }
  // Transcripts live in Redis with the conversation's state: its time to live is their retention's upper bound.
  if (e.STATE_TTL_SECONDS > e.RETENTION_TRANSCRIPT_DAYS * 24 * 3600)
    throw new ConfigError(
      'Invalid configuration. STATE_TTL_SECONDS: longer than RETENTION_TRANSCRIPT_DAYS; transcripts would outlive their retention',
    );
  if (sandbox && production) throw new ConfigError('Invalid configuration. SANDBOX: refused when NODE_ENV=production. Set SANDBOX=false');
  // Keyed hashes hang on SECRETS_KEY: without it they would change at every restart, whatever SEALING_KEY says.
  if (e.SECRETS_KEY === undefined && (e.SEALING_KEY !== undefined || e.SEALING_PREVIOUS_KEYS.length > 0 || e.KEY_PROVIDER !== 'env'))
    throw new ConfigError(
      'Invalid configuration. SECRETS_KEY: required with SEALING_KEY, SEALING_PREVIOUS_KEYS or KEY_PROVIDER=sandbox-kms',
    );
  const strangers = e.SUPERVISORS.filter((id) => !e.AGENTS.some((account) => account.id === id));
  if (e.AGENTS.length > 0 && strangers.length > 0)
    throw new ConfigError(`Invalid configuration. SUPERVISORS: ${strangers.join(', ')} not in AGENTS`);
  if (botAuthenticated && e.MicrosoftAppType !== 'UserAssignedMSI' && e.MicrosoftAppPassword === undefined) {
    throw new ConfigError('Invalid configuration. MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  if (e.MicrosoftAppType === 'SingleTenant' && e.MicrosoftAppTenantId === undefined) {
    throw new ConfigError('Invalid configuration. MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant');
  }
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, '');
  const secureOrigin = e.SECURE_ORIGIN?.toLowerCase() ?? new URL(publicBaseUrl).origin;
  if (secureOrigin.startsWith('http:') && !isLoopback(new URL(secureOrigin).hostname)) {
    throw new ConfigError(
      `Invalid configuration. SECURE_ORIGIN: the secure page needs https outside loopback (WebCrypto works only in a secure context); it is ${secureOrigin}${e.SECURE_ORIGIN === undefined ? ' (from PUBLIC_BASE_URL)' : ''}`,
    );
  }
  const deskListener = deskListenerOf(e, sandbox);
  return {
    port: e.PORT,
    host: e.HOST,
    sandbox,
    botAuthenticated,
    botAuth: {
      MicrosoftAppId: e.MicrosoftAppId,
      MicrosoftAppPassword: e.MicrosoftAppPassword,
      MicrosoftAppType: e.MicrosoftAppType,
      MicrosoftAppTenantId: e.MicrosoftAppTenantId,
    },
    localServiceUrlHosts: e.LOCAL_SERVICE_URL_HOSTS,
    redis: e.REDIS_URL === undefined ? undefined : { url: e.REDIS_URL, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS },
    database: { url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS },
    retention: {
      recordsDays: e.RETENTION_RECORDS_DAYS,
      staffAccessDays: e.RETENTION_STAFF_ACCESS_DAYS,
      transcriptDays: e.RETENTION_TRANSCRIPT_DAYS,
      consentDaysAfterRelationship: e.RETENTION_CONSENT_DAYS,
      daily: e.RETENTION_DAILY ?? false,
    },
    state: { keyPrefix: e.STATE_KEY_PREFIX, ttlSeconds: e.STATE_TTL_SECONDS, dedupTtlSeconds: e.DEDUP_TTL_SECONDS },
    maxBodyBytes: e.MAX_BODY_BYTES,
    logLevel: e.LOG_LEVEL,
    flowIdleMinutes: e.FLOW_IDLE_MINUTES,
    secretsKey: e.SECRETS_KEY === undefined ? undefined : Buffer.from(e.SECRETS_KEY, 'base64'),
    keys: {
      provider: e.KEY_PROVIDER,
      sealingKey: e.SEALING_KEY === undefined ? undefined : Buffer.from(e.SEALING_KEY, 'base64'),
      previousSealingKeys: e.SEALING_PREVIOUS_KEYS.map((key) => Buffer.from(key, 'base64')),
      keyringFile: e.KEYRING_FILE,
      sandboxKmsKeyFile: e.SANDBOX_KMS_KEY_FILE,
    },
    publicBaseUrl,
    agentDesk: {
      accounts: e.AGENTS,
      supervisors: e.SUPERVISORS,
      sessionMinutes: e.AGENT_SESSION_MINUTES,
      hours: e.AGENT_HOURS,
      timeZone: e.AGENT_TIMEZONE,
      listener: deskListener,
    },
    metricsToken: e.METRICS_TOKEN,
    certificates: {
      caDirectory: e.CA_DIR,
      trustedRootsDirectory: e.TRUSTED_ROOTS_DIR,
      crlDirectory: e.CRL_DIR,
      validityDays: e.CERT_VALIDITY_DAYS,
    },
    directLine: { secret: e.DIRECTLINE_SECRET, tokenMinutes: e.DIRECTLINE_TOKEN_MINUTES },
    chatFrameAncestors: e.CHAT_FRAME_ANCESTORS,
    secure: { origin: secureOrigin, appLink: e.BANK_APP_LINK },
    hubChannels: e.HUB_CHANNELS,
  };
}

/** The desk's own listener, when DESK_PORT is set: on loopback unless DESK_HOST says otherwise. */
function deskListenerOf(e: z.infer<typeof EnvSchema>, sandbox: boolean): DeskListener | undefined {
  if (e.DESK_PORT === undefined) {
    const orphan = e.DESK_HOST !== undefined ? 'DESK_HOST' : e.DESK_PUBLIC_URL !== undefined ? 'DESK_PUBLIC_URL' : undefined;
    if (orphan !== undefined)
      throw new ConfigError(`Invalid configuration. DESK_PORT: required when ${orphan} is set (the desk's own listener)`);
    return undefined;
  }
  const host = e.DESK_HOST ?? '127.0.0.1';
  if (e.DESK_PORT !== 0 && e.DESK_PORT === e.PORT && sameInterface(host, e.HOST)) {
    throw new ConfigError(
      `Invalid configuration. DESK_PORT: the desk's listener needs a port of its own; PORT is also ${e.PORT} on ${e.HOST} (DESK_HOST is ${host})`,
    );
  }
  if (sandbox && !isLoopback(host)) {
    throw new ConfigError(
      `Invalid configuration. SANDBOX: the sandbox's throwaway agent runs only on a loopback DESK_HOST (DESK_HOST is ${host}). Set SANDBOX=false`,
    );
  }
  if (e.DESK_PUBLIC_URL === undefined && isWildcard(host)) {
    throw new ConfigError(
      `Invalid configuration. DESK_PUBLIC_URL: required when DESK_HOST is ${host}, which is no address a browser opens (the desk acts only on requests from its own origin)`,
    );
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { host, port: e.DESK_PORT, publicUrl: (e.DESK_PUBLIC_URL ?? `http://${urlHost}:${e.DESK_PORT}`).toLowerCase() };
}

/** Whether two listeners on these hosts would take the same port on the same interface. */
function sameInterface(one: string, other: string): boolean {
  const address = (host: string) =>
    host
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/^localhost$/, '127.0.0.1');
  return address(one) === address(other) || isWildcard(one) || isWildcard(other);
}

/** Every interface: 0.0.0.0 or ::. */
function isWildcard(host: string): boolean {
  return ['0.0.0.0', '::', '[::]'].includes(host);
}

/** 127.0.0.1 (any 127/8), ::1 or localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || /^::ffff:127(?:\.\d{1,3}){3}$/.test(h);
}
