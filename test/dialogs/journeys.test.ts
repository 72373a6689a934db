import type { FlowEvent } from '../../dialogs/contract/events';
import { REOPEN_CHOICE, type FlowEmitted } from '../../dialogs/contract/replies';
import type { SecureFailure, SecureStepKind } from '../../dialogs/contract/secure';
import { MISUNDERSTOOD_LIMIT } from '../../dialogs/flowSetup';
import { DialogSession, type Turn } from './dialogTurn';
import { SAMPLES, SECURE_FAILURES } from './eventSampler';
import { APP_CUSTOMER, ISSUED, ON_DUTY_AT, PAGE_CUSTOMER, REGISTERED } from './fakeServices';

/**
 * Each journey of the machine alone, from the menu to its end: what the customer is told (reply
 * keys, and the bot's other instructions by type), which secure page the bot is asked to open and
 * what the services are asked. The pages' outcomes arrive as the secure module delivers them
 * (SecureInput); the fakes answer successfully unless the test plans another answer.
 */
const at = ON_DUTY_AT;
const said = (turn: Turn): string[] => turn.emitted.map((e) => (e.type === 'reply' ? e.key : e.type));
const pages = (turn: Turn) => turn.emitted.filter((e): e is Extract<FlowEmitted, { type: 'secureStep' }> => e.type === 'secureStep');

/** `{ issuing: { verifyingIdentity: 'onSecurePage' } }` → issuing.verifyingIdentity.onSecurePage */
const where = (turn: Turn): string => {
  const walk = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([key, child]) => `${key}.${walk(child)}`)
          .join(',');
  return walk(turn.snapshot.value);
};

const ISSUE: FlowEvent = { type: 'ISSUE', at };
const REGISTER: FlowEvent = { type: 'REGISTER', at };
const REISSUE: FlowEvent = { type: 'REISSUE', text: '재발급', at };
const RENEW: FlowEvent = { type: 'REISSUE', text: '갱신', renewal: true, at };
const YES: FlowEvent = { type: 'YES', at };
const VERIFIED: FlowEvent = { type: 'IDENTITY_VERIFIED', identity: PAGE_CUSTOMER, at };
const ADDITIONAL_VERIFIED: FlowEvent = { type: 'ADDITIONAL_VERIFIED', at };
const CERTIFICATE_ISSUED: FlowEvent = { type: 'CERTIFICATE_ISSUED', issued: ISSUED, at };
const choice = (value: string): FlowEvent => ({ type: 'CHOICE', choice: value, at });
const failed = (step: SecureStepKind, reason: SecureFailure): FlowEvent => ({ type: 'SECURE_FAILED', step, reason, at });

/** The card of what the page issued, as the chat shows it. */
const ISSUED_CARD = {
  ca: { key: 'certificates.cas.yessign' },
  type: { key: 'issuance.types.personalBanking' },
  serial: '0a1b',
  from: '2026-03-02',
  to: '2027-03-02',
  name: '홍*동',
};

let session: DialogSession;
beforeEach(async () => {
  session = new DialogSession();
  await session.send({ type: 'START', at });
});

/** 발급 and 등록 begin with 본인 인증 and 추가 인증, each on its page. */
async function verifyTwice(intent: FlowEvent = REGISTER): Promise<Turn> {
  await session.send(intent);
  await session.send(VERIFIED);
  return session.send(ADDITIONAL_VERIFIED);
}

/** 재발급 after 본인 인증 on its page: one of the listed certificates picked (2 is close to its expiry). */
async function reissuing(picked: string): Promise<Turn> {
  await session.send(REISSUE);
  await session.send(VERIFIED);
  return session.send(choice(picked));
}

/** 발급 up to the issuance page: verified twice, the terms agreed, the type chosen. */
async function upToTheIssuancePage(type = 'issuance.types.personalBanking'): Promise<Turn> {
  await verifyTwice(ISSUE);
  await session.send(YES);
  return session.send(choice(type));
}

describe('발급', () => {
  test('본인 인증 and 추가 인증 on their pages, the terms, the type and its fee, then the certificate made on the device: the card and the advice', async () => {
    const opened = await session.send(ISSUE);
    expect(said(opened)).toEqual(['secureStep', 'secureStep.open.identity']);
    expect(opened.replies[0]).toEqual(
      expect.objectContaining({ choices: [REOPEN_CHOICE], button: { key: 'secureStep.button.identity', param: 'url' } }),
    );
    // Nobody is known yet: the page verifies them.
    expect(pages(opened)).toEqual([{ type: 'secureStep', step: expect.objectContaining({ kind: 'identity', journey: 'issuing' }) }]);
    expect(where(opened)).toBe('issuing.verifyingIdentity.onSecurePage');

    const additionalPage = await session.send(VERIFIED);
    expect(said(additionalPage)).toEqual(['identity.verified', 'secureStep', 'secureStep.open.additional']);
    expect(where(additionalPage)).toBe('issuing.authenticatingFurther.onSecurePage');
    expect(said(await session.send(ADDITIONAL_VERIFIED))).toEqual(['codes.additional.done', 'issuance.terms']);
    expect(said(await session.send(YES))).toEqual(['issuance.chooseType']);
    const chosen = await session.send(choice('issuance.types.personalGeneral'));
    expect(said(chosen)).toEqual(['issuance.feeNotice', 'secureStep', 'secureStep.open.issuance']);
    expect(chosen.calls).toEqual([{ service: 'findValidCertificate', input: { customerId: 'customer-1', type: 'personalGeneral' } }]);
    expect(pages(chosen)).toEqual([
      {
        type: 'secureStep',
        step: { kind: 'issuance', journey: 'issuing', certificateType: 'personalGeneral', replaces: undefined },
        customer: PAGE_CUSTOMER,
      },
    ]);

    const issued = await session.send(CERTIFICATE_ISSUED);
    expect(said(issued)).toEqual(['issuance.issued', 'issuance.savedOnDevice', 'issuance.advice', 'menu.prompt']);
    expect(issued.replies[0]).toEqual(expect.objectContaining({ card: 'facts', params: ISSUED_CARD }));
    expect(issued.calls).toEqual([]);
    expect(issued.snapshot.value).toBe('menu');
    // The verified identity is not kept past the journey: the next one verifies again.
    expect(issued.snapshot.context.identity).toBeUndefined();
  });

  test("a customer of the bank's app is not sent to 본인 인증, only to 추가 인증: the pages know them from the app", async () => {
    session = new DialogSession();
    expect(said(await session.send(SAMPLES.appCustomer))).toEqual([]);
    expect(said(await session.send({ type: 'START', at }))).toEqual(['welcome', 'menu.prompt']);
    expect(said(await session.send(ISSUE))).toEqual(['secureStep', 'secureStep.open.additional']);
    expect(said(await session.send(ADDITIONAL_VERIFIED))).toEqual(['codes.additional.done', 'issuance.terms']);
    await session.send(YES);
    const chosen = await session.send(choice('issuance.types.personalBanking'));
    expect(said(chosen)).toEqual(['secureStep', 'secureStep.open.issuance']);
    expect(chosen.calls[0]?.input).toEqual({ customerId: 'customer-app', type: 'personalBanking' });
    expect(pages(chosen)[0]?.customer).toEqual(APP_CUSTOMER);
    expect(said(await session.send(CERTIFICATE_ISSUED))).toEqual([
      'issuance.issued',
      'issuance.savedOnDevice',
      'issuance.advice',
      'menu.prompt',
    ]);
    // The app's customer stays for the conversation's next journey; 추가 인증 is asked again.
    const next = await session.send(ISSUE);
    expect(said(next)).toEqual(['secureStep', 'secureStep.open.additional']);
    expect(pages(next)[0]?.customer).toEqual(APP_CUSTOMER);
  });

  // Issue 14: 추가 인증 comes before issuance, reissue and registration, for the app's customers too.
  test('추가 인증 follows 본인 인증 before the certificate is made: the code goes to the phone the page verified', async () => {
    await session.send(ISSUE);
    const additionalPage = await session.send(VERIFIED);
    expect(said(additionalPage)).toEqual(['identity.verified', 'secureStep', 'secureStep.open.additional']);
    expect(pages(additionalPage)).toEqual([
      { type: 'secureStep', step: expect.objectContaining({ kind: 'additional', journey: 'issuing' }), customer: PAGE_CUSTOMER },
    ]);
  });

  test("a customer of the bank's app is still asked for 추가 인증, with the phone the app knows", async () => {
    session = new DialogSession();
    await session.send(SAMPLES.appCustomer);
    await session.send({ type: 'START', at });
    const additionalPage = await session.send(ISSUE);
    expect(said(additionalPage)).toEqual(['secureStep', 'secureStep.open.additional']);
    expect(pages(additionalPage)).toEqual([
      { type: 'secureStep', step: expect.objectContaining({ kind: 'additional', journey: 'issuing' }), customer: APP_CUSTOMER },
    ]);
  });

  test('a customer who already holds that type here is sent to 재발급, and no page is opened', async () => {
    await verifyTwice(ISSUE);
    await session.send(YES);
    session.script.plan('findValidCertificate', 'alreadyHeld');
    const told = await session.send(choice('issuance.types.personalBanking'));
    expect(said(told)).toEqual(['issuance.alreadyHave', 'menu.prompt']);
    expect(told.replies[0]?.params).toEqual({ notAfter: '2027-01-31' });
  });

  test("the CA refusing the device's request is explained, and the journey ends at the menu", async () => {
    await upToTheIssuancePage();
    const refused = await session.send(failed('issuance', 'caRefused'));
    expect(said(refused)).toEqual(['secureStep.failed.caRefused', 'menu.prompt']);
    expect(refused.snapshot.context.identity).toBeUndefined();
  });
});

describe('등록', () => {
  async function upToThePage(): Promise<Turn> {
    const verified = await verifyTwice();
    expect(said(verified)).toEqual(['codes.additional.done', 'registration.chooseAction']);
    return session.send(choice('registration.choices.add'));
  }

  test('본인 인증, 추가 인증, then the certificate proven on the page: the card', async () => {
    const identityPage = await session.send(REGISTER);
    expect(said(identityPage)).toEqual(['secureStep', 'secureStep.open.identity']);
    const additionalPage = await session.send(VERIFIED);
    expect(said(additionalPage)).toEqual(['identity.verified', 'secureStep', 'secureStep.open.additional']);
    // The code goes to the phone on file: the page is told who the customer is.
    expect(pages(additionalPage)).toEqual([
      { type: 'secureStep', step: expect.objectContaining({ kind: 'additional', journey: 'registering' }), customer: PAGE_CUSTOMER },
    ]);
    expect(said(await session.send(ADDITIONAL_VERIFIED))).toEqual(['codes.additional.done', 'registration.chooseAction']);

    const registrationPage = await session.send(choice('registration.choices.add'));
    expect(said(registrationPage)).toEqual(['secureStep', 'secureStep.open.registration']);
    expect(pages(registrationPage)).toEqual([
      { type: 'secureStep', step: expect.objectContaining({ kind: 'registration', journey: 'registering' }), customer: PAGE_CUSTOMER },
    ]);

    const registered = await session.send({ type: 'CERTIFICATE_REGISTERED', registered: REGISTERED, at });
    expect(said(registered)).toEqual(['registration.registered', 'menu.prompt']);
    expect(registered.replies[0]).toEqual(
      expect.objectContaining({
        card: 'facts',
        params: {
          ca: { key: 'certificates.cas.KICA' },
          kind: { key: 'certificates.kinds.personalGeneral' },
          notAfter: '2027-03-02',
          registeredAt: '2026-03-02',
        },
      }),
    );
    expect(registered.snapshot.context.identity).toBeUndefined();
  });

  test("a customer of the bank's app goes straight to 추가 인증", async () => {
    session = new DialogSession();
    await session.send(SAMPLES.appCustomer);
    await session.send({ type: 'START', at });
    const additionalPage = await session.send(REGISTER);
    expect(said(additionalPage)).toEqual(['secureStep', 'secureStep.open.additional']);
    expect(pages(additionalPage)[0]?.customer).toEqual(APP_CUSTOMER);
  });

  test('a file without R is explained with the way forward (the NPKI folder), and the page offered again for other files', async () => {
    await upToThePage();
    const told = await session.send(failed('registration', 'noRandom'));
    expect(said(told)).toEqual(['secureStep.failed.noRandom', 'secureStep', 'secureStep.open.registration']);
    expect(told.emitted.filter((e) => e.type === 'secureStep')).toHaveLength(1);
    expect(told.snapshot.value).toEqual({ registering: 'provingPossession' });
  });

  test("a certificate in someone else's name is explained, and a person offered", async () => {
    await upToThePage();
    const told = await session.send(failed('registration', 'notYours'));
    expect(said(told)).toEqual(['secureStep.failed.notYours', 'identity.offerAgent']);
    expect(told.snapshot.value).toBe('offeringAgentAfterLockout');
    expect(told.snapshot.context.identity).toBeUndefined();
  });

  test('five wrong passwords on the page lock registration, and a person is offered', async () => {
    await upToThePage();
    const locked = await session.send(failed('registration', 'passwordLocked'));
    expect(said(locked)).toEqual(['registration.passwordLocked', 'identity.offerAgent']);
    expect(locked.snapshot.value).toBe('offeringAgentAfterLockout');
    const handedOver = await session.send(YES);
    expect(said(handedOver)).toEqual(['handoff']);
    expect(handedOver.emitted).toEqual([{ type: 'handoff', reason: 'lockout' }]);
  });

  test.each([
    ['expired', 'secureStep.failed.expired'],
    ['revoked', 'secureStep.failed.revoked'],
    ['corporate', 'secureStep.failed.corporate'],
    ['untrusted', 'secureStep.failed.untrusted'],
  ] as const)('a certificate the page finds %s is explained with %s', async (reason, key) => {
    await upToThePage();
    expect(said(await session.send(failed('registration', reason)))).toEqual([key, 'menu.prompt']);
  });

  test('files the page cannot read are explained, and the page offered again for others', async () => {
    await upToThePage();
    expect(said(await session.send(failed('registration', 'unsupported')))).toEqual([
      'secureStep.failed.unsupported',
      'secureStep',
      'secureStep.open.registration',
    ]);
  });

  test('해제: the registered certificates are listed, one is picked and released after a yes', async () => {
    await verifyTwice();
    const listed = await session.send(choice('registration.choices.manage'));
    expect(said(listed)).toEqual(['release.pick']);
    expect(listed.calls).toEqual([{ service: 'listCertificates', input: { customerId: 'customer-1', origin: 'registered' } }]);
    expect(said(await session.send(choice('4')))).toEqual(['release.confirm']);
    const released = await session.send(YES);
    expect(said(released)).toEqual(['release.done', 'menu.prompt']);
    expect(released.calls).toEqual([{ service: 'releaseCertificate', input: { customerId: 'customer-1', fingerprint: 'fingerprint-4' } }]);
  });
});

describe('재발급', () => {
  /** 본인 인증 on its page, then the customer's certificates listed. */
  async function upToThePick(): Promise<Turn> {
    await session.send(REISSUE);
    return session.send(VERIFIED);
  }

  test('a lost or leaked certificate: the reason, a yes, 추가 인증, the new one made on the device, then the old one revoked', async () => {
    const listed = await upToThePick();
    expect(said(listed)).toEqual(['identity.verified', 'reissue.pick']);
    expect(listed.calls).toEqual([{ service: 'listCertificates', input: { customerId: 'customer-1', origin: 'any' } }]);
    expect(said(await session.send(choice('1')))).toEqual(['reissue.askReason']);
    expect(said(await session.send(choice('reissue.reasons.leaked')))).toEqual(['reissue.confirmRevocation']);

    const additionalPage = await session.send(YES);
    expect(said(additionalPage)).toEqual(['secureStep', 'secureStep.open.additional']);
    expect(pages(additionalPage)[0]?.customer).toEqual(PAGE_CUSTOMER);
    const page = await session.send(ADDITIONAL_VERIFIED);
    expect(said(page)).toEqual(['codes.additional.done', 'secureStep', 'secureStep.open.issuance']);
    const replaces = { mode: 'reissue', reason: 'keyCompromise', fingerprint: 'fingerprint-1', notAfter: '2027-03-02' };
    expect(pages(page)).toEqual([
      {
        type: 'secureStep',
        step: { kind: 'issuance', journey: 'reissuing', certificateType: 'personalGeneral', replaces },
        customer: PAGE_CUSTOMER,
      },
    ]);

    const reissued = await session.send(CERTIFICATE_ISSUED);
    expect(reissued.calls).toEqual([{ service: 'revokeReplaced', input: { customerId: 'customer-1', replaces, issued: ISSUED } }]);
    expect(said(reissued)).toEqual([
      'reissue.done.reissue',
      'issuance.savedOnDevice',
      'reissue.oldRevoked',
      'reissue.otherDevices',
      'issuance.advice',
      'menu.prompt',
    ]);
    expect(reissued.replies[0]).toEqual(expect.objectContaining({ card: 'facts', params: ISSUED_CARD }));
    expect(reissued.snapshot.context.identity).toBeUndefined();
    expect(reissued.snapshot.context.certificates).toBeUndefined();
  });

  test('갱신: a certificate close to its expiry is renewed on the renewal page, authorised by its key; the server revoked the old one as superseded', async () => {
    await upToThePick();
    expect(said(await session.send(choice('2')))).toEqual(['reissue.offerRenewal']);
    const page = await session.send(YES);
    expect(said(page)).toEqual(['secureStep', 'secureStep.open.renewal']);
    const replaces = { mode: 'renewal', reason: 'superseded', fingerprint: 'fingerprint-2', notAfter: '2027-03-02' };
    expect(pages(page)).toEqual([
      {
        type: 'secureStep',
        step: { kind: 'renewal', journey: 'reissuing', certificateType: 'personalBanking', replaces },
        customer: PAGE_CUSTOMER,
      },
    ]);

    // The page's ticket revoked the old certificate when the new one was delivered: the flow has nothing left to revoke.
    const renewed = await session.send(CERTIFICATE_ISSUED);
    expect(renewed.calls).toEqual([]);
    expect(said(renewed)).toEqual([
      'reissue.done.renewal',
      'issuance.savedOnDevice',
      'reissue.oldRevoked',
      'reissue.otherDevices',
      'issuance.advice',
      'menu.prompt',
    ]);
  });

  test('"갱신할게요" at the renewal offer answers it', async () => {
    await upToThePick();
    await session.send(choice('2'));
    expect(said(await session.send({ type: 'REISSUE', text: '갱신', renewal: true, at }))).toEqual([
      'secureStep',
      'secureStep.open.renewal',
    ]);
  });

  test('the old certificate of a reissue not revoked (the CA down): the new one is saved, the old one still works, sorry, and a person offered', async () => {
    await upToThePick();
    await session.send(choice('1'));
    await session.send(choice('reissue.reasons.lost'));
    await session.send(YES);
    await session.send(ADDITIONAL_VERIFIED);
    session.script.plan('revokeReplaced', 'unavailable');
    const failedRevocation = await session.send(CERTIFICATE_ISSUED);
    expect(said(failedRevocation)).toEqual(['reissue.oldNotRevoked', 'menu.prompt']);
    expect(failedRevocation.replies[0]?.choices).toEqual(['menu.choices.agent']);
  });

  test('a certificate whose key the page cannot prove is not renewed, and that is explained', async () => {
    await upToThePick();
    await session.send(choice('2'));
    await session.send(YES);
    const told = await session.send(failed('renewal', 'notYours'));
    expect(said(told)).toEqual(['secureStep.failed.notYours', 'menu.prompt']);
    expect(told.calls).toEqual([]);
  });

  test.each([
    ['3', 'reissue.expired'],
    ['4', 'reissue.otherInstitution'],
  ])('picking certificate %s ends at the menu with %s', async (picked, key) => {
    await upToThePick();
    expect(said(await session.send(choice(picked)))).toEqual([key, 'menu.prompt']);
  });

  test('declining the revocation keeps the old certificate, and no page is opened', async () => {
    await upToThePick();
    await session.send(choice('1'));
    await session.send(choice('reissue.reasons.lost'));
    expect(said(await session.send({ type: 'NO', at }))).toEqual(['reissue.kept', 'menu.prompt']);
  });
});

describe('갱신 authorised by the current key alone', () => {
  test('asked for outright, it needs no 본인 인증 and no pick: the renewal page, for nobody known yet, then the card and that the old one is revoked', async () => {
    const page = await session.send(RENEW);
    expect(said(page)).toEqual(['secureStep', 'secureStep.open.renewal']);
    expect(page.replies[0]).toEqual(expect.objectContaining({ button: { key: 'secureStep.button.renewal', param: 'url' } }));
    // The proof of the current key on the page says whose certificate it is and which one is renewed.
    expect(pages(page)).toEqual([
      {
        type: 'secureStep',
        step: { kind: 'renewal', journey: 'reissuing', certificateType: undefined, replaces: undefined },
        customer: undefined,
      },
    ]);
    expect(page.calls).toEqual([]);
    expect(where(page)).toBe('reissuing.renewingByKey.onSecurePage');

    const renewed = await session.send(CERTIFICATE_ISSUED);
    expect(said(renewed)).toEqual([
      'reissue.done.renewal',
      'issuance.savedOnDevice',
      'reissue.oldRevoked',
      'reissue.otherDevices',
      'issuance.advice',
      'menu.prompt',
    ]);
    expect(renewed.replies[0]).toEqual(expect.objectContaining({ card: 'facts', params: ISSUED_CARD }));
    expect(renewed.calls).toEqual([]);
  });

  test('a renewal whose old certificate the server could not revoke: the new one is saved, the old one still works, sorry, and a person offered', async () => {
    await session.send(RENEW);
    const renewed = await session.send({ ...CERTIFICATE_ISSUED, oldStillValid: true });
    expect(said(renewed)).toEqual([
      'reissue.done.renewal',
      'issuance.savedOnDevice',
      'reissue.oldNotRevoked',
      'issuance.advice',
      'menu.prompt',
    ]);
    expect(renewed.replies.find((reply) => reply.key === 'reissue.oldNotRevoked')?.choices).toEqual(['menu.choices.agent']);
  });

  test("a customer of the bank's app asking for 갱신 picks the certificate from the list, as for a reissue", async () => {
    session = new DialogSession();
    await session.send(SAMPLES.appCustomer);
    await session.send({ type: 'START', at });
    const listed = await session.send(RENEW);
    expect(said(listed)).toEqual(['reissue.pick']);
    expect(listed.calls).toEqual([{ service: 'listCertificates', input: { customerId: 'customer-app', origin: 'any' } }]);
    expect(said(await session.send(choice('2')))).toEqual(['reissue.offerRenewal']);
    const page = await session.send(YES);
    expect(pages(page)[0]?.customer).toEqual(APP_CUSTOMER);
  });

  test('재발급 asked for outright still begins with 본인 인증', async () => {
    expect(pages(await session.send(REISSUE))[0]?.step.kind).toBe('identity');
  });
});

// The page ends 본인 인증 and 추가 인증 with SECURE_FAILED verificationLocked after too many wrong codes
// (src/secure/codeSteps.ts): the chat says why, and a person is offered meanwhile.
test.each([
  ['본인 인증', 'identity', () => session.send(ISSUE)],
  [
    '추가 인증',
    'additional',
    async () => {
      await session.send(REGISTER);
      return session.send(VERIFIED);
    },
  ],
] as const)('%s locked on the page is explained, and a person offered', async (_step, kind, reach) => {
  await reach();
  const locked = await session.send(failed(kind, 'verificationLocked'));
  expect(said(locked)).toEqual(['secureStep.failed.verificationLocked', 'identity.offerAgent']);
  expect(locked.snapshot.value).toBe('offeringAgentAfterLockout');
  expect(locked.snapshot.context.identity).toBeUndefined();
  const handedOver = await session.send(YES);
  expect(handedOver.emitted).toEqual([{ type: 'handoff', reason: 'lockout' }]);
});

/** Each page, and how a journey reaches it; `next` is the page's completion that moves the journey on. */
const PAGES: readonly { kind: SecureStepKind; journey: string; by: string; reach: () => Promise<Turn>; next: FlowEvent; after: string }[] =
  [
    {
      kind: 'identity',
      journey: 'issuing',
      by: 'asking',
      reach: () => session.send(ISSUE),
      next: VERIFIED,
      after: 'issuing.authenticatingFurther.onSecurePage',
    },
    {
      kind: 'additional',
      journey: 'registering',
      by: '본인 인증',
      reach: async () => {
        await session.send(REGISTER);
        return session.send(VERIFIED);
      },
      next: ADDITIONAL_VERIFIED,
      after: 'registering.choosingAction',
    },
    {
      kind: 'issuance',
      journey: 'issuing',
      by: 'the type chosen',
      reach: () => upToTheIssuancePage(),
      next: CERTIFICATE_ISSUED,
      after: 'menu',
    },
    {
      kind: 'issuance',
      journey: 'reissuing',
      by: 'a reason and 추가 인증',
      reach: async () => {
        await reissuing('1');
        await session.send(choice('reissue.reasons.lost'));
        await session.send(YES);
        return session.send(ADDITIONAL_VERIFIED);
      },
      next: CERTIFICATE_ISSUED,
      after: 'menu',
    },
    {
      kind: 'registration',
      journey: 'registering',
      by: '추가 인증',
      reach: async () => {
        await verifyTwice();
        return session.send(choice('registration.choices.add'));
      },
      next: { type: 'CERTIFICATE_REGISTERED', registered: REGISTERED, at },
      after: 'menu',
    },
    {
      kind: 'renewal',
      journey: 'reissuing',
      by: 'a pick',
      reach: async () => {
        await reissuing('2');
        return session.send(YES);
      },
      next: CERTIFICATE_ISSUED,
      after: 'menu',
    },
    {
      kind: 'renewal',
      journey: 'reissuing',
      by: 'asking for 갱신',
      reach: () => session.send(RENEW),
      next: CERTIFICATE_ISSUED,
      after: 'menu',
    },
  ];

describe.each(PAGES)('the $kind page of $journey, reached by $by', ({ kind, journey, reach, next, after }) => {
  const open = ['secureStep', `secureStep.open.${kind}`];

  test.each([
    ['SECURE_CANCELLED', 'secureStep.cancelled'],
    ['SECURE_EXPIRED', 'secureStep.expired'],
  ] as const)('%s brings the customer back to the step, told %s, with a fresh link; 다시 열기 and the page work', async (type, key) => {
    const step = where(await reach());
    const back = await session.send({ type, step: kind, at });
    expect(said(back)).toEqual([key, ...open]);
    expect(where(back)).toBe(step);
    expect(pages(back)[0]?.step).toEqual(expect.objectContaining({ kind, journey }));

    const reopened = await session.send({ type: 'CHOICE', choice: REOPEN_CHOICE, at });
    expect(said(reopened)).toEqual(open);
    expect(where(reopened)).toBe(step);
    expect(where(await session.send(next))).toBe(after);
  });

  // A new link would end the page the customer may have open: they are only pointed back to it.
  test.each([
    ['a 주민등록번호', SAMPLES.rrn, 'secureStep.notInChat'],
    ['a mistyped 주민등록번호', SAMPLES.rrnInvalid, 'secureStep.notInChat'],
    ['a phone number', SAMPLES.phone, 'secureStep.notInChat'],
    ['a key file', SAMPLES.keyFiles, 'secureStep.filesOnPage'],
  ] as const)(
    '%s sent into the chat is not kept: the customer is pointed to the open page, offered to reopen it, and that page still completes the step',
    async (_what, event, key) => {
      const before = await reach();
      const told = await session.send(event);
      expect(told.emitted).toEqual([{ type: 'reply', key, choices: [REOPEN_CHOICE] }]);
      expect(where(told)).toBe(where(before));
      expect(told.snapshot.context).toEqual(before.snapshot.context);
      expect(where(await session.send(next))).toBe(after);
    },
  );

  test('words typed while the page is open point back to it, without a new link; after a few in a row, a person is offered', async () => {
    const step = where(await reach());
    for (let miss = 1; miss < MISUNDERSTOOD_LIMIT; miss++) {
      const told = await session.send(SAMPLES.name);
      expect(told.emitted).toEqual([{ type: 'reply', key: 'secureStep.stillOnPage', choices: [REOPEN_CHOICE] }]);
      expect(where(told)).toBe(step);
    }
    const offered = await session.send(SAMPLES.name);
    expect(said(offered)).toEqual(['misunderstood.offerAgent']);
    expect(offered.snapshot.value).toBe('offeringAgent');
  });
});

// The pages that make a certificate on the device: whatever ends them early is explained, and no certificate is revoked.
describe.each(PAGES.filter((page) => page.kind === 'issuance' || page.kind === 'renewal'))(
  'the certificate made on the $kind page of $journey, reached by $by',
  ({ kind, reach }) => {
    test.each(SECURE_FAILURES)('failing with %s is explained with its own text, and the journey ends at the menu', async (reason) => {
      await reach();
      const told = await session.send(failed(kind, reason));
      expect(said(told)).toEqual([`secureStep.failed.${reason}`, 'menu.prompt']);
      expect(told.snapshot.value).toBe('menu');
      expect(told.calls).toEqual([]);
    });
  },
);

test('a 주민등록번호 typed at a question in the chat is not kept, and the question still awaits its answer', async () => {
  await verifyTwice(ISSUE);
  const asked = await session.send(YES);
  const told = await session.send(SAMPLES.rrn);
  expect(said(told)).toEqual(['secureStep.notInChat']);
  expect(told.snapshot.value).toEqual(asked.snapshot.value);
  expect(told.snapshot.context).toEqual(asked.snapshot.context);
  expect(said(await session.send(choice('issuance.types.personalBanking')))).toEqual(['secureStep', 'secureStep.open.issuance']);
});
