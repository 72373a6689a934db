/**
 * The entry the browser test bundles with esbuild: the device client as the secure page runs it,
 * exposed on `globalThis.device` with bytes as base64 so that they cross `page.evaluate` as strings.
 */
import { base64Of, bytesFromBase64 } from '../../../src/certificates/npki/bytes';
import { requestCertificate } from '../../../src/device/caClient';
import { generateDeviceKeyPair, newRandomNum } from '../../../src/device/deviceKeys';
import { writeIssuedFiles } from '../../../src/device/issuedFiles';
import { type CertificateFilesOnDevice, provePossession } from '../../../src/device/possessionProof';

export interface Authorized {
  readonly referenceNumber: string;
  readonly authCode: string;
  readonly caEndpoint: string;
  readonly caCertificate: string;
}

const deviceInPage = {
  /** Key pair and R made here, the certificate asked of the CA, the files written with the password. */
  async issue(authorized: Authorized, password: string) {
    const keyPair = await generateDeviceKeyPair();
    const randomNum = newRandomNum();
    const issued = await requestCertificate({
      endpoint: { url: authorized.caEndpoint, certificate: bytesFromBase64(authorized.caCertificate) },
      authorization: authorized,
      keyPair,
      randomNum,
    });
    const files = await writeIssuedFiles({ ...issued, keyPair, randomNum, password });
    return {
      signCert: base64Of(files.signCert),
      signPri: base64Of(files.signPri),
      pfx: base64Of(files.pfx),
      npkiZip: base64Of(files.npkiZip),
      caDirectory: files.caDirectory,
      subjectDn: files.subjectDn,
    };
  },

  /** A CA refusal, as the page sees it. */
  async refusal(authorized: Authorized): Promise<string> {
    return deviceInPage.issue(authorized, 'unused').then(
      () => 'issued',
      (error: { code?: string }) => error.code ?? String(error),
    );
  },

  async prove(files: Record<string, string>, password: string, challenge: string) {
    const opened = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, bytesFromBase64(bytes)]));
    const result = await provePossession({
      files: opened as unknown as CertificateFilesOnDevice,
      password,
      challenge: bytesFromBase64(challenge),
    });
    if (result.status !== 'signed' && result.status !== 'noRandom') return result;
    const { certificate, signature, randomNum } = result.proof;
    return {
      status: result.status,
      certificate: base64Of(certificate),
      signature: base64Of(signature),
      ...(randomNum !== undefined && { randomNum: base64Of(randomNum) }),
    };
  },
};

export type DeviceInPage = typeof deviceInPage;

(globalThis as unknown as { device: DeviceInPage }).device = deviceInPage;
