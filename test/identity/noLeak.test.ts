import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import pino from 'pino';
import { MobileNumber, parseMobileNumber } from '../../src/identity/phoneNumber';
import { ResidentRegistrationNumber, parseResidentRegistrationNumber } from '../../src/identity/residentRegistrationNumber';

const RRN_DIGITS = '9001011357924';
const RRN_SECRET_TAIL = '357924';
const PHONE_DIGITS = '01098765432';
const PHONE_SECRET_MIDDLE = '9876';

function rrn(): ResidentRegistrationNumber {
  const result = parseResidentRegistrationNumber('900101-1357924', new Date('2025-01-01T00:00:00Z'));
  if (!result.ok) throw new Error('fixture');
  return result.value;
}

function phone(): MobileNumber {
  const result = parseMobileNumber('010-9876-5432');
  if (!result.ok) throw new Error('fixture');
  return result.value;
}

function expectNoSecrets(output: string): void {
  expect(output).not.toContain(RRN_SECRET_TAIL);
  expect(output).not.toContain(RRN_DIGITS);
  expect(output).not.toContain(PHONE_SECRET_MIDDLE);
  expect(output).not.toContain(PHONE_DIGITS);
}

/** Everything `write` receives, as one string. */
function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

describe('a 주민등록번호 and a phone number never show their digits', () => {
  test('the digits are there on purpose only', () => {
    expect(rrn().revealDigits()).toBe(RRN_DIGITS);
    expect(phone().digits).toBe(PHONE_DIGITS);
  });

  test('toString, String(), template strings and concatenation give the masked form', () => {
    const r = rrn();
    const p = phone();
    expect(r.toString()).toBe('900101-1******');
    expect(String(r)).toBe('900101-1******');
    expect(`${r}`).toBe('900101-1******');
    expect('' + r).toBe('900101-1******');
    expect(p.toString()).toBe('010-****-5432');
    expect(String(p)).toBe('010-****-5432');
    expect(`${p}`).toBe('010-****-5432');
    expect('' + p).toBe('010-****-5432');
    expect(new Error(`customer ${r} ${p}`).message).toBe('customer 900101-1****** 010-****-5432');
  });

  test('JSON.stringify, alone and nested, gives the masked form', () => {
    expect(JSON.stringify(rrn())).toBe('"900101-1******"');
    expect(JSON.stringify(phone())).toBe('"010-****-5432"');
    const json = JSON.stringify({ context: { rrn: rrn(), phone: phone(), list: [rrn(), phone()] } });
    expect(json).toContain('900101-1******');
    expect(json).toContain('010-****-5432');
    expectNoSecrets(json);
  });

  test('util.inspect (console.log) gives the masked form, even nested or with showHidden', () => {
    expect(inspect(rrn())).toBe('900101-1******');
    expect(inspect(phone())).toBe('010-****-5432');
    expectNoSecrets(inspect({ a: { b: { rrn: rrn(), phone: phone() } } }, { depth: 10, showHidden: true }));
    expectNoSecrets(inspect(rrn(), { customInspect: false, showHidden: true, getters: true }));
    expectNoSecrets(inspect(phone(), { customInspect: false, showHidden: true }));
  });

  test('util.format with every placeholder', () => {
    const out = format('%s %s %o %O %j %d', rrn(), phone(), rrn(), { phone: phone() }, { rrn: rrn() }, rrn());
    expect(out).toContain('900101-1******');
    expectNoSecrets(out);
    expectNoSecrets(format(rrn(), phone(), { nested: [rrn(), phone()] }));
  });

  test('a real console.log / console.error / console.dir', () => {
    const { stream, text } = collector();
    const console = new Console({ stdout: stream, stderr: stream });
    console.log(rrn(), phone());
    console.log('%s / %s', rrn(), phone());
    console.error({ rrn: rrn(), phone: phone() });
    console.dir({ rrn: rrn() }, { depth: 5 });
    console.table([{ rrn: rrn(), phone: phone() }]);
    expect(text()).toContain('900101-1******');
    expectNoSecrets(text());
  });

  test('spreading, Object.entries and structuredClone see only the masked fields', () => {
    expectNoSecrets(JSON.stringify({ ...rrn() }));
    expectNoSecrets(JSON.stringify({ ...phone() }));
    expectNoSecrets(JSON.stringify(Object.entries(rrn())));
    expectNoSecrets(inspect(structuredClone(rrn()), { customInspect: false }));
    expectNoSecrets(inspect(structuredClone(phone()), { customInspect: false }));
  });

  test('a plain pino logger (no redaction) writes only the masked forms', () => {
    let out = '';
    const logger = pino({}, { write: (line: string) => void (out += line) });
    logger.info({ rrn: rrn() }, 'verifying');
    logger.info({ customer: { rrn: rrn(), phone: phone() } }, 'nested');
    logger.info(rrn(), 'as the merging object');
    logger.info(phone(), 'phone as the merging object');
    logger.info('interpolated %s %s %o %j', rrn(), phone(), rrn(), phone());
    logger.error({ err: new Error(`failed for ${rrn()}`), rrn: rrn() }, 'error');
    expect(out.split('\n').filter((l) => l !== '')).toHaveLength(6);
    const first = JSON.parse(out.split('\n')[0] as string) as { rrn: unknown };
    expect(first.rrn).toBe('900101-1******');
    expect(out).toContain('010-****-5432');
    expectNoSecrets(out);
  });
});
