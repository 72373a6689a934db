import { writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { says, saysInEnglish } from '../support/replyTexts';
import { CUSTOMER, OTHER_BANK_PASSWORD, asAttachment, otherBankFiles, startRegistration } from '../support/journeys';
import { pfxWithIterationCounts, withIterationCount } from '../support/keyFiles';
import { joinedCustomer, testCertificateService } from '../support/testBot';

const PASSWORD = OTHER_BANK_PASSWORD;
let otp: CapturingOtpSender;
let customer: Customer;

/** The registration card in a language: its first line, then the CA and the kind of the sandbox's other bank. */
function expectRegisteredCard(card: string | undefined, say: (key: string) => string = says): void {
  expect(card?.split('\n')[0]).toBe(say('registration.registered').split('\n')[0]);
  expect(card).toContain(say('certificates.cas.KICA'));
  expect(card).toContain(say('certificates.kinds.personalGeneral'));
}

beforeEach(async () => {
  ({ otp, customer } = await joinedCustomer());
});

test('등록: 본인 인증, the two files in two messages, the password, the 주민등록번호 again, then the card', async () => {
  const files = await otherBankFiles();
  const asked = await startRegistration(customer, otp);
  expect(texts(asked)).toContain(says('registration.askFiles'));
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert)] }))[0]).toBe(
    says('registration.needKey'),
  );
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('signPri.key', files.signPri)] }))[0]).toBe(
    says('registration.askPassword'),
  );
  expect(texts(await customer.say('wrong#Pass2026'))[0]).toBe(says('registration.wrongPassword', { left: 4 }));
  expect(texts(await customer.say(PASSWORD))[0]).toBe(says('registration.askRrnAgain'));
  expectRegisteredCard(texts(await customer.say(CUSTOMER.rrn))[0]);
});

test('someone else’s certificate is refused at the owner check and an agent is offered', async () => {
  const files = await otherBankFiles('8505052345678');
  await startRegistration(customer, otp);
  await customer.send({
    type: 'message',
    attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)],
  });
  await customer.say(PASSWORD);
  const refused = await customer.say(CUSTOMER.rrn);
  expect(texts(refused)).toEqual([says('registration.failed.ownerMismatch'), says('identity.offerAgent')]);
});

test('a revoked certificate is refused with the way forward: reissue at the issuing bank', async () => {
  const service = await testCertificateService();
  const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn: CUSTOMER.rrn.replace('-', ''), type: 'personalGeneral' });
  await service.otherBankCa.revoke(issued.serialNumber, 'keyCompromise');
  await startRegistration(customer, otp);
  await customer.send({
    type: 'message',
    attachments: [
      asAttachment('signCert.der', issued.certificate),
      asAttachment('signPri.key', await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD)),
    ],
  });
  const replies = await customer.say(PASSWORD);
  expect(replies[0]?.text).toBe(says('registration.failed.revoked'));
});

test('an expired certificate offers issuance instead', async () => {
  const service = await testCertificateService();
  const issued = await service.otherBankCa.issue({
    realName: CUSTOMER.name,
    idn: CUSTOMER.rrn.replace('-', ''),
    type: 'personalGeneral',
    notAfter: new Date(Date.now() - 86_400_000),
    now: new Date(Date.now() - 2 * 86_400_000),
  });
  await startRegistration(customer, otp);
  await customer.send({
    type: 'message',
    attachments: [
      asAttachment('signCert.der', issued.certificate),
      asAttachment('signPri.key', await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD)),
    ],
  });
  const replies = await customer.say(PASSWORD);
  expect(replies[0]?.text).toBe(says('registration.failed.expired'));
  expect(lastChoices(replies)).toContain(says('menu.choices.issue'));
});

test('five wrong passwords lock registration and offer an agent; a file that is not a certificate is refused', async () => {
  const files = await otherBankFiles();
  await startRegistration(customer, otp);
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('photo.jpg', Buffer.from('jpeg'))] }))[0]).toBe(
    says('registration.refused.unknownKind'),
  );
  await customer.send({
    type: 'message',
    attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)],
  });
  for (let i = 0; i < 4; i++) await customer.say(`wrong#Pass${i}0x`);
  const locked = await customer.say('wrong#Pass90x');
  expect(texts(locked)).toEqual([says('registration.passwordLocked'), says('identity.offerAgent')]);
});

describe('a key file re-encrypted to cost far more than real ones (10,000,000 iterations)', () => {
  /** Old code spent about 6 s deriving such a key, for a wrong-password reply; refusing takes milliseconds. */
  const FAST_MS = 2000;
  const unusual = (left: number): string => says('registration.failed.excessiveKeyProtection', { left });

  test('signPri.key is refused at once with its own reply and a way forward, and the files are asked for again', async () => {
    const files = await otherBankFiles();
    await startRegistration(customer, otp);
    await customer.send({
      type: 'message',
      attachments: [
        asAttachment('signCert.der', files.signCert),
        asAttachment('signPri.key', withIterationCount(files.signPri, 10_000_000)),
      ],
    });
    const started = Date.now();
    const replies = texts(await customer.say(PASSWORD));
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(replies).toEqual([unusual(4), says('registration.askFiles')]);

    // Real files are still welcome in the same conversation.
    await customer.send({
      type: 'message',
      attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)],
    });
    expect(texts(await customer.say(PASSWORD))[0]).toBe(says('registration.askRrnAgain'));
  });

  test('a PFX asking for that much is refused the same way', async () => {
    const service = await testCertificateService();
    const issued = await service.otherBankCa.issue({
      realName: CUSTOMER.name,
      idn: CUSTOMER.rrn.replace('-', ''),
      type: 'personalGeneral',
    });
    const pfx = await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, password: PASSWORD });
    await startRegistration(customer, otp);
    await customer.send({
      type: 'message',
      attachments: [asAttachment('certificate.pfx', pfxWithIterationCounts(pfx, { keyBag: 10_000_000 }))],
    });
    const started = Date.now();
    const replies = texts(await customer.say(PASSWORD));
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(replies[0]).toBe(unusual(4));
  });

  test('counts as an attempt: the fifth such turn locks registration and offers an agent', async () => {
    const files = await otherBankFiles();
    const unusualKey = withIterationCount(files.signPri, 100_001);
    await startRegistration(customer, otp);
    for (const left of [4, 3, 2, 1]) {
      await customer.send({
        type: 'message',
        attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', unusualKey)],
      });
      expect(texts(await customer.say(PASSWORD))[0]).toBe(unusual(left));
    }
    await customer.send({
      type: 'message',
      attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', unusualKey)],
    });
    const locked = await customer.say(PASSWORD);
    expect(texts(locked)).toEqual([says('registration.excessiveKeyProtectionLocked'), says('identity.offerAgent')]);
  });

  test('in English', async () => {
    const files = await otherBankFiles();
    await customer.say('English');
    await startRegistration(customer, otp, 'en');
    await customer.send({
      type: 'message',
      attachments: [
        asAttachment('signCert.der', files.signCert),
        asAttachment('signPri.key', withIterationCount(files.signPri, 10_000_000)),
      ],
    });
    const replies = texts(await customer.say(PASSWORD));
    expect(replies[0]).toBe(saysInEnglish('registration.failed.excessiveKeyProtection', { left: 4 }));
  });
});

test.each([
  ['the files', []],
  ['the password', ['files']],
  ['the 주민등록번호 again', ['files', PASSWORD]],
])('취소 while waiting for %s returns to the menu, and a new registration starts from 본인 인증', async (_step, inputs) => {
  const files = await otherBankFiles();
  await startRegistration(customer, otp);
  for (const input of inputs) {
    if (input === 'files')
      await customer.send({
        type: 'message',
        attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)],
      });
    else await customer.say(input);
  }
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
  // the journey kept nothing: a new registration starts again with 본인 인증
  expect(texts(await customer.say('타기관 인증서 등록'))[0]).toBe(says('identity.askName'));
});

test('in English', async () => {
  const files = await otherBankFiles();
  await customer.say('English');
  await startRegistration(customer, otp, 'en');
  expect(
    texts(
      await customer.send({
        type: 'message',
        attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)],
      }),
    )[0],
  ).toBe(saysInEnglish('registration.askPassword'));
  expect(texts(await customer.say(PASSWORD))[0]).toBe(saysInEnglish('registration.askRrnAgain'));
  expectRegisteredCard(texts(await customer.say(CUSTOMER.rrn))[0], (key) => saysInEnglish(key));
});
