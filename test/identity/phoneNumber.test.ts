import { randomBytes } from 'node:crypto';
import { MOBILE_CARRIERS, MobileCarrier, MobileNumber, parseCarrier, parseMobileNumber, phoneIdOf } from '../../src/identity/phoneNumber';

describe('parseCarrier', () => {
  test.each<[string, MobileCarrier]>([
    ['SKT', 'SKT'],
    ['skt', 'SKT'],
    ['SK텔레콤', 'SKT'],
    ['SK 텔레콤', 'SKT'],
    ['SK Telecom', 'SKT'],
    ['에스케이', 'SKT'],
    ['에스케이티', 'SKT'],
    ['에스케이요', 'SKT'],
    ['SKT입니다', 'SKT'],
    ['KT', 'KT'],
    ['케이티', 'KT'],
    ['케이티요', 'KT'],
    ['olleh', 'KT'],
    ['LG U+', 'LGU+'],
    ['LGU+', 'LGU+'],
    ['LG유플러스', 'LGU+'],
    ['엘지', 'LGU+'],
    ['엘지 유플러스', 'LGU+'],
    ['U+', 'LGU+'],
    ['Ｕ＋', 'LGU+'],
    ['유플러스', 'LGU+'],
    ['LG', 'LGU+'],
    ['알뜰폰 SKT', 'SKT_MVNO'],
    ['SKT 알뜰폰', 'SKT_MVNO'],
    ['알뜰폰(SKT망)', 'SKT_MVNO'],
    ['알뜰폰 SKT망이요', 'SKT_MVNO'],
    ['에스케이 알뜰폰', 'SKT_MVNO'],
    ['알뜰폰 KT', 'KT_MVNO'],
    ['KT MVNO', 'KT_MVNO'],
    ['케이티 알뜰', 'KT_MVNO'],
    ['알뜰폰 LG U+', 'LGU+_MVNO'],
    ['LG 알뜰폰', 'LGU+_MVNO'],
    ['알뜰폰 유플러스망', 'LGU+_MVNO'],
    ['U+ mvno', 'LGU+_MVNO'],
  ])('%s → %s', (text, carrier) => {
    expect(parseCarrier(text)).toEqual({ ok: true, value: carrier });
  });

  test.each(['알뜰폰', '알뜰폰이요', 'MVNO'])('%s alone asks for the network', (text) => {
    expect(parseCarrier(text)).toEqual({ ok: false, problem: 'mvnoNetworkMissing' });
  });

  test.each(['', '통신사', 'Verizon', 'SKTT', '010-1234-5678', '스카이', 'KTX'])('%s is unknown', (text) => {
    expect(parseCarrier(text)).toEqual({ ok: false, problem: 'unknown' });
  });

  test('every carrier can be read back from its own code', () => {
    for (const carrier of MOBILE_CARRIERS) {
      const text = carrier.endsWith('_MVNO') ? `알뜰폰 ${carrier.replace('_MVNO', '')}` : carrier;
      expect(parseCarrier(text)).toEqual({ ok: true, value: carrier });
    }
  });
});

describe('parseMobileNumber', () => {
  test.each([
    ['010-1234-5678', '01012345678', '010-****-5678'],
    ['01012345678', '01012345678', '010-****-5678'],
    ['010 1234 5678', '01012345678', '010-****-5678'],
    [' 010 - 1234 - 5678 ', '01012345678', '010-****-5678'],
    ['010.1234.5678', '01012345678', '010-****-5678'],
    ['(010) 1234-5678', '01012345678', '010-****-5678'],
    ['０１０－１２３４－５６７８', '01012345678', '010-****-5678'],
    ['+82 10-1234-5678', '01012345678', '010-****-5678'],
    ['+82 010 1234 5678', '01012345678', '010-****-5678'],
    ['82-10-1234-5678', '01012345678', '010-****-5678'],
    ['011-234-5678', '0112345678', '011-***-5678'],
    ['011-1234-5678', '01112345678', '011-****-5678'],
    ['016-234-5678', '0162345678', '016-***-5678'],
    ['017-9876-5432', '01798765432', '017-****-5432'],
    ['018-234-5678', '0182345678', '018-***-5678'],
    ['019-234-5678', '0192345678', '019-***-5678'],
  ])('%s', (text, digits, masked) => {
    const result = parseMobileNumber(text);
    if (!result.ok) throw new Error(`expected ${text} to parse`);
    expect(result.value.digits).toBe(digits);
    expect(result.value.masked).toBe(masked);
  });

  test.each([
    ['010 with 7 subscriber digits', '010-123-4567'],
    ['too long', '010-1234-56789'],
    ['too short', '010-123-456'],
    ['012 is not a mobile prefix', '012-1234-5678'],
    ['015', '015-1234-5678'],
    ['a landline', '02-1234-5678'],
    ['070', '070-1234-5678'],
    ['letters', '010-abcd-5678'],
    ['a foreign number', '+1 415 555 0100'],
    ['masked', '010-****-5678'],
    ['empty', ''],
  ])('rejects %s: %s', (_why, text) => {
    expect(parseMobileNumber(text)).toEqual({ ok: false });
  });
});

describe('phoneIdOf', () => {
  const key = randomBytes(32);
  const phone = (text: string): MobileNumber => {
    const result = parseMobileNumber(text);
    if (!result.ok) throw new Error(`fixture ${text}`);
    return result.value;
  };

  test('is a stable keyed HMAC-SHA256 in hex, the same however the number was typed', () => {
    const id = phoneIdOf(phone('010-2468-1357'), key);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(phoneIdOf(phone('+82 10 2468 1357'), key)).toBe(id);
  });

  test('differs per number and per key, and does not contain the digits', () => {
    const id = phoneIdOf(phone('010-2468-1357'), key);
    expect(phoneIdOf(phone('010-2468-1358'), key)).not.toBe(id);
    expect(phoneIdOf(phone('010-2468-1357'), randomBytes(32))).not.toBe(id);
    expect(id).not.toContain('24681357');
  });

  test('refuses a short key', () => {
    expect(() => phoneIdOf(phone('010-2468-1357'), Buffer.alloc(8))).toThrow(RangeError);
  });
});
