import { randomInt } from 'node:crypto';
import ko from '../../locales/ko/translation.json';
import { normalizeSerial } from '../../src/certificates/ca/certificateRevocationList';
import type { Queryable } from '../../src/records/database';
import { SqlCaLedger } from '../../src/records/sqlCaLedger';
import type { HttpCustomer } from './httpCustomer';
import { identityDetails, SecurePage, secureLinkIn } from './secureStepOverHttp';

export const CERT_PASSWORD = 'Gildong#2026!';

/** A customer of their own for each drill: nobody already holds a certificate under this 주민등록번호. */
export function freshRrn(): string {
  return `900101-1${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** The start of a Korean reply as the locales have it (up to its first parameter or line break), to recognize it. */
export function promptOf(key: string): string {
  const template = key
    .split('.')
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), ko);
  if (typeof template !== 'string') throw new Error(`no Korean text for ${key}`);
  return template.split(/\{\{|\[\[|\n/)[0]?.trim() ?? template;
}

export function expectReply(texts: readonly string[], key: string): void {
  const prompt = promptOf(key);
  if (!texts.some((text) => text.startsWith(prompt) || text.includes(prompt))) {
    throw new Error(`expected the reply "${key}" (${prompt}…), got:\n${texts.join('\n---\n')}`);
  }
}

/** Which instance serves the i-th turn of the chat, and the calls of the page a link opens (the link's own instance unless given). */
export interface Route {
  readonly chat: (turn: number) => string;
  readonly page?: (link: string) => string | undefined;
}

/** Everything on one instance. */
export const onInstance = (url: string): Route => ({ chat: () => url });

/**
 * One customer's journeys over HTTP: chat turns on the 'test' channel (no buttons there, so each
 * secure step's link is in the text), every secure step done on its page through the page's API,
 * and what the bot then says by itself awaited as it arrives.
 */
export class HttpJourney {
  /** The one-time codes the sandbox showed on the pages, in order. */
  readonly codes: string[] = [];
  /** Each page opened: its link, and the instance its calls went to when not the link's own. */
  readonly pages: { readonly link: string; readonly via?: string }[] = [];
  private turn = 0;

  constructor(
    readonly customer: HttpCustomer,
    private readonly route: Route,
  ) {}

  /** One turn; its replies must include `key` when given. */
  async say(text: string, key?: string): Promise<string[]> {
    const replies = await this.customer.say(this.route.chat(this.turn++), text);
    if (key !== undefined) expectReply(replies, key);
    return replies;
  }

  /** What the bot says by itself up to a message saying `key`, within `timeoutMs`. */
  hear(key: string, timeoutMs?: number): Promise<string[]> {
    const prompt = promptOf(key);
    return this.customer.heard((text) => text.includes(prompt), timeoutMs);
  }

  /** Opens the page of the last secure step link in `shown`. */
  page(shown: readonly string[]): Promise<SecurePage> {
    const link = secureLinkIn(shown);
    const via = this.route.page?.(link);
    this.pages.push({ link, via });
    return SecurePage.open(link, { via });
  }

  /** Starts a journey and does 본인 인증 on its page; returns what the chat says by itself next, up to `then`. */
  async verifyIdentity(start: string, rrn: string, then: string): Promise<string[]> {
    const identity = await this.page(await this.say(start, 'secureStep.open.identity'));
    this.codes.push(await identity.verifyIdentity(identityDetails(rrn)));
    return this.hear(then);
  }

  /** 추가 인증 on the page the chat just offered (in `shown`); returns what the chat says by itself next, up to `then`. */
  async verifyAdditional(shown: readonly string[], then: string): Promise<string[]> {
    const additional = await this.page(shown);
    this.codes.push(await additional.verifyAdditional());
    return this.hear(then);
  }

  /** Starts a journey and does 본인 인증 and 추가 인증 on their pages; returns what the chat says by itself next, up to `then`. */
  async verify(start: string, rrn: string, then: string): Promise<string[]> {
    return this.verifyAdditional(await this.verifyIdentity(start, rrn, 'secureStep.open.additional'), then);
  }

  /** 발급 up to its secure page: verified, terms agreed, the free type chosen; returns the page, opened. */
  async untilIssuancePage(rrn: string): Promise<SecurePage> {
    await this.verify('인증서 발급', rrn, 'issuance.terms');
    await this.say('동의합니다', 'issuance.chooseType');
    return this.page(await this.say('은행·신용카드·보험용 (무료)', 'secureStep.open.issuance'));
  }

  /** A whole 발급; returns the serial number the device kept and what the chat said once it had. */
  async issue(rrn: string, password = CERT_PASSWORD): Promise<{ serialNumber: string; replies: string[] }> {
    const page = await this.untilIssuancePage(rrn);
    const { serialNumber } = await page.issue(password);
    return { serialNumber, replies: await this.hear('issuance.advice') };
  }
}

export interface JournaledIssuance {
  readonly key: string;
  readonly fields: Record<string, string>;
}

/** The issuance journal's records in the system of record (table issuances; src/records/sqlIssuanceJournal.ts). */
export async function journaledIssuances(db: Queryable): Promise<JournaledIssuance[]> {
  const rows = await db.query<{
    key: string;
    customer_id: string;
    serial_number: string | null;
    fingerprint: string | null;
    outcome: string | null;
  }>('SELECT key, customer_id, serial_number, fingerprint, outcome FROM issuances ORDER BY started_at');
  return rows.map((row) => ({
    key: row.key,
    fields: {
      customerId: row.customer_id,
      ...(row.serial_number !== null && { serialNumber: row.serial_number }),
      ...(row.fingerprint !== null && { fingerprint: row.fingerprint }),
      ...(row.outcome !== null && { outcome: row.outcome }),
    },
  }));
}

/** Polls `probe` until it returns something (not undefined or false), or fails after the deadline: no fixed sleeps in tests. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The bank CA ledger's entry for a serial, as stored. */
export async function ledgerEntry(db: Queryable, serialNumber: string): Promise<{ revokedAt?: string; reason?: string } | undefined> {
  return new SqlCaLedger(db, 'bank').find(normalizeSerial(serialNumber));
}
