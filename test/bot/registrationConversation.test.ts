import { writePkcs12 } from '../../src/certificates/npki/pkcs12';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { CUSTOMER, OTHER_BANK_PASSWORD, asAttachment, otherBankFiles, startRegistration } from '../support/journeys';
import { pfxWithIterationCounts, withIterationCount } from '../support/keyFiles';
import { joinedCustomer, testCertificateService } from '../support/testBot';

const PASSWORD = OTHER_BANK_PASSWORD;
let otp: CapturingOtpSender;
let customer: Customer;


beforeEach(async () => {
  ({ otp, customer } = await joinedCustomer());
});

test('등록: 본인 인증, the two files in two messages, the password, the 주민등록번호 again, then the card', async () => {
  const files = await otherBankFiles();
  const asked = await startRegistration(customer, otp);
  expect(texts(asked).join('\n')).toContain('signCert.der와 signPri.key');
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert)] }))[0]).toContain('signPri.key)도 보내 주세요');
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('signPri.key', files.signPri)] }))[0]).toContain('비밀번호를 입력해 주세요');
  expect(texts(await customer.say('wrong#Pass2026'))[0]).toContain('4번 더');
  expect(texts(await customer.say(PASSWORD))[0]).toContain('주민등록번호를 한 번 더');
  const card = texts(await customer.say(CUSTOMER.rrn));
  expect(card[0]).toMatch(/인증서를 등록했어요[\s\S]*한국정보인증\(KICA\)[\s\S]*개인 범용/);
});

test('someone else’s certificate is refused at the owner check and an agent is offered', async () => {
  const files = await otherBankFiles('8505052345678');
  await startRegistration(customer, otp);
  await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)] });
  await customer.say(PASSWORD);
  const refused = await customer.say(CUSTOMER.rrn);
  expect(texts(refused)).toEqual([expect.stringContaining('명의로 확인되지 않아요'), '상담원을 연결해 드릴까요?']);
});

test('a revoked certificate is refused with the way forward: reissue at the issuing bank', async () => {
  const service = await testCertificateService();
  const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn: CUSTOMER.rrn.replace('-', ''), type: 'personalGeneral' });
  await service.otherBankCa.revoke(issued.serialNumber, 'keyCompromise');
  await startRegistration(customer, otp);
  await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', issued.certificate), asAttachment('signPri.key', await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD))] });
  const replies = await customer.say(PASSWORD);
  expect(replies[0]?.text).toContain('폐기되었어요');
  expect(replies[0]?.text).toContain('재발급');
});

test('an expired certificate offers issuance instead', async () => {
  const service = await testCertificateService();
  const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn: CUSTOMER.rrn.replace('-', ''), type: 'personalGeneral', notAfter: new Date(Date.now() - 86_400_000), now: new Date(Date.now() - 2 * 86_400_000) });
  await startRegistration(customer, otp);
  await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', issued.certificate), asAttachment('signPri.key', await encryptPrivateKeyFile(issued.privateKeyInfo, PASSWORD))] });
  const replies = await customer.say(PASSWORD);
  expect(replies[0]?.text).toContain('유효기간이 지났어요');
  expect(lastChoices(replies)).toContain('인증서 발급');
});

test('five wrong passwords lock registration and offer an agent; a file that is not a certificate is refused', async () => {
  const files = await otherBankFiles();
  await startRegistration(customer, otp);
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('photo.jpg', Buffer.from('jpeg'))] }))[0]).toContain('인증서 파일이 아닌 것 같아요');
  await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)] });
  for (let i = 0; i < 4; i++) await customer.say(`wrong#Pass${i}0x`);
  const locked = await customer.say('wrong#Pass90x');
  expect(texts(locked)).toEqual([expect.stringContaining('5번 잘못'), '상담원을 연결해 드릴까요?']);
});

describe('a key file re-encrypted to cost far more than real ones (10,000,000 iterations)', () => {
  /** Old code spent about 6 s deriving such a key, for a wrong-password reply; refusing takes milliseconds. */
  const FAST_MS = 2000;
  const UNUSUAL = '보호 설정이 일반적이지 않아 열 수 없어요';

  test('signPri.key is refused at once with its own reply and a way forward, and the files are asked for again', async () => {
    const files = await otherBankFiles();
    await startRegistration(customer, otp);
    await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', withIterationCount(files.signPri, 10_000_000))] });
    const started = Date.now();
    const replies = texts(await customer.say(PASSWORD));
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(replies[0]).toContain(UNUSUAL);
    expect(replies[0]).toContain('인증서 관리 프로그램에서 내보낸 NPKI 폴더');
    expect(replies[0]).toContain('4번 더');
    expect(replies[1]).toContain('등록할 인증서 파일을 보내 주세요');

    // Real files are still welcome in the same conversation.
    await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)] });
    expect(texts(await customer.say(PASSWORD))[0]).toContain('주민등록번호를 한 번 더');
  });

  test('a PFX asking for that much is refused the same way', async () => {
    const service = await testCertificateService();
    const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn: CUSTOMER.rrn.replace('-', ''), type: 'personalGeneral' });
    const pfx = await writePkcs12({ certificate: issued.certificate, privateKeyInfo: issued.privateKeyInfo, password: PASSWORD });
    await startRegistration(customer, otp);
    await customer.send({ type: 'message', attachments: [asAttachment('certificate.pfx', pfxWithIterationCounts(pfx, { keyBag: 10_000_000 }))] });
    const started = Date.now();
    const replies = texts(await customer.say(PASSWORD));
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(replies[0]).toContain(UNUSUAL);
  });

  test('counts as an attempt: the fifth such turn locks registration and offers an agent', async () => {
    const files = await otherBankFiles();
    const unusual = withIterationCount(files.signPri, 100_001);
    await startRegistration(customer, otp);
    for (const left of [4, 3, 2, 1]) {
      await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', unusual)] });
      expect(texts(await customer.say(PASSWORD))[0]).toContain(`${left}번 더`);
    }
    await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', unusual)] });
    const locked = await customer.say(PASSWORD);
    expect(texts(locked)).toEqual([expect.stringContaining(UNUSUAL), '상담원을 연결해 드릴까요?']);
    expect(texts(locked)[0]).toContain('등록을 더 진행할 수 없어요');
  });

  test('in English', async () => {
    const files = await otherBankFiles();
    await customer.say('English');
    await startRegistration(customer, otp, 'en');
    await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', withIterationCount(files.signPri, 10_000_000))] });
    const replies = texts(await customer.say(PASSWORD));
    expect(replies[0]).toContain('protected with unusual settings');
    expect(replies[0]).toContain('certificate manager');
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
    if (input === 'files') await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)] });
    else await customer.say(input);
  }
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toContain('취소했어요');
  expect(lastChoices(cancelled)).toContain('인증서 발급');
  // the journey kept nothing: a new registration starts again with 본인 인증
  expect(texts(await customer.say('타기관 인증서 등록'))[0]).toContain('본인 인증');
});

test('in English', async () => {
  const files = await otherBankFiles();
  await customer.say('English');
  await startRegistration(customer, otp, 'en');
  expect(texts(await customer.send({ type: 'message', attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)] }))[0]).toContain("certificate's password");
  expect(texts(await customer.say(PASSWORD))[0]).toContain('once more');
  expect(texts(await customer.say(CUSTOMER.rrn))[0]).toMatch(/The certificate is registered[\s\S]*KICA[\s\S]*personal, general use/);
});
