/**
 * Every object identifier the certificate code reads or writes, named once. The policy table
 * (certificatePolicies.ts) composes its policies from the CAs' arcs below.
 */
export const OID = {
  // Hashes and HMACs (PBKDF2's PRFs)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  hmacWithSha1: '1.2.840.113549.2.7',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',

  // Public keys and signatures
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',

  // Password-based encryption (PKCS#5, PKCS#12) and the ciphers it names
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  pbeWithSha1And3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  pbeWithSha1And2KeyTripleDesCbc: '1.2.840.113549.1.12.1.4',
  pbeWithSha1And40BitRc2Cbc: '1.2.840.113549.1.12.1.6',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
  desCbc: '1.3.14.3.2.7',

  // KISA (NPKI): SEED, its password-based scheme, the VID and R
  seedCbc: '1.2.410.200004.1.4',
  seedCbcWithSha1: '1.2.410.200004.1.15',
  /** npkiIdentifyData, the otherName type-id in subjectAltName. */
  npkiIdentifyData: '1.2.410.200004.10.1.1',
  /** id-VID, the vidType of a virtual ID in userInfo. */
  npkiVid: '1.2.410.200004.10.1.1.1',
  /** id-randomNum: the private key attribute that holds R. */
  npkiRandomNum: '1.2.410.200004.10.1.1.3',

  // PKCS#7 content types and PKCS#12 bags and attributes
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',

  // Names
  commonName: '2.5.4.3',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',

  // Certificate and CRL extensions
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  /** id-qt-unotice: a policy qualifier with a notice for the user. */
  userNotice: '1.3.6.1.5.5.7.2.2',
} as const;

/** The arcs under which each Korean accredited CA numbers its certificate policies. */
export const POLICY_ARC = {
  yessign: '1.2.410.200005.1.1',
  KICA: '1.2.410.200004.5.2.1',
  CrossCert: '1.2.410.200004.5.4.1',
  SignKorea: '1.2.410.200004.5.1.1',
  TradeSign: '1.2.410.200012.1.1',
} as const;
