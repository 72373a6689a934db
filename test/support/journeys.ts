import { randomBytes } from 'node:crypto';
import type { CertificateType, VerifiedIdentity } from '../../dialogs/contract/domain';
import type { IssuedCertificate } from '../../dialogs/contract/secure';
import { registeredFacts } from '../../src/secure/possessionSteps';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { provePossession } from '../../src/device/possessionProof';
import { Customer, SeenReply } from './customer';
import { createTestBot, TestBot, TestBotOptions, testCertificateService } from './testBot';

export const CUSTOMER = {
  name: '홍길동',
  rrn: '900101-1234567',
  carrier: 'SKT',
  phone: '010-2468-1357',
  phoneDigits: '01024681357',
} as const;

/** The test customer as the secure page (or the bank's app) vouches for them, sealed with the customer's bot's key. */
export function verifiedCustomer(customer: Customer): VerifiedIdentity {
  if (customer.pages === undefined) throw new Error('this customer has no secure page');
  return customer.pages.identity(CUSTOMER);
}

/** Starts a journey and completes 본인 인증 on its page; returns what the chat shows after it. */
export async function verifyIdentity(customer: Customer, start: string): Promise<SeenReply[]> {
  await customer.say(start);
  return customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
}

/** 본인 인증 and then 추가 인증, as issuance, reissue and registration ask; returns what the chat shows after it. */
export async function verifyWithAdditionalCode(customer: Customer, start: string): Promise<SeenReply[]> {
  await verifyIdentity(customer, start);
  return customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
}

/** Into 타기관 인증서 등록, verified, up to the secure page for the files; returns the replies offering it. */
export async function startRegistration(customer: Customer, language: 'ko' | 'en' = 'ko'): Promise<SeenReply[]> {
  await verifyWithAdditionalCode(
    customer,
    language === 'ko' ? '타기관 인증서 등록' : "Register / release another institution's certificate",
  );
  return customer.say(language === 'ko' ? '인증서 등록하기' : 'Register a certificate');
}

export const OTHER_BANK_PASSWORD = 'Other#Bank2026';

/** Another bank's certificate for the test customer, from the sandbox's second CA. */
export async function otherBankFiles(idn: string = CUSTOMER.rrn.replace('-', '')): Promise<{ signCert: Buffer; signPri: Buffer }> {
  const service = await testCertificateService();
  const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn, type: 'personalGeneral' });
  return { signCert: issued.certificate, signPri: Buffer.from(await encryptPrivateKeyFile(issued.privateKeyInfo, OTHER_BANK_PASSWORD)) };
}

/**
 * A certificate the bank's CA issued to the test customer, on record as the CA's endpoint records
 * what a device asked for; returns what the page then tells the chat (CERTIFICATE_ISSUED's `issued`).
 */
export async function issuedOnRecord(
  customer: Customer,
  options: { type?: CertificateType; notAfter?: Date; now?: Date } = {},
): Promise<IssuedCertificate & { readonly fingerprint: string }> {
  const type = options.type ?? 'personalBanking';
  const service = await testCertificateService();
  const { summary } = await service.issueRecorded({ customerId: verifiedCustomer(customer).customerId, actor: 'customer' }, () =>
    service.bankCa.issue({
      realName: CUSTOMER.name,
      idn: CUSTOMER.rrn.replace('-', ''),
      type,
      notAfter: options.notAfter,
      now: options.now,
    }),
  );
  return {
    serialNumber: summary.serialNumber,
    notBefore: summary.notBefore.toISOString().slice(0, 10),
    notAfter: summary.notAfter.toISOString().slice(0, 10),
    ca: summary.policy?.ca ?? 'unknown',
    type,
    maskedName: summary.maskedName,
    fingerprint: summary.fingerprintSha256,
  };
}

/** The page's issuance: the device got a certificate from the CA and saved it; returns it and what the chat then shows. */
export async function issueOnPage(
  customer: Customer,
  options: Parameters<typeof issuedOnRecord>[1] = {},
): Promise<{ issued: IssuedCertificate & { readonly fingerprint: string }; replies: SeenReply[] }> {
  const issued = await issuedOnRecord(customer, options);
  const { fingerprint: _fingerprint, ...event } = issued;
  return { issued, replies: await customer.finishStep({ type: 'CERTIFICATE_ISSUED', issued: event }) };
}

/**
 * The page's registration: the device opens another bank's files with their password and signs the
 * step's challenge; the bank checks possession and the VID and records it. Returns what the chat shows.
 */
export async function registerOnPage(customer: Customer): Promise<SeenReply[]> {
  const service = await testCertificateService();
  const challenge = randomBytes(32);
  const proven = await provePossession({ files: await otherBankFiles(), password: OTHER_BANK_PASSWORD, challenge });
  if (proven.status !== 'signed') throw new Error(`the device could not prove possession: ${proven.status}`);
  const entry = await service.verifyPossession({
    ...proven.proof,
    challenge,
    customerId: verifiedCustomer(customer).customerId,
    idn: CUSTOMER.rrn.replace('-', ''),
    purpose: 'registration',
    actor: 'customer',
  });
  return customer.finishStep({ type: 'CERTIFICATE_REGISTERED', registered: registeredFacts(entry) });
}

/** 타기관 인증서 등록 from the menu to the card: another bank's certificate registered for the test customer. */
export async function registerOtherBankCertificate(customer: Customer): Promise<SeenReply[]> {
  await startRegistration(customer);
  return registerOnPage(customer);
}

/** A customer in the bank's app: the app passed them, signed in, with the chat's token (본인 인증 is skipped). */
export async function appCustomer(options: TestBotOptions = {}): Promise<TestBot & { customer: Customer }> {
  const vouched = new Map<string, VerifiedIdentity>();
  const testBot = await createTestBot({ ...options, appCustomers: vouched });
  const customer = new Customer(testBot.adapter, testBot.pages);
  vouched.set(customer.conversationId, verifiedCustomer(customer));
  await customer.join();
  return { ...testBot, customer };
}
