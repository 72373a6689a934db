import type { FlowEvent } from '../../dialogs/contract/events';
import { MAX_WRONG_PASSWORDS } from '../../dialogs/registration/registration';
import { DialogSession, type Turn } from './dialogTurn';
import { SAMPLES } from './eventSampler';
import { ON_DUTY_AT } from './fakeServices';

/**
 * Each journey of the machine alone, from the menu to its end: what the customer is told (reply
 * keys, and the bot's other instructions by type) and what the services are asked. The fakes
 * answer successfully unless the test plans another answer.
 */
const at = ON_DUTY_AT;
const said = (turn: Turn): string[] => turn.emitted.map((e) => (e.type === 'reply' ? e.key : e.type));

let session: DialogSession;
beforeEach(async () => {
  session = new DialogSession();
  await session.send({ type: 'START', at });
});

/** 본인 인증 up to the code, typed; returns the turn that took the code. */
async function verifyIdentity(start: FlowEvent): Promise<Turn> {
  for (const event of [start, SAMPLES.name, SAMPLES.rrn, { type: 'CARRIER', carrier: 'KT', at } as const, SAMPLES.phone])
    await session.send(event);
  return session.send(SAMPLES.digits);
}

test('발급: 본인 인증, the terms, the type, the password twice, then the journal, the card, the link and the advice', async () => {
  expect(said(await session.send({ type: 'ISSUE', at }))).toEqual(['identity.askName']);
  expect(said(await session.send(SAMPLES.name))).toEqual(['identity.askRrn']);
  expect(said(await session.send(SAMPLES.rrn))).toEqual(['identity.rrnReceived', 'identity.askCarrier']);
  expect(said(await session.send({ type: 'CARRIER', carrier: 'KT', at }))).toEqual(['identity.askPhone']);
  session.script.plan('sendVerificationCode', 'sentInSandbox');
  expect(said(await session.send(SAMPLES.phone))).toEqual(['codes.identity.sent', 'identity.sandboxCode', 'identity.codeHint']);
  expect(said(await session.send(SAMPLES.digits))).toEqual(['identity.verified', 'issuance.terms']);
  expect(said(await session.send({ type: 'YES', at }))).toEqual(['issuance.chooseType']);
  expect(said(await session.send({ type: 'CHOICE', choice: 'issuance.types.personalGeneral', at }))).toEqual([
    'issuance.feeNotice',
    'issuance.askPassword',
  ]);
  expect(said(await session.send({ type: 'TEXT', text: 'Gildong#2026!', at }))).toEqual(['issuance.confirmPassword']);

  const issued = await session.send({ type: 'TEXT', text: 'Gildong#2026!', at });
  expect(said(issued)).toEqual(['issuance', 'issuance.issued', 'issuance.download', 'issuance.advice', 'menu.prompt']);
  expect(issued.calls).toEqual([
    {
      service: 'issueCertificate',
      input: expect.objectContaining({
        password: 'Gildong#2026!',
        fingerprint: 'password-fingerprint',
        type: 'personalGeneral',
        customerId: 'customer-1',
      }),
    },
  ]);
  // Between the two password turns only the fingerprint was kept; after the journey, nothing.
  expect(JSON.stringify(issued.snapshot.context)).not.toContain('Gildong');
  expect(issued.snapshot.context.identity).toBeUndefined();
});

test('발급: a customer who already holds that type here is sent to 재발급', async () => {
  await verifyIdentity({ type: 'ISSUE', at });
  await session.send({ type: 'YES', at });
  session.script.plan('findValidCertificate', 'alreadyHeld');
  const told = await session.send({ type: 'CHOICE', choice: 'issuance.types.personalBanking', at });
  expect(said(told)).toEqual(['issuance.alreadyHave', 'menu.prompt']);
  expect(told.replies[0]?.params).toEqual({ notAfter: '2027-01-31' });
});

test('a new password that breaks the rules names every broken rule and is asked again', async () => {
  await verifyIdentity({ type: 'ISSUE', at });
  await session.send({ type: 'YES', at });
  await session.send({ type: 'CHOICE', choice: 'issuance.types.personalBanking', at });
  session.script.plan('checkNewPassword', 'weak');
  expect(said(await session.send({ type: 'TEXT', text: 'short', at }))).toEqual([
    'issuance.passwordRules',
    'passwordRules.tooShort',
    'passwordRules.missingSpecial',
    'issuance.askPassword',
  ]);
});

test('a code sent too soon says when to ask again, and a code can still be typed meanwhile', async () => {
  await session.send({ type: 'ISSUE', at });
  for (const event of [SAMPLES.name, SAMPLES.rrn, { type: 'CARRIER', carrier: 'KT', at } as const]) await session.send(event);
  session.script.plan('sendVerificationCode', 'tooSoon');
  const tooSoon = await session.send(SAMPLES.phone);
  expect(said(tooSoon)).toEqual(['identity.resendTooSoon']);
  expect(tooSoon.replies[0]).toEqual(expect.objectContaining({ params: { seconds: 13 }, choices: ['identity.resendChoice'] }));
  // No code is out yet: the next message sends one.
  expect(said(await session.send(SAMPLES.digits))).toEqual(['codes.identity.sent', 'identity.codeHint']);
});

test('재발급: a certificate close to its expiry is renewed, and the old one is replaced', async () => {
  await verifyIdentity({ type: 'REISSUE', text: '재발급', at });
  expect(said(await session.send(SAMPLES.digits))).toEqual(['reissue.pick']);
  expect(said(await session.send({ type: 'CHOICE', choice: '2', at }))).toEqual(['reissue.offerRenewal']);
  expect(said(await session.send({ type: 'YES', at }))).toEqual(['issuance.askPassword']);
  await session.send({ type: 'TEXT', text: 'Gildong#2026!', at });
  session.script.plan('issueCertificate', 'renewed');
  const renewed = await session.send({ type: 'TEXT', text: 'Gildong#2026!', at });
  expect(said(renewed)).toEqual([
    'issuance',
    'reissue.done.renewal',
    'issuance.download',
    'reissue.oldRevoked',
    'reissue.otherDevices',
    'issuance.advice',
    'menu.prompt',
  ]);
  expect(renewed.calls[0]?.input).toEqual(
    expect.objectContaining({ replaces: { mode: 'renewal', reason: 'superseded', fingerprint: 'fingerprint-2', notAfter: '2027-03-02' } }),
  );
});

test.each([
  ['3', 'reissue.expired'],
  ['4', 'reissue.otherInstitution'],
])('재발급: picking certificate %s ends at the menu with %s', async (choice, key) => {
  await verifyIdentity({ type: 'REISSUE', text: '재발급', at });
  await session.send(SAMPLES.digits);
  expect(said(await session.send({ type: 'CHOICE', choice, at }))).toEqual([key, 'menu.prompt']);
});

test('재발급: for a lost certificate the old one is revoked as superseded, after the customer confirms', async () => {
  await verifyIdentity({ type: 'REISSUE', text: '재발급', at });
  await session.send(SAMPLES.digits);
  expect(said(await session.send({ type: 'CHOICE', choice: '1', at }))).toEqual(['reissue.askReason']);
  expect(said(await session.send({ type: 'CHOICE', choice: 'reissue.reasons.leaked', at }))).toEqual(['reissue.confirmRevocation']);
  expect(said(await session.send({ type: 'NO', at }))).toEqual(['reissue.kept', 'menu.prompt']);
});

describe('등록', () => {
  async function upToPassword(): Promise<void> {
    await verifyIdentity({ type: 'REGISTER', at });
    expect(said(await session.send(SAMPLES.digits))).toEqual(['registration.chooseAction']);
    expect(said(await session.send({ type: 'CHOICE', choice: 'registration.choices.add', at }))).toEqual(['registration.askFiles']);
    expect(said(await session.send(SAMPLES.signCert))).toEqual(['registration.needKey']);
    expect(said(await session.send(SAMPLES.signPri))).toEqual(['registration.askPassword']);
  }

  test('the files, the password, the 주민등록번호 again, then the card', async () => {
    await upToPassword();
    const unlocked = await session.send({ type: 'TEXT', text: 'Other#Bank2026', at });
    expect(said(unlocked)).toEqual(['registration.askRrnAgain']);
    expect(unlocked.calls[0]?.input).toEqual({
      files: { signCert: 'sealed-cert', signPri: 'sealed-key' },
      password: 'Other#Bank2026',
      customerId: 'customer-1',
    });
    expect(said(await session.send(SAMPLES.someoneElsesRrn))).toEqual(['registration.rrnDiffers']);
    expect(said(await session.send(SAMPLES.rrn))).toEqual(['registration.registered', 'menu.prompt']);
  });

  test(`${MAX_WRONG_PASSWORDS} wrong passwords lock registration and offer a person`, async () => {
    await upToPassword();
    for (let left = MAX_WRONG_PASSWORDS - 1; left > 0; left--) {
      session.script.plan('unlockUploadedCertificate', 'wrongPassword');
      const wrong = await session.send({ type: 'TEXT', text: 'wrong#Pass1', at });
      expect(said(wrong)).toEqual(['registration.wrongPassword', 'registration.askPassword']);
      expect(wrong.replies[0]?.params).toEqual({ left });
    }
    session.script.plan('unlockUploadedCertificate', 'wrongPassword');
    const locked = await session.send({ type: 'TEXT', text: 'wrong#Pass1', at });
    expect(said(locked)).toEqual(['registration.passwordLocked', 'identity.offerAgent']);
    expect(locked.snapshot.value).toBe('offeringAgentAfterLockout');
    expect(locked.snapshot.context.registration).toBeUndefined();
  });

  test('with the bot busy, nothing is tried and the password is asked for again later', async () => {
    await upToPassword();
    session.script.plan('unlockUploadedCertificate', 'busy');
    expect(said(await session.send({ type: 'TEXT', text: 'Other#Bank2026', at }))).toEqual([
      'registration.deferred.busy',
      'registration.askPassword',
    ]);
  });

  test('해제: the registered certificates are listed, one is picked and released after a yes', async () => {
    await verifyIdentity({ type: 'REGISTER', at });
    await session.send(SAMPLES.digits);
    expect(said(await session.send({ type: 'CHOICE', choice: 'registration.choices.manage', at }))).toEqual(['release.pick']);
    expect(said(await session.send({ type: 'CHOICE', choice: '4', at }))).toEqual(['release.confirm']);
    const released = await session.send({ type: 'YES', at });
    expect(said(released)).toEqual(['release.done', 'menu.prompt']);
    expect(released.calls).toEqual([{ service: 'releaseCertificate', input: { customerId: 'customer-1', fingerprint: 'fingerprint-4' } }]);
  });
});
