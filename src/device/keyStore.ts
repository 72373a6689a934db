/**
 * Where a certificate made on the device is kept, and signed with later (docs/secure-step.md, "Keys
 * stay on the device"): a desktop browser offers the files as downloads (it can keep nothing, so it
 * neither lists nor signs), the bank's app keeps them in its native store through its bridge, the
 * terminal chat in files under a folder.
 */
import type { NpkiLocation } from './issuedFiles';
import type { PossessionResult } from './possessionProof';

/** The files of a new certificate, the key encrypted with the customer's password. */
export interface CertificateToKeep extends NpkiLocation {
  readonly signCert: Uint8Array;
  readonly signPri: Uint8Array;
  readonly pfx: Uint8Array;
}

/** A certificate a store keeps, for the customer to choose. */
export interface KeptCertificate extends NpkiLocation {
  /** The store's own name for it. */
  readonly id: string;
}

/** Which kept certificate signs, and its password; a store that asks the customer itself (the app's bridge) ignores them. */
export interface SignChoice {
  readonly id?: string;
  readonly password?: string;
}

export interface KeyStore {
  save(certificate: CertificateToKeep): Promise<void>;
  /** The certificates kept here; absent where nothing can be listed (downloads). */
  list?(): Promise<KeptCertificate[]>;
  /** Signs the server's challenge with a kept certificate's key; null when the customer declined. */
  sign?(challenge: Uint8Array, choice?: SignChoice): Promise<PossessionResult | null>;
}
