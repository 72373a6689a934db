import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IssuedNotice } from '../../src/certificates/ca/certificateAuthority';
import type { IssuanceEndpoint } from '../../src/certificates/ca/issuanceEndpoint';
import { CertificateService, CertificateStores, createCertificateService } from '../../src/certificates/certificateService';
import { memoryCertificateStores } from '../../src/stores';
import { fixtureDir } from '../support/opensslFixtures';

export const REAL_NAME = '홍길동';
export const IDN = '9001011234567';
export const CUSTOMER_ID = 'customer-hash-device';
export const PASSWORD = 'Device#2026!';

/**
 * The certificate core in a folder of its own, trusting besides its sandbox CAs the openssl
 * fixtures' "other bank" (its root and issuing CA only) with that bank's CRL.
 */
export async function certificateCore(stores: CertificateStores = memoryCertificateStores()): Promise<CertificateService> {
  const dir = mkdtempSync(join(tmpdir(), 'jca-device-'));
  const trusted = join(dir, 'trusted');
  mkdirSync(trusted);
  for (const file of ['root.pem', 'issuing.pem']) copyFileSync(join(fixtureDir(), file), join(trusted, file));
  return createCertificateService({
    caDirectory: join(dir, 'ca'),
    trustedRootsDirectory: trusted,
    crlDirectory: join(fixtureDir(), 'crl'),
    crlUrl: (caId) => `http://127.0.0.1/ca/${caId}.crl`,
    stores,
  });
}

/** The issuance endpoint of `core`, with the notices it gives the RA collected. */
export function endpointOf(core: CertificateService): { endpoint: IssuanceEndpoint; notices: IssuedNotice[] } {
  const notices: IssuedNotice[] = [];
  const endpoint = core.issuanceEndpoint(async (notice) => {
    notices.push(notice);
  });
  return { endpoint, notices };
}

/** A fetch that hands the body to the endpoint logic, as the route does (without HTTP). */
export function fetchInProcess(endpoint: IssuanceEndpoint): typeof globalThis.fetch {
  return async (_url, init) => {
    const result = await endpoint.handle(JSON.parse(String(init?.body)));
    return result.status === 'issued'
      ? new Response(JSON.stringify(result.answer), { status: 200 })
      : new Response(JSON.stringify({ error: result.reason }), { status: 400 });
  };
}

export function registration(overrides: Partial<{ customerId: string; idn: string; notAfter: Date }> = {}) {
  return { customerId: CUSTOMER_ID, realName: REAL_NAME, idn: IDN, type: 'personalBanking' as const, ...overrides };
}
