import { createHash, randomBytes } from 'node:crypto';
import type { SecureStepSpec } from '../../dialogs/contract/secure';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { SANDBOX_POLICY } from '../../src/certificates/npki/certificatePolicies';
import type { RegisteredCertificate } from '../../src/certificates/stores/certificateRegistry';
import { OTP_MAX_ATTEMPTS } from '../../src/identity/oneTimePassword';
import type { SecureView } from '../../src/secure/secureApi';
import { fixture } from '../support/opensslFixtures';
import { CUSTOMER, harness, type Harness } from './secureHarness';

const IDENTITY: SecureStepSpec = { kind: 'identity', journey: 'issuance' };
const ADDITIONAL: SecureStepSpec = { kind: 'additional', journey: 'reissue' };
const ISSUANCE: SecureStepSpec = { kind: 'issuance', journey: 'issuance', certificateType: 'personalGeneral' };
const REGISTRATION: SecureStepSpec = { kind: 'registration', journey: 'registration' };
const MINUTE = 60_000;

/** What the page does first: redeems the ticket and keeps the cookie. */
async function opened(h: Harness, step: SecureStepSpec, customer = h.customer) {
  const ticket = await h.open(step, { customer: step.kind === 'identity' ? undefined : customer });
  const { record, cookie } = await h.steps.sessions.redeem(ticket, undefined);
  if (cookie === undefined) throw new Error('a first open sets a cookie');
  const view = h.steps.view(record);
  const session = () => h.steps.sessions.session(cookie);
  return { ticket, cookie, view, session };
}

async function consented(h: Harness, step: SecureStepSpec) {
  const page = await opened(h, step);
  await h.steps.consent(await page.session(), page.view.consents);
  return page;
}

/** The refusal a call ends with: its status and code. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await call;
  } catch (err) {
    const { status, code } = err as { status: number; code: string };
    return { status, code };
  }
  throw new Error('the call was not refused');
}

const registered = (overrides: Partial<RegisteredCertificate> = {}): RegisteredCertificate => ({
  customerId: 'c',
  serialNumber: '1a2b',
  issuerDn: 'cn=CA',
  subjectDn: 'cn=홍길동',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  fingerprintSha256: 'f'.repeat(64),
  policyOid: '1.2.410.200005.1.1.4',
  origin: 'registered',
  status: 'active',
  registeredAt: '2026-12-02T03:00:00.000Z',
  updatedAt: '2026-12-02T03:00:00.000Z',
  ...overrides,
});

describe('tickets', () => {
  test('a ticket is 256 random bits, in a link to SECURE_ORIGIN, and no two are alike', async () => {
    const h = harness();
    const one = await h.open(IDENTITY, { conversation: 'a' });
    const two = await h.open(IDENTITY, { conversation: 'b' });
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(one, 'base64url')).toHaveLength(32);
    expect(one).not.toBe(two);
  });

  test('the page redeems it once, binding a cookie; a reload with that cookie is the same page, anyone else is told it was used', async () => {
    const h = harness();
    const ticket = await h.open(ISSUANCE, { customer: h.customer });
    const first = await h.steps.sessions.redeem(ticket, undefined);
    expect(first.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reload = await h.steps.sessions.redeem(ticket, first.cookie);
    expect(reload.cookie).toBeUndefined();
    expect(h.steps.view(reload.record)).toEqual(h.steps.view(first.record));
    expect(await refusal(h.steps.sessions.redeem(ticket, undefined))).toEqual({ status: 410, code: 'used' });
    expect(await refusal(h.steps.sessions.redeem(ticket, randomBytes(32).toString('base64url')))).toEqual({ status: 410, code: 'used' });
  });

  test('a ticket never issued, or not shaped like one, is unknown', async () => {
    const h = harness();
    for (const forged of [randomBytes(32).toString('base64url'), 'short', `${'A'.repeat(43)}/../x`])
      expect(await refusal(h.steps.sessions.redeem(forged, undefined))).toEqual({ status: 404, code: 'unknown' });
  });

  test('the view shows masked values only, the consents the step asks and, for a 범용 certificate, the fee and its account', async () => {
    const h = harness();
    const { view } = await opened(h, ISSUANCE);
    expect(view).toMatchObject<Partial<SecureView>>({
      kind: 'issuance',
      language: 'ko',
      maskedName: '홍*동',
      maskedPhone: '010-****-5678',
      certificateType: 'personalGeneral',
      fee: { amount: 4400, account: expect.stringContaining('SANDBOX') as string },
      accepted: [],
      sandbox: true,
    });
    expect(view.consents.map((c) => c.id)).toEqual(['personalData', 'uniqueIdentifier', 'fee']);
    expect(JSON.stringify(view)).not.toMatch(/1234567|12345678|sealed/);
  });

  test('a newer step of the same conversation replaces the older ticket, which then opens nothing and tells nobody', async () => {
    const h = harness();
    const older = await h.open(IDENTITY);
    const elsewhere = await h.open(IDENTITY, { conversation: 'conv-2' });
    const newer = await h.open(IDENTITY);
    expect(await refusal(h.steps.sessions.redeem(older, undefined))).toEqual({ status: 410, code: 'expired' });
    await expect(h.steps.sessions.redeem(newer, undefined)).resolves.toBeDefined();
    await expect(h.steps.sessions.redeem(elsewhere, undefined)).resolves.toBeDefined();
    expect(h.delivered).toEqual([]);
  });

  test('every call but open needs the cookie the ticket was redeemed with', async () => {
    const h = harness();
    await opened(h, IDENTITY);
    expect(await refusal(h.steps.sessions.session(undefined))).toEqual({ status: 401, code: 'noSession' });
    expect(await refusal(h.steps.sessions.session(randomBytes(32).toString('base64url')))).toEqual({ status: 401, code: 'noSession' });
  });
});

describe('expiry', () => {
  test('a ticket left alone ends with SECURE_EXPIRED after 10 minutes, once, however many notice', async () => {
    const h = harness();
    const ticket = await h.open(IDENTITY);
    h.advance(10 * MINUTE - 1);
    await h.steps.sweep();
    expect(h.delivered).toEqual([]);
    h.advance(1);
    await Promise.all([h.steps.sweep(), h.steps.sweep(), refusal(h.steps.sessions.redeem(ticket, undefined))]);
    await h.steps.sweep();
    expect(await refusal(h.steps.sessions.redeem(ticket, undefined))).toEqual({ status: 410, code: 'expired' });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_EXPIRED', step: 'identity' }]);
    expect(h.delivered[0]?.conversation.reference.conversation.id).toBe('conv-1');
  });

  test('a redeemed ticket keeps its 10 minutes: the page is told it expired, and so is the chat', async () => {
    const h = harness();
    const page = await opened(h, IDENTITY);
    h.advance(10 * MINUTE);
    expect(await refusal(page.session())).toEqual({ status: 410, code: 'expired' });
    await h.steps.sweep();
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_EXPIRED', step: 'identity' }]);
  });

  test('a step that completed is not expired afterwards', async () => {
    const h = harness();
    const page = await consented(h, ADDITIONAL);
    await h.steps.cancel(await page.session());
    h.advance(11 * MINUTE);
    await h.steps.sweep();
    expect(h.delivered.map((d) => d.event.type)).toEqual(['SECURE_CANCELLED']);
  });
});

describe('consents', () => {
  test('nothing personal is asked before the consents; each is recorded with its version and time', async () => {
    const h = harness();
    const page = await opened(h, IDENTITY);
    const start = async () => h.steps.codes.startIdentity(await page.session(), CUSTOMER);
    expect(await refusal(start())).toEqual({ status: 409, code: 'consentRequired' });
    // An outdated version is not the consent the page asks for.
    await h.steps.consent(await page.session(), [{ id: 'personalData', version: '2020-01' }]);
    expect(await refusal(start())).toEqual({ status: 409, code: 'consentRequired' });
    const { accepted } = await h.steps.consent(await page.session(), page.view.consents);
    expect(accepted).toEqual(page.view.consents);
    const recorded = await h.consents.recent(10);
    expect(recorded.map((r) => [r.consent, r.version])).toEqual([
      ['phoneVerification', '2026-12'],
      ['uniqueIdentifier', '2026-12'],
      ['personalData', '2026-12'],
    ]);
    expect(recorded[0]).toMatchObject({
      at: new Date(h.now).toISOString(),
      step: 'identity',
      journey: 'issuance',
      conversationId: 'conv-1',
    });
    await expect(start()).resolves.toMatchObject({ maskedPhone: '010-****-5678' });
  });

  test('the 범용 fee is agreed with its amount and the account it is withdrawn from, by the customer the bank knows', async () => {
    const h = harness();
    await consented(h, ISSUANCE);
    const [fee] = await h.consents.recent(1);
    expect(fee).toMatchObject({ consent: 'fee', fee: { amount: 4400 }, customerId: h.customer.customerId });
  });
});

describe('본인 인증 on the page', () => {
  test('the details are checked, a code goes to the phone (shown in the sandbox), and the right code completes the step', async () => {
    const h = harness();
    const page = await consented(h, IDENTITY);
    const sent = await h.steps.codes.startIdentity(await page.session(), CUSTOMER);
    const code = h.codes.lastCodeFor(CUSTOMER.phone);
    expect(sent).toEqual({ maskedPhone: '010-****-5678', sandboxCode: code });
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await h.steps.codes.verify(await page.session(), 'identity', wrong)).toEqual({
      wrong: true,
      attemptsLeft: OTP_MAX_ATTEMPTS - 1,
    });
    expect(h.delivered).toEqual([]);
    expect(await h.steps.codes.verify(await page.session(), 'identity', code as string)).toEqual({ verified: true });
    const [delivered] = h.delivered;
    expect(delivered?.event).toEqual({ type: 'IDENTITY_VERIFIED', identity: expect.objectContaining({ name: '홍길동' }) as object });
    const identity = delivered?.event.type === 'IDENTITY_VERIFIED' ? delivered.event.identity : undefined;
    expect(identity).toMatchObject({
      customerId: h.customer.customerId,
      maskedRrn: '900101-1******',
      maskedPhone: '010-****-5678',
      carrier: 'SKT',
    });
    expect(JSON.stringify(identity)).not.toMatch(/1234567|12345678/);
    expect(await refusal(page.session())).toEqual({ status: 410, code: 'used' });
  });

  test('details that are not a 주민등록번호, a carrier or a mobile number are refused, saying which', async () => {
    const h = harness();
    const page = await consented(h, IDENTITY);
    const start = async (details: Partial<typeof CUSTOMER>) =>
      refusal(h.steps.codes.startIdentity(await page.session(), { ...CUSTOMER, ...details }));
    expect(await start({ rrn: '901301-1234567' } as never)).toEqual({ status: 400, code: 'invalidRrn' });
    expect(await start({ carrier: 'telegram' } as never)).toEqual({ status: 400, code: 'invalidCarrier' });
    expect(await start({ phone: '02-123-4567' } as never)).toEqual({ status: 400, code: 'invalidPhone' });
    expect(h.codes.countFor(CUSTOMER.phone)).toBe(0);
  });

  test("issue G's limits hold: a second code within 30 s waits, and the 5th wrong code ends the step locked", async () => {
    const h = harness();
    const page = await consented(h, IDENTITY);
    await h.steps.codes.startIdentity(await page.session(), CUSTOMER);
    expect(await h.steps.codes.startIdentity(await page.session(), CUSTOMER)).toEqual({ tooSoon: true, retryAt: h.now + 30_000 });
    const code = h.codes.lastCodeFor(CUSTOMER.phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = OTP_MAX_ATTEMPTS - 1; left > 0; left--)
      expect(await h.steps.codes.verify(await page.session(), 'identity', wrong)).toEqual({ wrong: true, attemptsLeft: left });
    expect(await h.steps.codes.verify(await page.session(), 'identity', wrong)).toEqual({ locked: true, until: h.now + 10 * MINUTE });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_FAILED', step: 'identity', reason: 'verificationLocked' }]);
    expect(await refusal(page.session())).toEqual({ status: 410, code: 'used' });
  });

  test('추가 인증 sends the code to the phone on file, and completes with ADDITIONAL_VERIFIED', async () => {
    const h = harness();
    const page = await consented(h, ADDITIONAL);
    expect(page.view.consents.map((c) => c.id)).toEqual(['phoneVerification']);
    expect(await h.steps.codes.startAdditional(await page.session())).toMatchObject({ maskedPhone: '010-****-5678' });
    const code = h.codes.lastCodeFor(CUSTOMER.phone, 'additional') as string;
    expect(await h.steps.codes.verify(await page.session(), 'additional', code)).toEqual({ verified: true });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'ADDITIONAL_VERIFIED' }]);
  });

  test("a call of another step's kind is refused", async () => {
    const h = harness();
    const page = await consented(h, ADDITIONAL);
    expect(await refusal(h.steps.codes.startIdentity(await page.session(), CUSTOMER))).toEqual({ status: 409, code: 'wrongStep' });
    expect(await refusal(h.steps.issuance.authorize(await page.session()))).toEqual({ status: 409, code: 'wrongStep' });
  });
});

describe('registration by proof of possession', () => {
  const proof = { certificate: new Uint8Array([1, 2, 3]), signature: new Uint8Array([4, 5]), randomNum: new Uint8Array(20) };

  test("the device's signature over the ticket's challenge registers the certificate; the chat learns only its CA, kind and dates", async () => {
    const h = harness();
    h.verify = async () => registered();
    const page = await consented(h, REGISTRATION);
    expect(await h.steps.possession.prove(await page.session(), proof)).toEqual({ registered: true });
    const [request] = h.possessionRequests;
    expect(Buffer.from(request?.challenge ?? []).toString('base64')).toBe(page.view.challenge);
    expect(Buffer.from(page.view.challenge ?? '', 'base64')).toHaveLength(32);
    expect(request).toMatchObject({ idn: '9001011234567', customerId: h.customer.customerId, purpose: 'registration', actor: 'customer' });
    expect(h.delivered.map((d) => d.event)).toEqual([
      {
        type: 'CERTIFICATE_REGISTERED',
        registered: {
          ca: expect.any(String) as string,
          kind: expect.any(String) as string,
          notAfter: '2027-01-01',
          registeredAt: '2026-12-02',
        },
      },
    ]);
  });

  test.each([
    ['expired', proof, 'expired'],
    ['revoked', proof, 'revoked'],
    ['notPersonal', proof, 'corporate'],
    ['untrustedChain', proof, 'untrusted'],
    ['ownerMismatch', proof, 'notYours'],
    ['noRandom', { ...proof, randomNum: undefined }, 'noRandom'],
    ['keyMismatch', proof, 'notYours'],
  ] as const)('a certificate refused as %s ends the step with its own explanation', async (failure, sent, reason) => {
    const h = harness();
    h.verify = async () => {
      throw new CertificateError(failure);
    };
    const page = await consented(h, REGISTRATION);
    expect(await h.steps.possession.prove(await page.session(), sent)).toEqual({ failed: reason });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_FAILED', step: 'registration', reason }]);
  });

  test('wrong passwords are counted on the ticket, and the 5th ends the step locked', async () => {
    const h = harness();
    const page = await consented(h, REGISTRATION);
    for (const left of [4, 3, 2, 1]) expect(await h.steps.possession.wrongPassword(await page.session())).toEqual({ attemptsLeft: left });
    expect(await h.steps.possession.wrongPassword(await page.session())).toEqual({ locked: true });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_FAILED', step: 'registration', reason: 'passwordLocked' }]);
  });

  test('renewal is authorised by the key of the certificate it renews, and by no other', async () => {
    const h = harness();
    const fingerprint = createHash('sha256').update(proof.certificate).digest('hex');
    const renewal: SecureStepSpec = {
      kind: 'renewal',
      journey: 'reissue',
      certificateType: 'personalBanking',
      replaces: { mode: 'renewal', fingerprint, reason: 'superseded', notAfter: '2026-12-20' },
    };
    h.verify = async () => registered({ origin: 'issued' });
    const page = await consented(h, renewal);
    expect(page.view.renewing).toEqual({ fingerprint, notAfter: '2026-12-20' });
    expect(await refusal(h.steps.issuance.authorize(await page.session()))).toEqual({ status: 409, code: 'proofRequired' });
    const other = { ...proof, certificate: new Uint8Array([9]) };
    expect(await refusal(h.steps.possession.prove(await page.session(), other))).toEqual({ status: 409, code: 'otherCertificate' });
    expect(await h.steps.possession.prove(await page.session(), proof)).toEqual({ proven: true });
    expect(h.possessionRequests.map((r) => r.purpose)).toEqual(['renewal']);
    await expect(h.steps.issuance.authorize(await page.session())).resolves.toMatchObject({ referenceNumber: 'reference-1' });
    expect(h.delivered).toEqual([]);
  });
});

describe('renewal by key, without 본인 인증', () => {
  const proof = { certificate: new Uint8Array([7, 7, 7]), signature: new Uint8Array([4, 5]), randomNum: new Uint8Array(20) };
  const RENEWAL_BY_KEY: SecureStepSpec = { kind: 'renewal', journey: 'reissuing' };
  /** A 범용 certificate this bank issued to someone, expiring in 18 days (the harness's clock is 2026-12-02). */
  const nearExpiry = registered({
    customerId: 'owner-1',
    serialNumber: '0c1d',
    origin: 'issued',
    policyOid: SANDBOX_POLICY.personalGeneral,
    notAfter: '2026-12-20T14:59:59.000Z',
    fingerprintSha256: 'e'.repeat(64),
  });

  /** The renewal page opened from a chat that knows nobody: consents given, nothing proven yet. */
  async function renewalPage(h: Harness) {
    const ticket = await h.open(RENEWAL_BY_KEY);
    const { record, cookie } = await h.steps.sessions.redeem(ticket, undefined);
    const session = () => h.steps.sessions.session(cookie ?? '');
    const view = h.steps.view(record);
    await h.steps.consent(await session(), view.consents);
    return { view, session, viewNow: async () => h.steps.view((await session()).record) };
  }

  /** Proven, the fee agreed and authorised: the CA's notice and the device's "saved" complete the step. */
  async function renewed(h: Harness) {
    h.verify = async () => nearExpiry;
    const page = await renewalPage(h);
    await h.steps.possession.prove(await page.session(), proof);
    await h.steps.consent(await page.session(), (await page.viewNow()).consents);
    const { referenceNumber } = await h.steps.issuance.authorize(await page.session());
    const summary = await inspectCertificate(fixture('personal.signCert.der'));
    await h.steps.onIssued({
      referenceNumber,
      customerId: 'owner-1',
      serialNumber: summary.serialNumber,
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
      certificate: new Uint8Array(fixture('personal.signCert.der')),
    });
    return { page, summary };
  }

  test('the page asks for the certificate to renew, naming none, and nothing is authorised before its key is proven', async () => {
    const h = harness();
    const page = await renewalPage(h);
    expect(page.view).toMatchObject({ kind: 'renewal', renewing: undefined, maskedName: undefined, proven: false });
    expect(Buffer.from(page.view.challenge ?? '', 'base64')).toHaveLength(32);
    expect(await refusal(h.steps.issuance.authorize(await page.session()))).toEqual({ status: 409, code: 'proofRequired' });
    expect(h.caRequests).toEqual([]);
  });

  test("a proof of this bank's certificate close to its expiry names the owner and what is renewed; the CA renews from its own record, with no 주민등록번호", async () => {
    const h = harness();
    h.verify = async () => nearExpiry;
    const page = await renewalPage(h);
    expect(await h.steps.possession.prove(await page.session(), proof)).toEqual({ proven: true });
    // No customer was known: the certificate core checks the key, the chain, validity and the CRL, and finds the certificate by its fingerprint.
    expect(h.possessionRequests.map((r) => [r.purpose, r.customerId, r.idn])).toEqual([['renewal', undefined, undefined]]);
    const proven = await page.viewNow();
    expect(proven).toMatchObject({
      proven: true,
      certificateType: 'personalGeneral',
      renewing: { fingerprint: 'e'.repeat(64), notAfter: '2026-12-20' },
      fee: { amount: 4400 },
    });
    // A 범용 certificate's fee is agreed once the page knows the certificate is one.
    expect(await refusal(h.steps.issuance.authorize(await page.session()))).toEqual({ status: 409, code: 'consentRequired' });
    await h.steps.consent(await page.session(), proven.consents);
    await expect(h.steps.issuance.authorize(await page.session())).resolves.toMatchObject({ referenceNumber: 'reference-1' });
    expect(h.caRequests).toEqual([
      { renew: { customerId: 'owner-1', previousSerial: '0c1d', type: 'personalGeneral', notAfter: new Date('2027-12-20T23:59:59Z') } },
    ]);
    expect(JSON.stringify(h.caRequests)).not.toContain('9001011234567');
  });

  test('a renewal whose old certificate cannot be revoked is still delivered, and the chat is told the old one still works', async () => {
    const h = harness();
    h.revokeFails = true;
    const { page, summary } = await renewed(h);
    expect(await h.steps.issuance.saved(await page.session(), summary.serialNumber)).toEqual({ done: true });
    expect(h.delivered.map((d) => d.event)).toEqual([
      {
        type: 'CERTIFICATE_ISSUED',
        issued: expect.objectContaining({ serialNumber: summary.serialNumber }) as object,
        oldStillValid: true,
      },
    ]);
  });

  test('once the new certificate is delivered, the old one is revoked as superseded, and then the chat hears it was renewed', async () => {
    const h = harness();
    const { page, summary } = await renewed(h);
    expect(h.revoked).toEqual([]);
    expect(await h.steps.issuance.saved(await page.session(), summary.serialNumber)).toEqual({ done: true });
    expect(h.revoked).toEqual([
      {
        customerId: 'owner-1',
        fingerprint: 'e'.repeat(64),
        reason: 'superseded',
        actor: { actor: 'customer', conversationId: 'conv-1' },
        deliveredBefore: 0,
      },
    ]);
    expect(h.delivered.map((d) => d.event)).toEqual([
      {
        type: 'CERTIFICATE_ISSUED',
        issued: expect.objectContaining({ serialNumber: summary.serialNumber, type: 'personalGeneral' }) as object,
      },
    ]);
  });

  test('a renewal that ends before the device kept the new certificate revokes only the new one; the old one stays', async () => {
    const h = harness();
    await renewed(h);
    h.advance(10 * MINUTE);
    await h.steps.sweep();
    expect(h.abandoned).toEqual(['reference-1']);
    expect(h.revoked).toEqual([]);
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_EXPIRED', step: 'renewal' }]);
  });

  test.each([
    ['not yet within 30 days of its expiry', 'notRenewable', 'notRenewable'],
    ["another bank's, or one this bank does not know", 'ownerMismatch', 'notYours'],
    ['revoked', 'revoked', 'revoked'],
    ['expired', 'expired', 'expired'],
  ] as const)('a certificate %s is not renewed: the step ends with its own explanation', async (_what, failure, reason) => {
    const h = harness();
    h.verify = async () => {
      throw new CertificateError(failure);
    };
    const page = await renewalPage(h);
    expect(await h.steps.possession.prove(await page.session(), proof)).toEqual({ failed: reason });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_FAILED', step: 'renewal', reason }]);
    expect(h.caRequests).toEqual([]);
  });

  test('a renewal of a certificate picked after 본인 인증 registers the verified customer with the CA, and revokes the picked one on delivery', async () => {
    const h = harness();
    const fingerprint = createHash('sha256').update(proof.certificate).digest('hex');
    const picked: SecureStepSpec = {
      kind: 'renewal',
      journey: 'reissuing',
      certificateType: 'personalBanking',
      replaces: { mode: 'renewal', fingerprint, reason: 'superseded', notAfter: '2026-12-20' },
    };
    h.verify = async () => ({ ...nearExpiry, customerId: h.customer.customerId, fingerprintSha256: fingerprint });
    const page = await consented(h, picked);
    await h.steps.possession.prove(await page.session(), proof);
    expect(h.possessionRequests[0]).toMatchObject({ customerId: h.customer.customerId, idn: '9001011234567' });
    const { referenceNumber } = await h.steps.issuance.authorize(await page.session());
    expect(h.caRequests).toEqual([
      { register: expect.objectContaining({ customerId: h.customer.customerId, idn: '9001011234567' }) as object },
    ]);
    const summary = await inspectCertificate(fixture('personal.signCert.der'));
    await h.steps.onIssued({
      ...summary,
      referenceNumber,
      customerId: h.customer.customerId,
      certificate: fixture('personal.signCert.der'),
    });
    await h.steps.issuance.saved(await page.session(), summary.serialNumber);
    expect(h.revoked.map(({ customerId, fingerprint: revoked, reason }) => [customerId, revoked, reason])).toEqual([
      [h.customer.customerId, fingerprint, 'superseded'],
    ]);
    expect(h.delivered.map((d) => d.event.type)).toEqual(['CERTIFICATE_ISSUED']);
  });
});

describe('issuance with keys made on the device', () => {
  const certificate = () => new Uint8Array(fixture('personal.signCert.der'));

  async function authorized(h: Harness) {
    const page = await consented(h, ISSUANCE);
    const authorization = await h.steps.issuance.authorize(await page.session());
    const summary = await inspectCertificate(certificate());
    const notice = {
      referenceNumber: authorization.referenceNumber,
      customerId: h.customer.customerId,
      serialNumber: summary.serialNumber,
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
      certificate: certificate(),
    };
    return { page, authorization, summary, notice };
  }

  test('the RA registers the customer with the CA and gives the device what it needs to ask the CA itself', async () => {
    const h = harness();
    const { authorization } = await authorized(h);
    expect(authorization).toEqual({
      referenceNumber: 'reference-1',
      authCode: 'authorisation-1',
      caEndpoint: 'https://ca.bank.example/ca/v1/certificates',
      caCertificate: Buffer.from([48, 3, 2, 1, 1]).toString('base64'),
    });
  });

  test('a serial whose first byte is below 0x10 (1 in 8 of the CA’s) is the same serial when the device says it was kept', async () => {
    const h = harness();
    const { page, notice } = await authorized(h);
    await h.steps.onIssued({ ...notice, serialNumber: '0f338a01' });
    expect(await h.steps.issuance.saved(await page.session(), '0F338A01')).toEqual({ done: true });
    expect(h.confirmed).toEqual([{ referenceNumber: 'reference-1', serialNumber: '0f338a01' }]);
    expect(h.delivered.map((d) => d.event.type)).toEqual(['CERTIFICATE_ISSUED']);
  });

  test('the step completes once the CA told the RA what it issued and the device kept the files, in either order', async () => {
    for (const order of ['notice first', 'saved first'] as const) {
      const h = harness();
      const { page, summary, notice } = await authorized(h);
      const saved = async () => h.steps.issuance.saved(await page.session(), summary.serialNumber.toUpperCase());
      if (order === 'notice first') {
        await h.steps.onIssued(notice);
        expect(await saved()).toEqual({ done: true });
      } else {
        expect(await saved()).toEqual({ done: false });
        expect(h.delivered).toEqual([]);
        await h.steps.onIssued(notice);
      }
      expect(h.delivered.map((d) => d.event)).toEqual([
        {
          type: 'CERTIFICATE_ISSUED',
          issued: {
            serialNumber: summary.serialNumber,
            notBefore: summary.notBefore.toISOString().slice(0, 10),
            notAfter: summary.notAfter.toISOString().slice(0, 10),
            ca: summary.policy?.ca ?? 'unknown',
            type: 'personalGeneral',
            maskedName: summary.maskedName,
          },
        },
      ]);
      expect(h.confirmed).toEqual([{ referenceNumber: 'reference-1', serialNumber: summary.serialNumber }]);
      expect(h.abandoned).toEqual([]);
      // Nothing is replaced by a first issuance (a reissue's old certificate is the flow's to revoke).
      expect(h.revoked).toEqual([]);
    }
  });

  test('a certificate the journal revoked meanwhile (its window passed) is not delivered as issued', async () => {
    const h = harness();
    const { page, summary, notice } = await authorized(h);
    h.journalKeeps = false;
    await h.steps.onIssued(notice);
    expect(await h.steps.issuance.saved(await page.session(), summary.serialNumber)).toEqual({ done: true });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_EXPIRED', step: 'issuance' }]);
  });

  test('a certificate issued for a ticket that expires before the device kept it is revoked, and the chat told the step expired', async () => {
    const h = harness();
    const { notice } = await authorized(h);
    await h.steps.onIssued(notice);
    h.advance(10 * MINUTE);
    await h.steps.sweep();
    expect(h.abandoned).toEqual(['reference-1']);
    expect(h.confirmed).toEqual([]);
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_EXPIRED', step: 'issuance' }]);
  });

  test('a certificate issued for no open ticket (one that ended, or never asked) is revoked at once', async () => {
    const h = harness();
    const { notice, page } = await authorized(h);
    await h.steps.cancel(await page.session());
    await h.steps.onIssued(notice);
    await h.steps.onIssued({ ...notice, referenceNumber: 'never-registered' });
    // The cancel ends the step's authorisation (nothing issued yet); the certificates issued after are revoked at once.
    expect(h.abandoned).toEqual(['reference-1', 'reference-1', 'never-registered']);
  });

  test('the CA refusing the registration ends the step with its own explanation', async () => {
    const h = harness();
    h.ca.register = async () => {
      throw new Error('CA unavailable');
    };
    const page = await consented(h, ISSUANCE);
    expect(await refusal(h.steps.issuance.authorize(await page.session()))).toEqual({ status: 502, code: 'caRefused' });
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_FAILED', step: 'issuance', reason: 'caRefused' }]);
  });
});

describe('leaving the page, and handing it over', () => {
  test('cancelling returns the customer to the chat at that step', async () => {
    const h = harness();
    const page = await opened(h, IDENTITY);
    await h.steps.cancel(await page.session());
    expect(h.delivered.map((d) => d.event)).toEqual([{ type: 'SECURE_CANCELLED', step: 'identity' }]);
  });

  test('"continue on a PC": a short code, once, gives a fresh ticket for the same step; the old page is done', async () => {
    const h = harness();
    const page = await opened(h, ISSUANCE);
    const handover = (await h.steps.sessions.handover(await page.session(), 'pc')) as { code: string; expiresAt: number };
    expect(handover.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(handover.expiresAt).toBe(h.now + 10 * MINUTE);
    const typed = `${handover.code.slice(0, 4).toLowerCase()}-${handover.code.slice(4)}`;
    const { ticket, url } = await h.steps.sessions.continueWith(typed);
    expect(url).toBe(`https://secure.bank.example/secure/${ticket}`);
    expect(await refusal(h.steps.sessions.continueWith(handover.code))).toEqual({ status: 404, code: 'unknown' });
    const onPc = await h.steps.sessions.redeem(ticket, undefined);
    expect(h.steps.view(onPc.record)).toMatchObject({ kind: 'issuance', certificateType: 'personalGeneral', maskedName: '홍*동' });
    expect(await refusal(page.session())).toEqual({ status: 410, code: 'expired' });
    expect(h.delivered).toEqual([]);
  });

  test('"open in the bank\'s app": the deep link carries a fresh ticket for the same step', async () => {
    const h = harness();
    const page = await opened(h, REGISTRATION);
    const { appLink } = (await h.steps.sessions.handover(await page.session(), 'app')) as { appLink: string };
    const ticket = /^bankapp:\/\/secure\?ticket=([A-Za-z0-9_-]{43})$/.exec(appLink)?.[1] as string;
    const inApp = await h.steps.sessions.redeem(ticket, undefined);
    expect(inApp.record.step).toEqual(REGISTRATION);
  });
});
