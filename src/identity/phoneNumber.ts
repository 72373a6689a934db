import { createHmac } from 'node:crypto';
import { MaskedValue } from './maskedValue';

import type { MobileCarrier } from '../../dialogs/contract/domain';

export { MOBILE_CARRIERS, type MobileCarrier } from '../../dialogs/contract/domain';

export type CarrierParseResult =
  | { ok: true; value: MobileCarrier }
  /** `mvnoNetworkMissing`: "알뜰폰" alone; ask which network (SKT, KT or LG U+) it runs on. */
  | { ok: false; problem: 'unknown' | 'mvnoNetworkMissing' };

/**
 * Reads a carrier as customers type it, in Korean or English: `SKT`, `SK텔레콤`, `에스케이`,
 * `KT`, `케이티`, `LG U+`, `LG유플러스`, `엘지`, `U+`, `알뜰폰 SKT`, `SKT 알뜰폰`, `알뜰폰(KT망)`,
 * `LG mvno`, with polite endings (`SKT요`, `케이티입니다`).
 */
export function parseCarrier(text: string): CarrierParseResult {
  let compact = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.,·()[\]/]+/gu, '');
  const mvno = MVNO_MARKERS.some((marker) => compact.includes(marker));
  for (const marker of MVNO_MARKERS) compact = compact.split(marker).join('');
  for (const candidate of candidatesOf(compact)) {
    const network = NETWORK_ALIASES.get(candidate);
    if (network !== undefined) return { ok: true, value: mvno ? `${network}_MVNO` : network };
  }
  if (mvno && candidatesOf(compact).includes('')) return { ok: false, problem: 'mvnoNetworkMissing' };
  return { ok: false, problem: 'unknown' };
}

/**
 * A Korean mobile number (010, or the old 011/016/017/018/019). Like the 주민등록번호 it does not
 * leak by accident: `toString()`, `toJSON()` and `util.inspect` give `010-****-5678`; the
 * digits come out only through `digits`, a getter that `JSON.stringify`, spreading and
 * `Object.keys` do not see.
 */
export class MobileNumber extends MaskedValue {
  readonly #digits: string;
  /** `010-****-5678` (or `011-***-5678` for the old 10-digit numbers). */
  readonly masked: string;

  private constructor(digits: string) {
    super();
    this.#digits = digits;
    this.masked = `${digits.slice(0, 3)}-${'*'.repeat(digits.length - 7)}-${digits.slice(-4)}`;
    Object.freeze(this);
  }

  /** See `parseMobileNumber`. */
  static parse(text: string): MobileNumberParseResult {
    let compact = text.normalize('NFKC').replace(/[\s\-‐‑‒–—−.()]+/gu, '');
    const international = /^\+?82(0?1\d+)$/u.exec(compact);
    if (international !== null) {
      const national = international[1] ?? '';
      compact = national.startsWith('0') ? national : `0${national}`;
    }
    const match = /^01([016789])(\d{7,8})$/u.exec(compact);
    if (match === null) return { ok: false };
    // 010 numbers always have 8 subscriber digits; the old prefixes had 7 or 8.
    if (match[1] === '0' && match[2]?.length !== 8) return { ok: false };
    return { ok: true, value: new MobileNumber(compact) };
  }

  /** `01012345678`: for the OTP sender only; never log or store it. */
  get digits(): string {
    return this.#digits;
  }
}

export type MobileNumberParseResult = { ok: true; value: MobileNumber } | { ok: false };

/**
 * The phone's id where codes sent to it and typed for it are counted (`VerificationLimits`):
 * HMAC-SHA256 of the digits under a configured secret key, hex, like `customerIdOf`. Without the
 * key it cannot be reversed by trying every number, so the digits never reach Redis.
 */
export function phoneIdOf(phone: MobileNumber, key: Buffer): string {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`the phone id key must have at least ${MIN_KEY_BYTES} bytes`);
  return createHmac('sha256', key).update(phone.digits, 'utf8').digest('hex');
}

const MIN_KEY_BYTES = 16;

/**
 * Reads a mobile number with or without hyphens, spaces, dots or parentheses, full-width
 * characters (NFKC), and the international form `+82 10-1234-5678`.
 */
export function parseMobileNumber(text: string): MobileNumberParseResult {
  return MobileNumber.parse(text);
}

type Network = 'SKT' | 'KT' | 'LGU+';

const MVNO_MARKERS = ['알뜰폰', '알뜰', 'mvno'];

/** Compact (lower case, no spaces or punctuation) spellings of each network. */
const NETWORK_ALIASES: ReadonlyMap<string, Network> = new Map<string, Network>([
  ...aliases('SKT', ['skt', 'sk', 'sktelecom', 'sk텔레콤', 'sk텔', '에스케이', '에스케이티', '에스케이텔레콤', '에스케이텔']),
  ...aliases('KT', ['kt', '케이티', 'olleh', '올레', 'kt올레']),
  ...aliases('LGU+', [
    'lgu+',
    'lgu',
    'lg',
    'lguplus',
    'lgt',
    'lg텔레콤',
    'lg유플러스',
    'u+',
    'uplus',
    '유플러스',
    '엘지',
    '엘지u+',
    '엘지유플러스',
    '엘지텔레콤',
  ]),
]);

function aliases(network: Network, spellings: readonly string[]): Array<[string, Network]> {
  return spellings.map((spelling) => [spelling, network]);
}

/** Polite endings and "망" (network), which customers add to the carrier's name. */
const ENDINGS = ['입니다', '이에요', '예요', '에요', '이요', '요', '임'];

/** The text, and the text without one ending and/or a trailing 망, most literal first. */
function candidatesOf(compact: string): string[] {
  const stems = [compact, ...ENDINGS.filter((e) => compact.endsWith(e)).map((e) => compact.slice(0, -e.length))];
  return stems.flatMap((stem) => (stem.endsWith('망') ? [stem, stem.slice(0, -1)] : [stem]));
}
