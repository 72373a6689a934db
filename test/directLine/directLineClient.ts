import { dirname } from 'node:path';
import { DirectLine } from 'botframework-directlinejs';
import WebSocket from 'ws';
import { eventually } from '../support/httpJourneys';

/**
 * botframework-directlinejs, the client Web Chat uses, run in Node. It speaks HTTP through
 * rxjs 5's XMLHttpRequest ajax, which Node lacks: `fetchAjax` stands in through its `ajax`
 * option (built on the same rxjs copy, whose operators directlinejs patches in). For streams it
 * needs a global WebSocket, which Node 20 lacks: the `ws` package is given, as global and option.
 */
const { Observable } = require(require.resolve('rxjs/Observable', { paths: [dirname(require.resolve('botframework-directlinejs'))] }));

interface AjaxRequest {
  url?: string;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeout?: number;
  responseType?: string;
}

export function fetchAjax(request: AjaxRequest): unknown {
  return Observable.create((subscriber: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => {
    const controller = new AbortController();
    const timer = request.timeout ? setTimeout(() => controller.abort(), request.timeout) : undefined;
    const body =
      request.body === undefined || request.body instanceof FormData || typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
    fetch(request.url ?? '', {
      method: request.method ?? 'GET',
      headers: request.headers,
      body: body as string | FormData | undefined,
      signal: controller.signal,
    })
      .then(async (response) => {
        const text = request.responseType === 'arraybuffer' ? undefined : await response.text();
        const payload = text === undefined ? await response.arrayBuffer() : text === '' ? null : JSON.parse(text);
        const result = {
          status: response.status,
          response: payload,
          xhr: { getResponseHeader: (name: string) => response.headers.get(name) },
        };
        if (response.ok) {
          subscriber.next(result);
          subscriber.complete();
        } else subscriber.error(result);
      })
      .catch((err: unknown) => subscriber.error({ status: 0, err }))
      .finally(() => clearTimeout(timer));
    return () => controller.abort();
  });
}

export interface ClientOptions {
  readonly domain: string;
  readonly token?: string;
  readonly secret?: string;
  readonly conversationId?: string;
  readonly watermark?: string;
  readonly webSocket: boolean;
}

export type ReceivedActivity = Record<string, any>;

/** One customer's Direct Line connection: everything received is kept, in order. */
export class DirectLineTestClient {
  readonly received: ReceivedActivity[] = [];
  readonly directLine: DirectLine;
  private readonly subscription: { unsubscribe(): void };

  constructor(options: ClientOptions) {
    if (options.webSocket) (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    this.directLine = new DirectLine({ ...options, pollingInterval: 200, ajax: fetchAjax as never, WebSocket: WebSocket as never });
    this.subscription = this.directLine.activity$.subscribe((activity) => this.received.push(activity as ReceivedActivity));
  }

  /** Posts as directlinejs does; resolves with the id the service gave (or "retry" when it refused with 403/5xx). */
  post(activity: Record<string, unknown>): Promise<string> {
    return new Promise((resolve, reject) => this.directLine.postActivity(activity as never).subscribe({ next: resolve, error: reject }));
  }

  /** The first activity received (so far or later) that matches, within the deadline. */
  async waitFor(predicate: (activity: ReceivedActivity) => boolean, timeoutMs = 10_000): Promise<ReceivedActivity> {
    return eventually(() => this.received.find(predicate), timeoutMs);
  }

  end(): void {
    this.subscription.unsubscribe();
    this.directLine.end();
  }
}

export const textOf = (activity: ReceivedActivity): string => String(activity.text ?? '');
