import { hashAgentPassword } from '../../src/agentDesk/agentAccounts';

/**
 * An agent at the desk over HTTP, as the desk's page is: signs in, then calls the /agent API with
 * the session cookie, JSON bodies, and the desk's own Origin (browsers send it with every POST
 * and DELETE; the desk refuses those without it).
 */
export class DeskClient {
  private constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
  ) {}

  /** The session token in the cookie (a test can expire the session in the store with it). */
  get token(): string {
    return this.cookie.slice(this.cookie.indexOf('=') + 1);
  }

  /** The Origin the desk's page sends: the desk's own. */
  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  static async signIn(baseUrl: string, id: string, password: string): Promise<DeskClient> {
    const response = await fetch(`${baseUrl}/agent/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(baseUrl).origin },
      body: JSON.stringify({ id, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return new DeskClient(baseUrl, cookie);
  }

  async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.send(method, path, {
      headers: { origin: this.origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** A request with the session cookie and only the headers and body given: what another site's page could send. */
  async send(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | FormData | URLSearchParams },
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}/agent/api${path}`, {
      method,
      headers: { cookie: this.cookie, ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  signOut(): Promise<{ status: number; body: any }> {
    return this.call('DELETE', '/session');
  }

  /** The live events from /agent/api/events, as the page listens to them. */
  async openEvents(): Promise<DeskEventStream> {
    const controller = new AbortController();
    const response = await fetch(`${this.baseUrl}/agent/api/events`, { headers: { cookie: this.cookie }, signal: controller.signal });
    const reader = response.body?.getReader();
    if (response.status !== 200 || reader === undefined) throw new Error(`no event stream: ${response.status}`);
    return new DeskEventStream(reader, controller);
  }

  /** The first `count` live events from /agent/api/events, as parsed JSON. */
  async events(count: number, during: () => Promise<void>): Promise<any[]> {
    const stream = await this.openEvents();
    try {
      await during();
      const events: any[] = [];
      while (events.length < count) events.push(await stream.next());
      return events;
    } finally {
      stream.close();
    }
  }
}

/** One open event stream: events in the order they came, and whether the server ended it. */
export class DeskEventStream {
  /** Every event received so far, as parsed JSON. */
  readonly received: any[] = [];
  /** Resolves when the server ends the stream (not when we close it). */
  readonly ended: Promise<void>;
  private taken = 0;
  private wake: () => void = () => undefined;

  constructor(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly controller: AbortController,
  ) {
    this.ended = this.read(reader);
    this.ended.catch(() => undefined);
  }

  /** The next event not yet taken; rejects if the stream ends first. */
  async next(): Promise<any> {
    while (this.taken >= this.received.length) {
      const more = new Promise<void>((resolve) => (this.wake = resolve));
      const end = await Promise.race([more.then(() => false), this.ended.then(() => true)]);
      if (end && this.taken >= this.received.length) throw new Error('the event stream ended');
    }
    return this.received[this.taken++];
  }

  close(): void {
    this.controller.abort();
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += Buffer.from(value).toString('utf8');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (chunk.startsWith('data: ')) this.received.push(JSON.parse(chunk.slice(6)));
      }
      this.wake();
    }
  }
}

/** AGENTS for tests: each id with the password `${id}-password-123`. */
export async function agentsConfig(ids: readonly string[]): Promise<string> {
  const entries = await Promise.all(ids.map(async (id) => `${id}:${await hashAgentPassword(`${id}-password-123`)}`));
  return entries.join(',');
}
