/** Agent ids appear in logs, audit records and the desk, so they are kept plain and short. */
export const AGENT_ID_PATTERN = /^[a-z0-9._-]{1,40}$/;

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** One configured agent: the id and the scrypt hash of the password, never the password. */
export interface AgentAccount {
  readonly id: string;
  readonly params: ScryptParameters;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** What a new hash is made with (see hashAgentPassword), and the weakest AGENTS may hold. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParameters = { N: 16384, r: 8, p: 1 };
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * Bounds on what AGENTS may ask for: weaker than our own default would be a downgrade, and a
 * huge N or r would make every sign-in attempt a memory exhaustion.
 */
const MIN_N = DEFAULT_SCRYPT_PARAMS.N;
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DECIMAL = /^[1-9][0-9]{0,9}$/;

/** What scrypt allocates, roughly 128·N·r bytes; Node refuses above `maxmem` (32 MiB by default). */
export function scryptMemory({ N, r }: ScryptParameters): number {
  return 128 * N * r;
}

/**
 * Parses AGENTS: `id:scrypt$N$r$p$salt$hash` entries separated by commas (blanks around an
 * entry are ignored). Errors name the entry by position only, so that hash material (or a
 * password pasted by mistake) never reaches a log through a startup error.
 */
export function parseAgentAccounts(text: string): AgentAccount[] {
  if (text.trim() === '') return [];
  const accounts: AgentAccount[] = [];
  const positions = new Map<string, number>();
  text.split(',').forEach((raw, index) => {
    const position = index + 1;
    const account = parseEntry(raw.trim(), position);
    const earlier = positions.get(account.id);
    if (earlier !== undefined) {
      throw new Error(`AGENTS: entries ${earlier} and ${position} both have the id "${account.id}"`);
    }
    positions.set(account.id, position);
    accounts.push(account);
  });
  return accounts;
}

function parseEntry(entry: string, position: number): AgentAccount {
  const fail = (why: string): never => {
    throw new Error(`AGENTS: entry ${position} ${why} (expected id:scrypt$N$r$p$salt$hash)`);
  };
  if (entry === '') fail('is empty');
  const colon = entry.indexOf(':');
  if (colon < 0) fail('has no ":" between the id and the hash');
  const id = entry.slice(0, colon);
  if (!AGENT_ID_PATTERN.test(id)) fail('has an id that is not 1–40 characters of a-z, 0-9, ".", "_", "-"');
  return { id, ...parseHash(entry.slice(colon + 1), fail) };
}

function parseHash(text: string, fail: (why: string) => never): Omit<AgentAccount, 'id'> {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') fail('is not a scrypt hash with six "$"-separated fields');
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  if (![nText, rText, pText].every((value) => DECIMAL.test(value))) fail('has scrypt parameters that are not whole numbers');
  const params = { N: Number(nText), r: Number(rText), p: Number(pText) };
  if (!isPowerOfTwo(params.N) || params.N < MIN_N || params.N > MAX_N)
    fail(`has an N that is not a power of two from ${MIN_N} to ${MAX_N}`);
  if (params.r > MAX_R || params.p > MAX_P) fail(`has r above ${MAX_R} or p above ${MAX_P}`);
  if (scryptMemory(params) > MAX_SCRYPT_MEMORY) fail('has scrypt parameters needing too much memory');
  const salt = decodeBase64(saltText);
  const hash = decodeBase64(hashText);
  if (salt === undefined || salt.length < SALT_BYTES) fail(`has a salt that is not base64 of at least ${SALT_BYTES} bytes`);
  if (hash === undefined || hash.length < KEY_BYTES || hash.length > 64) fail(`has a hash that is not base64 of ${KEY_BYTES}–64 bytes`);
  return { params, salt: salt as Buffer, hash: hash as Buffer };
}

/** Strict: Buffer.from(…, 'base64') silently skips junk, so the text must round-trip. */
function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
}
