/**
 * The page's calls to the device client (src/device): keys, R and the CA request; the files a new
 * certificate is kept in; the proof of possession. All of it runs here, in the browser.
 */
import { bytesFromBase64 } from '../../certificates/npki/bytes';
import { inspectCertificate } from '../../certificates/npki/certificateInspection';
import { requestCertificate } from '../../device/caClient';
import { type DeviceKeyPair, generateDeviceKeyPair, newRandomNum } from '../../device/deviceKeys';
import { type IssuedFiles, writeIssuedFiles } from '../../device/issuedFiles';
import { type PossessionResult, provePossession } from '../../device/possessionProof';
import type { IssuanceAuthorized } from '../secureApi';
import { certificateFilesOf, type ChosenFile } from './chosenFiles';

/** A certificate the CA issued for a key made here; the key and R are still in clear, in memory only. */
export interface NewCertificate {
  readonly keyPair: DeviceKeyPair;
  readonly randomNum: Uint8Array;
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
}

export type NewCertificateFiles = IssuedFiles & { readonly serialNumber: string };

/** Makes the key pair and R here and asks the CA with the bank's authorisation; throws CaRefusal when the CA says no. */
export async function issueOnDevice(authorized: IssuanceAuthorized): Promise<NewCertificate> {
  const keyPair = await generateDeviceKeyPair();
  const randomNum = newRandomNum();
  const { certificate, chain } = await requestCertificate({
    endpoint: { url: authorized.caEndpoint, certificate: bytesFromBase64(authorized.caCertificate) },
    authorization: authorized,
    keyPair,
    randomNum,
  });
  return { keyPair, randomNum, certificate, chain };
}

/** signPri.key, the PFX and the NPKI zip, the key encrypted with the customer's password. */
export async function protectOnDevice(issued: NewCertificate, password: string): Promise<NewCertificateFiles> {
  const files = await writeIssuedFiles({ ...issued, password });
  const { serialNumber } = await inspectCertificate(issued.certificate);
  return { ...files, serialNumber };
}

/** Opens the chosen files with the password and signs the challenge with their key. */
export async function proveWithFiles(chosen: readonly ChosenFile[], password: string, challenge: Uint8Array): Promise<PossessionResult> {
  const files = certificateFilesOf(chosen);
  if (typeof files === 'string') return { status: 'unreadable', reason: files };
  return provePossession({ files, password, challenge });
}
