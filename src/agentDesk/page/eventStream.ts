import type { DeskEvent } from './deskTypes';
import { text } from './i18n';
import { ui } from './ui';

const RETRY_MS = 5000;

type Connection = 'connecting' | 'open' | 'reconnecting';

export interface EventStreamHandlers {
  onEvent(event: DeskEvent): void;
  /** The stream is back after an interruption: events may have been missed. */
  onReconnected(): void;
  /** Whether the session still holds (a sign-in form is shown when not); asked when the stream fails. */
  stillSignedIn(): Promise<boolean>;
}

/** The desk's live events (server-sent, /agent/api/events), and the connection's state in the top bar. */
export class EventStream {
  private source: EventSource | null = null;

  constructor(private readonly handlers: EventStreamHandlers) {}

  start(): void {
    this.stop();
    showConnection('connecting');
    const source = new EventSource('/agent/api/events', { withCredentials: true });
    this.source = source;
    let interrupted = false;
    source.onopen = () => {
      showConnection('open');
      if (interrupted) {
        interrupted = false;
        this.handlers.onReconnected();
      }
    };
    source.onmessage = (message: MessageEvent<string>) => {
      const event = parse(message.data);
      if (event !== undefined) this.handlers.onEvent(event);
    };
    source.onerror = () => {
      interrupted = true;
      showConnection('reconnecting');
      void this.handlers.stillSignedIn().then((signedIn) => {
        // The browser gave up (e.g. an answer other than 200): retry ourselves.
        if (signedIn && this.source === source && source.readyState === EventSource.CLOSED) {
          setTimeout(() => {
            if (this.source === source) this.start();
          }, RETRY_MS);
        }
      });
    };
  }

  stop(): void {
    if (this.source === null) return;
    this.source.onerror = null;
    this.source.close();
    this.source = null;
  }
}

function parse(data: string): DeskEvent | undefined {
  try {
    const event = JSON.parse(data) as unknown;
    return typeof event === 'object' && event !== null && 'type' in event && typeof event.type === 'string'
      ? (event as DeskEvent)
      : undefined;
  } catch {
    return undefined;
  }
}

function showConnection(connection: Connection): void {
  ui.connection.dataset.state = connection;
  ui.connection.textContent = text(`desk.connection.${connection}`);
}

/** Says the connection's state again, in the page's language now. */
export function redrawConnection(): void {
  const connection = ui.connection.dataset.state;
  if (connection === 'connecting' || connection === 'open' || connection === 'reconnecting') showConnection(connection);
}
