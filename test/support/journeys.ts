import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import type { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, SeenReply } from './customer';
import { testCertificateService } from './testBot';

export const CUSTOMER = {
  name: '홍길동',
  rrn: '900101-1234567',
  carrier: 'SKT',
  phone: '010-2468-1357',
  phoneDigits: '01024681357',
} as const;

/** Starts a journey and goes through 본인 인증 with the sandbox's code; returns the replies to the code. */
export async function verifyIdentity(customer: Customer, otp: CapturingOtpSender, start: string): Promise<SeenReply[]> {
  for (const input of [start, CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier, CUSTOMER.phone]) await customer.say(input);
  return customer.say(otp.lastCodeFor(CUSTOMER.phoneDigits) ?? 'no code was sent');
}

/** 본인 인증 and then 추가 인증 with a second code, as reissue and registration ask; returns the replies to that code. */
export async function verifyWithAdditionalCode(customer: Customer, otp: CapturingOtpSender, start: string): Promise<SeenReply[]> {
  const first = otp.lastCodeFor(CUSTOMER.phoneDigits);
  await verifyIdentity(customer, otp, start);
  const second = otp.lastCodeFor(CUSTOMER.phoneDigits);
  if (second === undefined || second === first) throw new Error('no additional code was sent');
  return customer.say(second);
}

/** Into 타기관 인증서 등록, verified, up to the request for the files; returns the replies asking for them. */
export async function startRegistration(customer: Customer, otp: CapturingOtpSender, language: 'ko' | 'en' = 'ko'): Promise<SeenReply[]> {
  await verifyWithAdditionalCode(
    customer,
    otp,
    language === 'ko' ? '타기관 인증서 등록' : "Register / release another institution's certificate",
  );
  return customer.say(language === 'ko' ? '인증서 등록하기' : 'Register a certificate');
}

export const OTHER_BANK_PASSWORD = 'Other#Bank2026';

/** A file as a channel attaches it, inline as a data: URI. */
export const asAttachment = (name: string, bytes: Uint8Array) => ({
  name,
  contentType: 'application/octet-stream',
  contentUrl: `data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`,
});

/** Another bank's certificate for the test customer, from the sandbox's second CA. */
export async function otherBankFiles(idn: string = CUSTOMER.rrn.replace('-', '')): Promise<{ signCert: Buffer; signPri: Buffer }> {
  const service = await testCertificateService();
  const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn, type: 'personalGeneral' });
  return { signCert: issued.certificate, signPri: Buffer.from(await encryptPrivateKeyFile(issued.privateKeyInfo, OTHER_BANK_PASSWORD)) };
}

/** A whole registration of another bank's certificate; returns the card. */
export async function registerOtherBankCertificate(customer: Customer, otp: CapturingOtpSender): Promise<SeenReply[]> {
  const files = await otherBankFiles();
  await startRegistration(customer, otp);
  await customer.send({
    type: 'message',
    attachments: [asAttachment('signCert.der', files.signCert), asAttachment('signPri.key', files.signPri)],
  });
  await customer.say(OTHER_BANK_PASSWORD);
  return customer.say(CUSTOMER.rrn);
}
