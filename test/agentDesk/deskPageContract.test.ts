/**
 * The desk page (src/agentDesk/page) reads the server's answers through its own types, and shows
 * texts named in its index.html. Both must stay what the server and the locales provide.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';
import type { AgentDesk, ConversationView, DeskOutcome } from '../../src/agentDesk/agentDesk';
import type { Detail, DeskEvent, ErrorCode, Queue, Summary } from '../../src/agentDesk/page/deskTypes';
import type { HandoffSummary } from '../../src/handoff/handoffBoard';
import type { DeskEvent as ServerEvent } from '../../src/handoff/handoffEvents';

/** Compiles (npm run typecheck) only while what the server sends can be read as the page's type. */
type Reads<Page, Sent extends Page> = [Page, Sent];
export type PageReadsServer = [
  Reads<Summary, HandoffSummary>,
  Reads<Detail, ConversationView>,
  Reads<Queue, Awaited<ReturnType<AgentDesk['queue']>>>,
  Reads<DeskEvent, Exclude<ServerEvent, { type: 'signedOut' }>>,
  Reads<ErrorCode, Extract<DeskOutcome<unknown>, { ok: false }>['error']>,
];

const text = (locale: object, key: string): unknown =>
  key.split('.').reduce<unknown>((node, name) => (node as Record<string, unknown> | undefined)?.[name], locale);

test('every text the desk page names is in both locales', () => {
  const html = readFileSync(join(__dirname, '..', '..', 'src', 'agentDesk', 'page', 'index.html'), 'utf8');
  const keys = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((match) => match[1]!);
  expect(keys.length).toBeGreaterThan(30);
  for (const key of keys) {
    expect([key, typeof text(ko, key)]).toEqual([key, 'string']);
    expect([key, typeof text(en, key)]).toEqual([key, 'string']);
  }
});
