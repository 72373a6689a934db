import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import {
  AgentAccount,
  DEFAULT_SCRYPT_PARAMS,
  KEY_BYTES,
  parseAgentAccounts,
  SALT_BYTES,
  ScryptParameters,
  scryptMemory,
} from '../config/agents';

/** Shorter passwords are refused when hashing: agents can read every waiting conversation. */
export const MIN_AGENT_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, keyLength: number, params: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: scryptMemory(params) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The `scrypt$N$r$p$salt$hash` text for AGENTS (prefix it with `id:`). */
export async function hashAgentPassword(password: string): Promise<string> {
  if (password.length < MIN_AGENT_PASSWORD_LENGTH) {
    throw new Error(`an agent password needs at least ${MIN_AGENT_PASSWORD_LENGTH} characters`);
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_BYTES, DEFAULT_SCRYPT_PARAMS);
  const { N, r, p } = DEFAULT_SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Lowercase Crockford base32: no i, l, o, u, so a password read off a log is typed back right.
 * 32 symbols, so 5 random bits per character.
 */
const READABLE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** 16 characters in groups of four (80 random bits), e.g. `k3vq-9tzd-m2xa-7hcw`. */
function readablePassword(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let text = '';
  for (let i = 0; i < 16; i++) {
    text += READABLE_ALPHABET[Number((bits >> BigInt(5 * (15 - i))) & 31n)];
    if (i % 4 === 3 && i < 15) text += '-';
  }
  return text;
}

/** Who may sign in to the agent desk, and the password check. */
export class AgentDirectory {
  private readonly accounts: ReadonlyMap<string, AgentAccount>;
  /** Stands in for unknown ids, so that they cost the same scrypt as known ones. */
  private readonly decoy: AgentAccount = {
    id: '',
    params: DEFAULT_SCRYPT_PARAMS,
    salt: randomBytes(SALT_BYTES),
    hash: randomBytes(KEY_BYTES),
  };

  constructor(accounts: readonly AgentAccount[]) {
    this.accounts = new Map(accounts.map((account) => [account.id, account]));
    if (this.accounts.size !== accounts.length) throw new Error('AgentDirectory: duplicate agent ids');
  }

  /**
   * For the sandbox without AGENTS: one agent `local` with a fresh random password, which the
   * app prints once so that a newcomer can open the desk right after `npm start`.
   */
  static async withLocalAgent(): Promise<{ directory: AgentDirectory; id: string; password: string }> {
    const id = 'local';
    const password = readablePassword();
    const [account] = parseAgentAccounts(`${id}:${await hashAgentPassword(password)}`);
    return { directory: new AgentDirectory([account as AgentAccount]), id, password };
  }

  /** The agent id when the password is right, else undefined (unknown id or wrong password alike). */
  async verify(id: string, password: string): Promise<string | undefined> {
    const known = this.accounts.get(id);
    const account = known ?? this.decoy;
    const derived = await derive(password, account.salt, account.hash.length, account.params);
    // timingSafeEqual needs equal lengths, which derive() guarantees.
    const matches = timingSafeEqual(derived, account.hash);
    return known !== undefined && matches ? known.id : undefined;
  }

  /** Whether `id` is configured now (a session of a removed agent is no longer honoured). */
  has(id: string): boolean {
    return this.accounts.has(id);
  }

  ids(): string[] {
    return [...this.accounts.keys()];
  }
}
