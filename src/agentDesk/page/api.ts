import type { Detail, EndMode, Entry, Queue } from './deskTypes';
import { noteServerDate } from './serverClock';

const API = '/agent/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(code ?? `HTTP ${status}`);
  }
}

const conversation = (id: string, action = '') => `/conversations/${encodeURIComponent(id)}${action === '' ? '' : `/${action}`}`;

/**
 * The desk's JSON API under /agent/api. Each call resolves with the answer's body, or throws an
 * ApiError (status 0, code `network`, when the server could not be reached). The answers are the
 * server's own, typed as test/agentDesk/deskPageContract.test.ts checks; they are not parsed again here.
 */
class DeskApi {
  private sessionEnded = (): void => undefined;

  /** What to do on a 401 to anything but signing in: the session is gone. */
  onSessionEnded(callback: () => void): void {
    this.sessionEnded = callback;
  }

  me = () => this.call<{ agentId: string }>('GET', '/me');
  signIn = (id: string, password: string) => this.call<{ agentId: string }>('POST', '/session', { id, password });
  signOut = () => this.call<unknown>('DELETE', '/session');
  queue = () => this.call<Queue>('GET', '/queue');
  agents = () => this.call<{ agents: { id: string }[] }>('GET', '/agents');
  conversation = (id: string) => this.call<{ conversation: Detail }>('GET', conversation(id));
  take = (id: string) => this.call<{ conversation: Detail }>('POST', conversation(id, 'take'));
  reply = (id: string, text: string) => this.call<{ entry: Entry }>('POST', conversation(id, 'messages'), { text });
  transfer = (id: string, to: string, note: string) => this.call<unknown>('POST', conversation(id, 'transfer'), { to, note });
  end = (id: string, mode: EndMode) => this.call<unknown>('POST', conversation(id, 'end'), { mode });

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const init: RequestInit = { method, credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(API + path, init);
    } catch {
      throw new ApiError(0, 'network');
    }
    noteServerDate(response.headers.get('date'));
    const data = parse(await response.text());
    if (response.ok) return (data ?? {}) as T;
    const code = typeof data === 'object' && data !== null && 'error' in data && typeof data.error === 'string' ? data.error : undefined;
    if (response.status === 401 && path !== '/session') this.sessionEnded();
    throw new ApiError(response.status, code);
  }
}

function parse(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

export const api = new DeskApi();
