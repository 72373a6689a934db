import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { IdentityProvider, OtpSender, VerificationRequest } from '../../src/identity/identityProvider';
import { OTP_TTL_MS } from '../../src/identity/oneTimePassword';
import { MobileNumber, parseMobileNumber } from '../../src/identity/phoneNumber';
import { parseResidentRegistrationNumber } from '../../src/identity/residentRegistrationNumber';
import { CapturingOtpSender, PageDisplayOtpSender, SandboxIdentityProvider } from '../../src/identity/sandboxIdentityProvider';

const KEY = randomBytes(32);
const NOW = new Date('2025-06-15T03:00:00Z');
const later = (ms: number): Date => new Date(NOW.getTime() + ms);

function phone(text = '010-2468-1357'): MobileNumber {
  const result = parseMobileNumber(text);
  if (!result.ok) throw new Error('fixture');
  return result.value;
}

function request(purpose: 'identity' | 'additional' = 'identity', name = '홍길동'): VerificationRequest {
  const rrn = parseResidentRegistrationNumber('900101-1234567', NOW);
  if (!rrn.ok) throw new Error('fixture');
  return { name, rrn: rrn.value, carrier: 'SKT', phone: phone(), purpose };
}

function capturing(options: { revealCodes?: boolean } = {}): { sender: CapturingOtpSender; provider: SandboxIdentityProvider } {
  const sender = new CapturingOtpSender();
  return { sender, provider: new SandboxIdentityProvider({ sender, key: KEY, ...options }) };
}

const other = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('SandboxIdentityProvider', () => {
  test('sends a 6-digit code through the sender; the code from the sender verifies', async () => {
    const { sender, provider } = capturing();
    const started = await provider.startVerification(request(), NOW);
    const code = sender.lastCodeFor('01024681357');
    expect(code).toMatch(/^\d{6}$/);
    expect(sender.lastCodeFor('010-2468-1357')).toBe(code);
    expect(started.challenge.purpose).toBe('identity');
    expect(JSON.stringify(started)).not.toContain(code);
    expect(await provider.checkCode(started.challenge, code as string, later(30_000))).toEqual({ result: 'ok' });
  });

  test('does not reveal codes unless constructed with revealCodes', async () => {
    const { provider } = capturing();
    const started = await provider.startVerification(request(), NOW);
    expect('sandboxCode' in started).toBe(false);
    expect(Object.keys(started)).toEqual(['challenge']);
  });

  test('with revealCodes (the sandbox) returns the code it sent, for the chat to show', async () => {
    const { sender, provider } = capturing({ revealCodes: true });
    const started = await provider.startVerification(request(), NOW);
    expect(started.sandboxCode).toMatch(/^\d{6}$/);
    expect(started.sandboxCode).toBe(sender.lastCodeFor('01024681357'));
    expect(JSON.stringify(started.challenge)).not.toContain(started.sandboxCode);
  });

  test('accepts any name and any well-formed number', async () => {
    const { sender, provider } = capturing();
    for (const name of ['홍길동', 'Jane Doe', 'X']) {
      await provider.startVerification(request('identity', name), NOW);
    }
    const foreigner = parseResidentRegistrationNumber('150301-7555555', NOW);
    if (!foreigner.ok) throw new Error('fixture');
    await provider.startVerification({ ...request(), rrn: foreigner.value, carrier: 'KT_MVNO' }, NOW);
    expect(sender.countFor('01024681357')).toBe(4);
  });

  test('wrong and expired come from the shared OTP rules', async () => {
    const { sender, provider } = capturing();
    const { challenge } = await provider.startVerification(request(), NOW);
    const code = sender.lastCodeFor('01024681357') as string;
    expect(await provider.checkCode(challenge, other(code), later(1000))).toEqual({ result: 'wrong' });
    expect(await provider.checkCode(challenge, code, later(OTP_TTL_MS))).toEqual({ result: 'expired' });
  });

  test('additional authentication (추가 인증) sends a second code the same way, not interchangeable with the first', async () => {
    const { sender, provider } = capturing();
    const identity = await provider.startVerification(request('identity'), NOW);
    const identityCode = sender.lastCodeFor('01024681357', 'identity') as string;
    const additional = await provider.startVerification(request('additional'), later(60_000));
    const additionalCode = sender.lastCodeFor('01024681357', 'additional') as string;
    expect(additional.challenge.purpose).toBe('additional');
    expect(sender.countFor('01024681357')).toBe(2);
    expect(sender.lastCodeFor('01024681357')).toBe(additionalCode);
    expect(await provider.checkCode(additional.challenge, additionalCode, later(61_000))).toEqual({ result: 'ok' });
    if (identityCode !== additionalCode) {
      expect((await provider.checkCode(additional.challenge, identityCode, later(61_000))).result).toBe('wrong');
    }
    expect(await provider.checkCode(identity.challenge, identityCode, later(61_000))).toEqual({ result: 'ok' });
  });

  describe('resend', () => {
    test('sends a new code with a fresh 3 minutes, under a new challenge', async () => {
      const { sender, provider } = capturing({ revealCodes: true });
      const first = await provider.startVerification(request(), NOW);
      const firstCode = sender.lastCodeFor('01024681357') as string;

      const resent = await provider.resend(first.challenge, { carrier: 'SKT', phone: phone() }, later(OTP_TTL_MS + 10_000));
      const secondCode = sender.lastCodeFor('01024681357') as string;
      expect(sender.countFor('01024681357')).toBe(2);
      expect(resent.sandboxCode).toBe(secondCode);
      expect(resent.challenge).toMatchObject({ purpose: 'identity', expiresAt: later(2 * OTP_TTL_MS + 10_000).getTime() });
      expect(resent.challenge.id).not.toBe(first.challenge.id);
      if (firstCode !== secondCode)
        expect(await provider.checkCode(resent.challenge, firstCode, later(OTP_TTL_MS + 20_000))).toEqual({ result: 'wrong' });
      expect(await provider.checkCode(resent.challenge, secondCode, later(OTP_TTL_MS + 20_000))).toEqual({ result: 'ok' });
      expect(await provider.checkCode(resent.challenge, secondCode, later(2 * OTP_TTL_MS + 10_000))).toEqual({ result: 'expired' });
    });

    test('keeps the purpose of the previous challenge', async () => {
      const { provider } = capturing();
      const { challenge } = await provider.startVerification(request('additional'), NOW);
      const resent = await provider.resend(challenge, { carrier: 'SKT', phone: phone() }, later(60_000));
      expect(resent).toMatchObject({ challenge: { purpose: 'additional' } });
    });
  });

  test('a failing sender fails startVerification', async () => {
    const failing: OtpSender = { send: () => Promise.reject(new Error('SMS gateway down')) };
    const provider = new SandboxIdentityProvider({ sender: failing, key: KEY, revealCodes: true });
    await expect(provider.startVerification(request(), NOW)).rejects.toThrow('SMS gateway down');
  });

  test('is usable as an IdentityProvider', () => {
    const provider: IdentityProvider = capturing().provider;
    expect(typeof provider.startVerification).toBe('function');
  });
});

describe('CapturingOtpSender', () => {
  test('keeps the codes per phone', async () => {
    const sender = new CapturingOtpSender();
    await sender.send({ phone: phone('010-1111-2222'), code: '111111', purpose: 'identity' });
    await sender.send({ phone: phone('010-3333-4444'), code: '333333', purpose: 'identity' });
    await sender.send({ phone: phone('010-1111-2222'), code: '222222', purpose: 'identity' });
    expect(sender.lastCodeFor('01011112222')).toBe('222222');
    expect(sender.lastCodeFor('01033334444')).toBe('333333');
    expect(sender.lastCodeFor('01055556666')).toBeUndefined();
    expect(sender.lastCodeFor('01011112222', 'additional')).toBeUndefined();
  });
});

describe('PageDisplayOtpSender', () => {
  test('stores nothing and logs only the masked phone, never the code', async () => {
    let out = '';
    // No time or pid in the line, so no other number can contain a code by chance.
    const logger = pino({ base: undefined, timestamp: false }, { write: (line: string) => void (out += line) });
    const sender = new PageDisplayOtpSender(logger);
    const provider = new SandboxIdentityProvider({ sender, key: KEY, revealCodes: true });
    const started = await provider.startVerification(request(), NOW);
    expect(started.sandboxCode).toMatch(/^\d{6}$/);
    expect(out).toContain('010-****-1357');
    expect(out).toContain('"purpose":"identity"');
    expect(out).not.toContain(started.sandboxCode as string);
    expect(out).not.toContain('24681357');
  });

  test('works without a logger', async () => {
    await expect(new PageDisplayOtpSender().send({ phone: phone(), code: '123456', purpose: 'identity' })).resolves.toBeUndefined();
  });
});
