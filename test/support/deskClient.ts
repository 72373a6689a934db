import { hashAgentPassword } from '../../src/agentDesk/agentAccounts';

/** An agent at the desk over HTTP: signs in, then calls the /agent API with the session cookie. */
export class DeskClient {
  private constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
  ) {}

  static async signIn(baseUrl: string, id: string, password: string): Promise<DeskClient> {
    const response = await fetch(`${baseUrl}/agent/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, password }) });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return new DeskClient(baseUrl, cookie);
  }

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}/agent/api${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  /** The first `count` live events from /agent/api/events, as parsed JSON. */
  async events(count: number, during: () => Promise<void>): Promise<any[]> {
    const controller = new AbortController();
    const response = await fetch(`${this.baseUrl}/agent/api/events`, { headers: { cookie: this.cookie }, signal: controller.signal });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no event stream');
    const events: any[] = [];
    let buffer = '';
    const reading = (async () => {
      while (events.length < count) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += Buffer.from(value).toString('utf8');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (chunk.startsWith('data: ')) events.push(JSON.parse(chunk.slice(6)));
        }
      }
    })();
    await during();
    await reading;
    controller.abort();
    return events.slice(0, count);
  }
}

/** AGENTS for tests: each id with the password `${id}-password-123`. */
export async function agentsConfig(ids: readonly string[]): Promise<string> {
  const entries = await Promise.all(ids.map(async (id) => `${id}:${await hashAgentPassword(`${id}-password-123`)}`));
  return entries.join(',');
}
