import { PassThrough, Readable } from 'node:stream';
import { AgentDirectory, hashAgentPassword } from '../../src/agentDesk/agentAccounts';
import { parseAgentAccounts } from '../../src/config/agents';
import { runHashPasswordCli } from '../../src/agentDesk/hashPasswordCli';

const PASSWORD = 'correct horse battery';
let hash: string;
beforeAll(async () => {
  hash = await hashAgentPassword(PASSWORD);
});

describe('hashAgentPassword', () => {
  test('gives scrypt with N=16384 r=8 p=1, a 16-byte salt and a 32-byte key', () => {
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(key as string, 'base64')).toHaveLength(32);
  });

  test('salts every hash', async () => {
    expect(await hashAgentPassword(PASSWORD)).not.toBe(hash);
  });

  test('refuses a password shorter than 12 characters', async () => {
    await expect(hashAgentPassword('elevenchars')).rejects.toThrow(/at least 12/);
  });
});

describe('parseAgentAccounts', () => {
  test('empty or blank AGENTS is no agent', () => {
    expect(parseAgentAccounts('')).toEqual([]);
    expect(parseAgentAccounts('  ')).toEqual([]);
  });

  test('reads comma-separated entries, blanks around them ignored', () => {
    const accounts = parseAgentAccounts(`kim.j:${hash}, lee_2-b:${hash}`);
    expect(accounts.map((a) => a.id)).toEqual(['kim.j', 'lee_2-b']);
    expect(accounts[0]?.params).toEqual({ N: 16384, r: 8, p: 1 });
    expect(accounts[0]?.salt).toHaveLength(16);
    expect(accounts[0]?.hash).toHaveLength(32);
  });

  const salt = Buffer.alloc(16, 7).toString('base64');
  const key = Buffer.alloc(32, 9).toString('base64');
  test.each([
    ['no colon', `kim${'$'}scrypt`, /entry 2 has no ":"/],
    ['an uppercase id', `Kim:scrypt$16384$8$1$${salt}$${key}`, /entry 2 has an id/],
    ['an id of 41 characters', `${'a'.repeat(41)}:scrypt$16384$8$1$${salt}$${key}`, /entry 2 has an id/],
    ['an empty entry', '', /entry 2 is empty/],
    ['another scheme', `kim:bcrypt$16384$8$1$${salt}$${key}`, /entry 2 is not a scrypt hash/],
    ['a missing field', `kim:scrypt$16384$8$1$${key}`, /entry 2 is not a scrypt hash/],
    ['N not a power of two', `kim:scrypt$16000$8$1$${salt}$${key}`, /entry 2 has an N/],
    ['N below 16384', `kim:scrypt$1024$8$1$${salt}$${key}`, /entry 2 has an N/],
    ['N huge', `kim:scrypt$${2 ** 24}$8$1$${salt}$${key}`, /entry 2 has an N/],
    ['r not a number', `kim:scrypt$16384$x$1$${salt}$${key}`, /entry 2 has scrypt parameters/],
    ['p zero', `kim:scrypt$16384$8$0$${salt}$${key}`, /entry 2 has scrypt parameters/],
    ['too much memory', `kim:scrypt$${2 ** 20}$16$1$${salt}$${key}`, /entry 2 has scrypt parameters needing too much memory/],
    ['a short salt', `kim:scrypt$16384$8$1$${Buffer.alloc(8).toString('base64')}$${key}`, /entry 2 has a salt/],
    ['a salt that is not base64', `kim:scrypt$16384$8$1$${salt.slice(0, -4)}!!!!$${key}`, /entry 2 has a salt/],
    ['a short hash', `kim:scrypt$16384$8$1$${salt}$${Buffer.alloc(16).toString('base64')}`, /entry 2 has a hash/],
  ])('refuses %s, naming the entry', (_name, entry, message) => {
    expect(() => parseAgentAccounts(`lee:${hash},${entry}`)).toThrow(message);
  });

  test('never echoes hash material or the text of a bad entry', () => {
    const secretish = `kim:scrypt$16384$8$1$${salt}$${key.slice(0, -4)}####`;
    try {
      parseAgentAccounts(secretish);
      throw new Error('expected a failure');
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/entry 1/);
      expect(message).not.toContain(salt);
      expect(message).not.toContain(key.slice(0, 8));
      expect(message).not.toContain('kim');
    }
  });

  test('refuses duplicate ids, naming both entries', () => {
    expect(() => parseAgentAccounts(`kim:${hash},lee:${hash},kim:${hash}`)).toThrow(/entries 1 and 3 both have the id "kim"/);
  });
});

describe('AgentDirectory', () => {
  let directory: AgentDirectory;
  beforeAll(() => {
    directory = new AgentDirectory(parseAgentAccounts(`kim:${hash},lee:${hash}`));
  });

  test('verifies the right password, giving the agent id', async () => {
    expect(await directory.verify('kim', PASSWORD)).toBe('kim');
  });

  test('refuses a wrong password, an unknown id, and a near miss', async () => {
    expect(await directory.verify('kim', 'wrong password here')).toBeUndefined();
    expect(await directory.verify('park', PASSWORD)).toBeUndefined();
    expect(await directory.verify('kim', `${PASSWORD} `)).toBeUndefined();
    expect(await directory.verify('', PASSWORD)).toBeUndefined();
  });

  test('lists the configured ids', () => {
    expect(directory.ids()).toEqual(['kim', 'lee']);
    expect(directory.has('kim')).toBe(true);
    expect(directory.has('park')).toBe(false);
  });

  test('withLocalAgent makes agent "local" with a readable random password that verifies', async () => {
    const local = await AgentDirectory.withLocalAgent();
    expect(local.id).toBe('local');
    expect(local.password).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(local.directory.ids()).toEqual(['local']);
    expect(await local.directory.verify('local', local.password)).toBe('local');
    expect((await AgentDirectory.withLocalAgent()).password).not.toBe(local.password);
  });
});

describe('hashPasswordCli', () => {
  async function run(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { out: '', err: '' };
    out.on('data', (c: Buffer) => (chunks.out += c.toString()));
    err.on('data', (c: Buffer) => (chunks.err += c.toString()));
    const code = await runHashPasswordCli(args, Readable.from([stdin]), out, err);
    return { code, ...chunks };
  }

  test('prints an AGENTS entry for the id whose hash verifies the password from stdin', async () => {
    const { code, out } = await run(['kim.j'], `${PASSWORD}\r\nignored second line\n`);
    expect(code).toBe(0);
    expect(out).toMatch(/^kim\.j:scrypt\$16384\$8\$1\$[^\n]+\n$/);
    const directory = new AgentDirectory(parseAgentAccounts(out.trim()));
    expect(await directory.verify('kim.j', PASSWORD)).toBe('kim.j');
  });

  test('refuses a short password, and a missing or bad id, without printing an entry', async () => {
    expect(await run(['kim'], 'short\n')).toMatchObject({ code: 1, out: '' });
    expect(await run([], `${PASSWORD}\n`)).toMatchObject({ code: 2, out: '' });
    expect(await run(['Kim!'], `${PASSWORD}\n`)).toMatchObject({ code: 2, out: '' });
    expect(await run(['kim'], '')).toMatchObject({ code: 1, out: '' });
  });
});
