/**
 * The device asks the CA for its certificate itself (docs/secure-step.md): the bank registered the
 * customer and handed over a reference number and an authorisation code; the device sends its
 * certification request, R encrypted to the CA, and a MAC keyed by the code.
 */
import { base64Of, bytesEqual, bytesFromBase64 } from '../certificates/npki/bytes';
import { parseDer, toDer } from '../certificates/npki/der';
import { bufferSource, subtle } from '../certificates/npki/webCrypto';
import { readCertificateStructure } from '../certificates/npki/x509Structure';
import { buildCertificationRequest } from './certificationRequest';
import { type DeviceKeyPair, publicKeyInfo } from './deviceKeys';
import { type IssuanceAnswer, type IssuanceRequestBody, issuanceMac, issuanceMacKey } from './issuanceProtocol';

export interface CertificateRequest {
  /** Where the CA takes requests, and its certificate, whose key R is encrypted to (the RA's `issuance/authorize` gives both). */
  readonly endpoint: { readonly url: string; readonly certificate: Uint8Array };
  readonly authorization: { readonly referenceNumber: string; readonly authCode: string };
  readonly keyPair: DeviceKeyPair;
  readonly randomNum: Uint8Array;
  /** The platform's fetch unless given. */
  readonly fetch?: typeof globalThis.fetch;
}

export interface CertificateFromCa {
  readonly certificate: Uint8Array;
  /** The issuing CA's certificate(s), leaf's issuer first. */
  readonly chain: Uint8Array[];
}

/** The CA said no (its error code: a used or expired reference, a MAC that does not verify …), or answered nonsense. */
export class CaRefusal extends Error {
  override name = 'CaRefusal';

  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`the CA refused the request: ${code} (${status})`);
  }
}

export async function requestCertificate(request: CertificateRequest): Promise<CertificateFromCa> {
  const { referenceNumber, authCode } = request.authorization;
  const fields = {
    referenceNumber,
    certificationRequest: base64Of(await buildCertificationRequest(request.keyPair)),
    encryptedRandom: base64Of(await encryptToCertificate(request.endpoint.certificate, request.randomNum)),
  };
  const body: IssuanceRequestBody = {
    ...fields,
    mac: base64Of(await issuanceMac(await issuanceMacKey(authCode, referenceNumber), fields)),
  };
  // A browser's fetch must be called on its global, never detached from it.
  const send = request.fetch ?? ((...args: Parameters<typeof globalThis.fetch>) => globalThis.fetch(...args));
  const response = await send(request.endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new CaRefusal(response.status, errorCodeOf(answer));
  const issued = certificateOf(answer);
  // A certificate for another key would be useless with ours: better said now than at the first signature.
  if (issued === undefined || !bytesEqual(issued.publicKeyInfo, await publicKeyInfo(request.keyPair)))
    throw new CaRefusal(response.status, 'unexpectedAnswer');
  return { certificate: issued.certificate, chain: issued.chain };
}

/** RSA-OAEP with SHA-256 to the key of a DER certificate. */
async function encryptToCertificate(certificate: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const key = await subtle().importKey(
    'spki',
    bufferSource(subjectPublicKeyInfoOf(certificate)),
    { name: 'RSA-OAEP', hash: 'SHA-256' },
    false,
    ['encrypt'],
  );
  return new Uint8Array(await subtle().encrypt({ name: 'RSA-OAEP' }, key, bufferSource(data)));
}

function subjectPublicKeyInfoOf(certificate: Uint8Array): Uint8Array {
  return toDer(readCertificateStructure(parseDer(certificate)).subjectPublicKeyInfo);
}

function errorCodeOf(answer: unknown): string {
  const code = (answer as { error?: unknown } | undefined)?.error;
  return typeof code === 'string' ? code : 'unexpectedAnswer';
}

/** The answer's certificate (with its public key) and chain; undefined for anything else. */
function certificateOf(answer: unknown): (CertificateFromCa & { readonly publicKeyInfo: Uint8Array }) | undefined {
  const { certificate, chain } = (answer ?? {}) as Partial<Record<keyof IssuanceAnswer, unknown>>;
  if (typeof certificate !== 'string' || !Array.isArray(chain) || !chain.every((item) => typeof item === 'string')) return undefined;
  try {
    const der = bytesFromBase64(certificate);
    return { certificate: der, chain: (chain as string[]).map(bytesFromBase64), publicKeyInfo: subjectPublicKeyInfoOf(der) };
  } catch {
    return undefined;
  }
}
