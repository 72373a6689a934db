import {
  KeyObject,
  X509Certificate,
  constants,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  randomBytes,
  randomInt,
} from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { bufferOf } from '../bufferOf';
import { CaMaterial, CaMaterialSet, loadOrCreateCaMaterial } from './caKeyFolder';
import type { CaLedger, RevocationReason } from './caLedger';
import { OTHER_BANK_SANDBOX_POLICY, SANDBOX_POLICY } from '../npki/certificatePolicies';
import { buildCrl, normalizeSerial } from './certificateRevocationList';
import { oidNode, seq } from '../npki/der';
import { OID } from '../npki/oids';
import { buildPrivateKeyInfo } from '../npki/privateKeyInfo';
import { identifyDataExtension } from '../npki/virtualId';
import { NameAttribute, keyIdentifier, randomSerialNumber, signCertificate } from './x509Building';

const { asn1 } = forge;
const generateKeyPairAsync = promisify(generateKeyPair);

/** The two kinds of personal certificate the bank issues. */
export type CertificateType = 'personalBanking' | 'personalGeneral';

/** How one sandbox CA names itself and what it issues; the CA plays a real NPKI CA's profile. */
export interface SandboxCaProfile {
  readonly id: string;
  /** The folder under NPKI/ where customers' files go, e.g. `yessign`. */
  readonly caDirectory: string;
  readonly organization: string;
  readonly country: 'kr' | 'KR';
  readonly rootCommonName: string;
  readonly issuingCommonName: string;
  /** The registering bank's OU in the subject, e.g. `WOORI`. */
  readonly bankUnit: string;
  /** First digits of the CN serial (00 + bank code), as NPKI CAs do. */
  readonly serialPrefix: string;
  readonly policies: Readonly<Record<CertificateType, string>>;
  readonly userNotice: string;
}

export const BANK_CA_PROFILE: SandboxCaProfile = {
  id: 'bank',
  caDirectory: 'yessign',
  organization: 'yessign',
  country: 'kr',
  rootCommonName: 'Sandbox RootCA',
  issuingCommonName: 'yessignCA Sandbox Class 2',
  bankUnit: 'SANDBOXBANK',
  serialPrefix: '0020',
  policies: SANDBOX_POLICY,
  userNotice: '이 인증서는 샌드박스 인증기관에서 발급한 시험용 인증서입니다',
};

/** A second CA playing "another bank" (한국정보인증-like), so registration can be tried end to end. */
export const OTHER_BANK_CA_PROFILE: SandboxCaProfile = {
  id: 'other-bank',
  caDirectory: 'KICA',
  organization: 'KICA',
  country: 'KR',
  rootCommonName: 'Sandbox Other RootCA',
  issuingCommonName: 'signGATE Sandbox CA',
  bankUnit: 'OTHERBANK',
  serialPrefix: '0081',
  policies: OTHER_BANK_SANDBOX_POLICY,
  userNotice: '이 인증서는 샌드박스 타기관 인증기관에서 발급한 시험용 인증서입니다',
};

export interface IssueRequest {
  readonly realName: string;
  /** 주민등록번호, 13 digits: used only to compute the VID, never kept. */
  readonly idn: string;
  readonly type: CertificateType;
  /** Reissue keeps the old expiry; otherwise one year from now. */
  readonly notAfter?: Date;
  readonly now?: Date;
}

export interface CertifyRequest extends IssueRequest {
  /** The customer's public key, from their certification request. */
  readonly publicKey: KeyObject;
  /** R, made on the customer's device: the VID binds the certificate to the 주민등록번호 through it. */
  readonly randomNum: Uint8Array;
}

/** A certificate as the CA signed it. */
export interface SignedCertificate {
  readonly certificate: Buffer;
  readonly serialNumber: string;
  readonly subjectDn: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A fresh certificate and its key, before the key is encrypted with the customer's password. */
export interface IssuedKeyPair extends SignedCertificate {
  /** DER PrivateKeyInfo carrying the randomNum R; the caller encrypts it and drops it. */
  readonly privateKeyInfo: Buffer;
}

const DAY_MS = 24 * 3600 * 1000;
const ROOT_YEARS = 20;
const ISSUING_YEARS = 10;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * A root and an issuing CA issuing NPKI-profile personal certificates: subject
 * `cn=홍길동()<digits>,ou=<bank>,ou=personal4IB,o=<CA>,c=kr`, critical keyUsage, critical
 * certificatePolicies with a Korean userNotice, the VID in subjectAltName, a CRL distribution
 * point, AKI/SKI, sha256WithRSA. It revokes with a reason and signs CRLs.
 */
export class SandboxCa {
  readonly rootCertificate: X509Certificate;
  readonly issuingCertificate: X509Certificate;
  /** The issuing key's identifier (forge's binary string), every certificate's authorityKeyIdentifier: worked out once, not per issuance. */
  private readonly issuingKeyIdentifier: string;

  private constructor(
    readonly profile: SandboxCaProfile,
    private readonly material: CaMaterialSet,
    private readonly ledger: CaLedger,
    private readonly crlUrl: string,
  ) {
    this.rootCertificate = new X509Certificate(material.root.certificate);
    this.issuingCertificate = new X509Certificate(material.issuing.certificate);
    this.issuingKeyIdentifier = keyIdentifier(this.issuingCertificate.publicKey).toString('binary');
  }

  /** Loads the CA from `folder`, creating it there on first start. */
  static async open(options: { profile: SandboxCaProfile; folder: string; ledger: CaLedger; crlUrl: string }): Promise<SandboxCa> {
    const material = await loadOrCreateCaMaterial(options.folder, () => createCaMaterial(options.profile));
    return new SandboxCa(options.profile, material, options.ledger, options.crlUrl);
  }

  /** A key pair made here, for the sandbox's "other bank" and tests: customers' keys are made on their devices (certify). */
  async issue(request: IssueRequest): Promise<IssuedKeyPair> {
    const { privateKey, publicKey } = await newRsaKeyPair();
    const randomNum = randomBytes(20);
    const signed = await this.certify({ ...request, publicKey, randomNum });
    return {
      ...signed,
      privateKeyInfo: bufferOf(buildPrivateKeyInfo(privateKey.export({ type: 'pkcs8', format: 'der' }), randomNum)),
    };
  }

  /**
   * Signs a certificate for a key made elsewhere and enters it in the ledger at once (the sandbox's
   * tools; the bank's issuances are recorded by IssuanceRecording, with the rest, in one commit).
   */
  async certify(request: CertifyRequest): Promise<SignedCertificate> {
    const now = request.now ?? new Date();
    for (;;) {
      const signed = await this.sign({ ...request, now });
      const entry = {
        serialNumber: signed.serialNumber,
        subjectDn: signed.subjectDn,
        notAfter: signed.notAfter.toISOString(),
        issuedAt: now.toISOString(),
      };
      if (await this.ledger.recordIssued(entry)) return signed;
    }
  }

  /**
   * Signs a certificate for a key made elsewhere (the customer's device), its VID from the
   * 주민등록번호 and the device's R; not yet in the ledger: the caller records it. Serials are 127
   * random bits, so the ledger's uniqueness is a check, not a lottery.
   */
  async sign(request: CertifyRequest): Promise<SignedCertificate> {
    const now = request.now ?? new Date();
    const subject = this.subjectFor(request.realName);
    const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
    const notAfter = request.notAfter ?? new Date(now.getTime() + 365 * DAY_MS);
    const serialNumber = randomSerialNumber();
    const identifyData = await identifyDataExtension(request.realName, request.idn, request.randomNum, 'sha256');
    const certificate = signCertificate(
      {
        serialNumber,
        subject,
        issuerCertificate: this.material.issuing.certificate,
        publicKey: request.publicKey,
        notBefore,
        notAfter,
        extensions: [
          { name: 'authorityKeyIdentifier', keyIdentifier: this.issuingKeyIdentifier },
          { name: 'subjectKeyIdentifier' },
          { name: 'keyUsage', critical: true, digitalSignature: true, nonRepudiation: true },
          {
            id: OID.certificatePolicies,
            critical: true,
            value: certificatePolicies(this.profile.policies[request.type], this.profile.userNotice),
          },
          identifyData,
          { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: this.crlUrl }] },
        ],
      },
      this.material.issuing.key,
    );
    return {
      certificate,
      serialNumber,
      subjectDn: [...subject]
        .reverse()
        .map((a) => `${a.type.toLowerCase()}=${a.value}`)
        .join(','),
      notBefore,
      notAfter,
    };
  }

  /**
   * RSA-OAEP-SHA256 decryption with the issuing CA's key: R, which the device encrypts to the CA
   * certificate it is given (`issuingCertificate`). Throws when the ciphertext is not for this key.
   */
  decryptFromDevice(ciphertext: Uint8Array): Buffer {
    return privateDecrypt({ key: this.material.issuing.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext);
  }

  /** True when this CA issued the certificate (its issuing key signed it). */
  issued(certificate: X509Certificate): boolean {
    return certificate.checkIssued(this.issuingCertificate) && certificate.verify(this.issuingCertificate.publicKey);
  }

  async revocationStatus(serialNumber: string): Promise<'good' | 'revoked' | 'unknown'> {
    const entry = await this.ledger.find(normalizeSerial(serialNumber));
    if (entry === undefined) return 'unknown';
    return entry.revokedAt === undefined ? 'good' : 'revoked';
  }

  /** Revokes once; false when this CA never issued the serial. */
  async revoke(serialNumber: string, reason: RevocationReason, at: Date = new Date()): Promise<boolean> {
    return (await this.ledger.revoke(normalizeSerial(serialNumber), reason, at)) !== undefined;
  }

  async crl(now: Date = new Date()): Promise<Buffer> {
    const revoked = await this.ledger.revoked();
    return buildCrl({
      issuerCertificate: this.material.issuing.certificate,
      issuerKey: this.material.issuing.key,
      revoked: revoked.map((e) => ({ serialNumber: e.serialNumber, revokedAt: new Date(e.revokedAt ?? now), reason: e.reason })),
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + DAY_MS),
      crlNumber: await this.ledger.nextCrlNumber(),
    });
  }

  private subjectFor(realName: string): NameAttribute[] {
    const digits = Array.from({ length: 22 - this.profile.serialPrefix.length }, () => randomInt(10)).join('');
    return [
      { type: 'C', value: this.profile.country },
      { type: 'O', value: this.profile.organization },
      { type: 'OU', value: 'personal4IB' },
      { type: 'OU', value: this.profile.bankUnit },
      { type: 'CN', value: `${realName}()${this.profile.serialPrefix}${digits}` },
    ];
  }
}

async function newRsaKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  // Native and asynchronous: the event loop keeps serving other conversations meanwhile.
  return generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
}

async function createCaMaterial(profile: SandboxCaProfile): Promise<CaMaterialSet> {
  const now = new Date();
  const rootKeys = await newRsaKeyPair();
  const rootSubject: NameAttribute[] = [
    { type: 'C', value: 'KR' },
    { type: 'O', value: 'Sandbox' },
    { type: 'OU', value: 'Sandbox Certification Authority Central' },
    { type: 'CN', value: profile.rootCommonName },
  ];
  const root: CaMaterial = {
    key: rootKeys.privateKey,
    certificate: signCertificate(
      {
        serialNumber: randomSerialNumber(),
        subject: rootSubject,
        publicKey: rootKeys.publicKey,
        notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
        notAfter: new Date(now.getTime() + ROOT_YEARS * 365 * DAY_MS),
        extensions: [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ],
      },
      rootKeys.privateKey,
    ),
  };
  const issuingKeys = await newRsaKeyPair();
  const issuing: CaMaterial = {
    key: issuingKeys.privateKey,
    certificate: signCertificate(
      {
        serialNumber: randomSerialNumber(),
        subject: [
          { type: 'C', value: profile.country },
          { type: 'O', value: profile.organization },
          { type: 'OU', value: 'AccreditedCA' },
          { type: 'CN', value: profile.issuingCommonName },
        ],
        issuerCertificate: root.certificate,
        publicKey: issuingKeys.publicKey,
        notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
        notAfter: new Date(now.getTime() + ISSUING_YEARS * 365 * DAY_MS),
        extensions: [
          { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
          { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifier(createPublicKey(rootKeys.privateKey)).toString('binary') },
        ],
      },
      rootKeys.privateKey,
    ),
  };
  return { root, issuing };
}

/** certificatePolicies: the type's OID with a Korean userNotice (BMPString, as NPKI CAs write it; forge encodes it from text). */
function certificatePolicies(policyOid: string, notice: string): forge.asn1.Asn1 {
  return seq([
    seq([
      oidNode(policyOid),
      seq([seq([oidNode(OID.userNotice), seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, notice)])])]),
    ]),
  ]);
}
