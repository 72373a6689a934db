/**
 * PKCS#12 (.pfx / .p12) files, read and written with node-forge's primitives.
 *
 * Reading walks the PFX by hand instead of using the result of forge's `pkcs12FromAsn1`, because
 *  - forge keeps the decrypted PrivateKeyInfo bytes only when the key fails to parse, so the NPKI
 *    randomNum attribute (R, which binds the certificate's VID to its owner) would be lost;
 *  - forge hands one password string to both key derivations: PKCS#12's own KDF (MAC, legacy 3DES /
 *    RC2 PBE) wants the password as BMPString, which forge builds from the JS string, but PBES2
 *    (OpenSSL 3's default, PBKDF2) wants its UTF-8 bytes, which forge does not produce. With forge
 *    alone, a non-ASCII password on an OpenSSL 3 file fails after its MAC has verified.
 * Reading uses forge's PKCS#12 KDF and ciphers, and Node's PBKDF2 (forge's would run in JavaScript).
 * Every iteration count the file declares is checked against the cap before anything is derived.
 *
 * Writing builds the PFX by hand for the same reason: `toPkcs12Asn1` rebuilds the PrivateKeyInfo from
 * a forge key object, dropping R. Ours is written as the CAs' own exports are, so that Korean
 * certificate managers and older Windows import it: pbeWithSHAAnd3-KeyTripleDES-CBC for the key bag
 * (R kept inside its PrivateKeyInfo) and for the certificates, and a SHA-1 MAC, 2048 iterations each.
 */
import { X509Certificate, createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CertificateError, assertFileSize } from './certificateError';
import {
  type Asn1,
  algorithmIdentifier,
  attribute,
  contextSpecific,
  integer,
  isUniversal,
  octetString,
  oidNode,
  parseDer,
  seq,
  set,
  toDerBuffer,
} from './der';
import { assertIterationsWithinCap, type DeclaredDerivation } from './keyDerivationWork';
import { encryptedPrivateKeyInfo } from './privateKeyFile';
import { OID_NPKI_RANDOM_NUM, readPrivateKeyInfo } from './privateKeyInfo';

const { asn1 } = forge;

export interface Pkcs12Contents {
  /** DER of the certificate that goes with the private key (the end-entity certificate). */
  certificate: Buffer;
  /** DER of the other certificates in the file, in file order. */
  chain: Buffer[];
  /** DER PrivateKeyInfo exactly as decrypted, attributes (randomNum) included. */
  privateKeyInfo: Buffer;
}

export interface Pkcs12Input {
  certificate: Buffer;
  privateKeyInfo: Buffer;
  chain?: Buffer[];
  password: string;
  friendlyName?: string;
}

const OID = {
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
  pbes2: '1.2.840.113549.1.5.13',
  pbmac1: '1.2.840.113549.1.5.14',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeSha2Des: '1.2.840.113549.1.12.1.4',
  pbeShaRc2_40: '1.2.840.113549.1.12.1.6',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** PBES2 encryption schemes, decrypted with forge's ciphers (DES is legacy in OpenSSL 3, so not in Node's). */
const PBES2_CIPHERS: Readonly<Record<string, { forgeName: 'AES-CBC' | '3DES-CBC' | 'DES-CBC'; keyBytes: number; ivBytes: number }>> = {
  '2.16.840.1.101.3.4.1.2': { forgeName: 'AES-CBC', keyBytes: 16, ivBytes: 16 }, // aes128-CBC
  '2.16.840.1.101.3.4.1.22': { forgeName: 'AES-CBC', keyBytes: 24, ivBytes: 16 }, // aes192-CBC
  '2.16.840.1.101.3.4.1.42': { forgeName: 'AES-CBC', keyBytes: 32, ivBytes: 16 }, // aes256-CBC
  '1.2.840.113549.3.7': { forgeName: '3DES-CBC', keyBytes: 24, ivBytes: 8 }, // des-EDE3-CBC
  '1.3.14.3.2.7': { forgeName: 'DES-CBC', keyBytes: 8, ivBytes: 8 }, // desCBC
};

/** PBKDF2 PRFs, as Node's hash names (absent = hmacWithSHA1). */
const PBKDF2_PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const MAC_DIGESTS: Record<string, { node: 'sha1' | 'sha256' | 'sha384' | 'sha512'; create: () => forge.md.MessageDigest; bytes: number }> = {
  [OID.sha1]: { node: 'sha1', create: () => forge.md.sha1.create(), bytes: 20 },
  [OID.sha256]: { node: 'sha256', create: () => forge.md.sha256.create(), bytes: 32 },
  [OID.sha384]: { node: 'sha384', create: () => forge.md.sha384.create(), bytes: 48 },
  [OID.sha512]: { node: 'sha512', create: () => forge.md.sha512.create(), bytes: 64 },
};

/** Private key algorithms node:crypto can load; anything else (e.g. KCDSA) is a kind we do not handle. */
const KEY_ALGORITHMS = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10', '1.2.840.10045.2.1', '1.3.101.112', '1.3.101.113']);

const MAX_BAGS = 64;
const MAX_NESTING = 4;

/**
 * Iterations of each PKCS#12 KDF `writePkcs12` runs (key bag, certificates, MAC): what OpenSSL and
 * the CAs write. Node has no PKCS#12 KDF, so forge computes it in JavaScript on the event loop.
 */
const WRITE_ITERATIONS = 2048;
const WRITE_SALT_BYTES = 8;

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Opens a PKCS#12 file. Throws only CertificateError (file role 'pfx'): 'fileTooLarge',
 * 'corruptFile' (not a PFX, truncated), 'wrongPassword' (MAC or decryption fails),
 * 'unsupportedFile' (public-key integrity, unknown ciphers, several keys), 'excessiveKeyProtection'
 * (iteration counts past MAX_KEY_DERIVATION_ITERATIONS in all; refused before any derivation when
 * they are in sight before decrypting), 'missingCertificate', 'missingKey'. Whether the key matches
 * the certificate is the caller's check.
 */
export function readPkcs12(file: Uint8Array, password: string): Pkcs12Contents {
  try {
    const pfx = parsePfx(file);
    visibleDerivations(pfx); // refuses a file asking too much before the MAC's derivation, the first one
    return new PfxReader(password).read(pfx);
  } catch (error) {
    throw asCertificateError(error);
  }
}

/**
 * The key derivations opening a PKCS#12 file runs, as far as they can be seen without the password:
 * the MAC, the encrypted contents and the shrouded keys in plain ones (where every writer we know
 * puts them). Throws what readPkcs12 throws before it derives.
 */
export function pkcs12Derivations(file: Uint8Array): DeclaredDerivation[] {
  try {
    return visibleDerivations(parsePfx(file));
  } catch (error) {
    throw asCertificateError(error);
  }
}

function asCertificateError(error: unknown): CertificateError {
  return error instanceof CertificateError ? error : corrupt('unreadable PKCS#12');
}

function corrupt(detail: string): CertificateError {
  return new CertificateError('corruptFile', 'pfx', detail);
}

function unsupported(detail: string): CertificateError {
  return new CertificateError('unsupportedFile', 'pfx', detail);
}

interface FoundKey {
  privateKeyInfo: Buffer;
  /** The SafeBag's attributes: R is looked for here too, when the PrivateKeyInfo has none. */
  bagAttributes: Asn1 | undefined;
}

/** A PFX's outer structure, read without the password. */
interface PfxStructure {
  readonly authSafeBytes: Buffer;
  readonly macData: Asn1 | undefined;
  readonly contentInfos: Asn1[];
}

function parsePfx(file: Uint8Array): PfxStructure {
  assertFileSize(file, 'pfx');
  const [version, authSafe, macData, ...rest] = sequence(parseDer(file));
  if (!isUniversal(version, asn1.Type.INTEGER) || !isUniversal(authSafe, asn1.Type.SEQUENCE) || rest.length > 0) {
    throw corrupt('not a PFX');
  }
  if (integerOf(version) !== 3) throw unsupported('PFX version is not 3');

  const [authSafeType, authSafeContent] = sequence(authSafe);
  const authSafeOid = oidOf(authSafeType);
  if (authSafeOid === OID.signedData) throw unsupported('public-key integrity mode');
  if (authSafeOid !== OID.data) throw corrupt('authSafe is not data');
  const authSafeBytes = octets(explicitContent(authSafeContent));
  return { authSafeBytes, macData, contentInfos: sequence(parseDer(authSafeBytes)) };
}

/**
 * The derivations in sight before any decryption, with their iteration counts checked against the
 * cap in all: a file asking too much is refused before anything is derived.
 */
function visibleDerivations(pfx: PfxStructure): DeclaredDerivation[] {
  const derivations: DeclaredDerivation[] = [];
  if (pfx.macData !== undefined) derivations.push({ iterations: macParameters(pfx.macData).iterations, code: 'javaScript' });
  const bags = { count: 0 };
  for (const contentInfo of pfx.contentInfos) {
    const { type, content } = contentInfoParts(contentInfo);
    if (type === OID.encryptedData) {
      derivations.push(derivationOf(pbeParameters(encryptedContent(content).algorithm)));
    } else if (type === OID.data) {
      for (const bag of safeBags(parseDer(octets(content)), bags)) {
        if (bag.bagId === OID.pkcs8ShroudedKeyBag) derivations.push(derivationOf(pbeParameters(encryptedKey(bag.value).algorithm)));
      }
    }
  }
  assertIterationsWithinCap(derivations.reduce((sum, derivation) => sum + derivation.iterations, 0), 'pfx');
  return derivations;
}

/** PBES2 derives natively; the PKCS#12 KDF (PBE and MAC) is forge's JavaScript. */
function derivationOf(pbe: PbeParameters): DeclaredDerivation {
  return { iterations: pbe.iterations, code: pbe.kind === 'pbes2' ? 'native' : 'javaScript' };
}

class PfxReader {
  private iterationsSpent = 0;
  private readonly bags = { count: 0 };
  private macVerified = false;
  private readonly keys: FoundKey[] = [];
  private readonly certificates: Buffer[] = [];

  constructor(private readonly password: string) {}

  read(pfx: PfxStructure): Pkcs12Contents {
    if (pfx.macData !== undefined) {
      this.verifyMac(pfx.macData, pfx.authSafeBytes);
      this.macVerified = true;
    }
    for (const contentInfo of pfx.contentInfos) this.readContentInfo(contentInfo);
    return this.result();
  }

  private verifyMac(macData: Asn1, authSafeBytes: Buffer): void {
    const { digest, expected, salt, iterations } = macParameters(macData);
    this.spendIterations(iterations);
    const macKey = pkcs12Kdf(this.password, salt, { purpose: KDF_PURPOSE.mac, iterations, bytes: digest.bytes, digest: digest.create() });
    const actual = createHmac(digest.node, macKey).update(authSafeBytes).digest();
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new CertificateError('wrongPassword', 'pfx');
    }
  }

  private readContentInfo(contentInfo: Asn1): void {
    const { type, content } = contentInfoParts(contentInfo);
    if (type === OID.data) {
      this.readSafeContents(parseDer(octets(content)));
    } else if (type === OID.encryptedData) {
      this.readSafeContents(this.decryptedSafeContents(content));
    } else if (type === OID.envelopedData) {
      throw unsupported('public-key privacy mode');
    } else {
      throw corrupt(`content type ${type}`);
    }
  }

  private decryptedSafeContents(encryptedData: Asn1): Asn1 {
    const { algorithm, encrypted } = encryptedContent(encryptedData);
    const plain = this.decrypt(algorithm, encrypted);
    try {
      return parseDer(plain);
    } catch {
      throw this.undecryptable();
    }
  }

  private readSafeContents(safeContents: Asn1): void {
    for (const { bagId, value, bagAttributes } of safeBags(safeContents, this.bags)) {
      switch (bagId) {
        case OID.keyBag:
          this.keys.push({ privateKeyInfo: toDerBuffer(value), bagAttributes });
          break;
        case OID.pkcs8ShroudedKeyBag: {
          const { algorithm, encrypted } = encryptedKey(value);
          this.keys.push({ privateKeyInfo: this.decrypt(algorithm, encrypted), bagAttributes });
          break;
        }
        case OID.certBag: {
          const [certIdNode, certValue] = sequence(value);
          // sdsiCertificate and other kinds are not X.509: skip them.
          if (oidOf(certIdNode) === OID.x509Certificate) this.certificates.push(octets(explicitContent(certValue)));
          break;
        }
        default:
          // crlBag, secretBag and private extensions carry nothing we need.
          break;
      }
    }
  }

  /** Decrypts with the algorithm's password-based scheme; returns the plaintext as is. */
  private decrypt(algorithm: Asn1, ciphertext: Buffer): Buffer {
    const pbe = pbeParameters(algorithm);
    this.spendIterations(pbe.iterations);
    const cipher = pbe.kind === 'pbes2' ? pbes2Decipher(pbe, this.password) : pkcs12PbeDecipher(pbe, this.password);
    cipher.update(forge.util.createBuffer(ciphertext.toString('binary')));
    if (!cipher.finish()) throw this.undecryptable();
    return Buffer.from(cipher.output.getBytes(), 'binary');
  }

  /** Counts every derivation actually run, those inside encrypted contents too, against the cap. */
  private spendIterations(iterations: number): void {
    this.iterationsSpent += iterations;
    assertIterationsWithinCap(this.iterationsSpent, 'pfx');
  }

  /**
   * A decryption that fails (bad padding, plaintext that does not parse). With a verified MAC the
   * file is intact, so the encryption password differs from the MAC's: still a wrong password.
   * Without a MAC, a wrong password shows only this way.
   */
  private undecryptable(): CertificateError {
    return new CertificateError('wrongPassword', 'pfx', this.macVerified ? 'decryption failed after the MAC verified' : 'decryption failed');
  }

  private result(): Pkcs12Contents {
    const certificates = uniqueBuffers(this.certificates);
    const parsed = certificates.map((der) => {
      try {
        return { der, x509: new X509Certificate(der) };
      } catch {
        throw corrupt('certificate does not parse');
      }
    });
    const keys = uniqueBuffers(this.keys.map((key) => key.privateKeyInfo));
    if (parsed.length === 0) throw new CertificateError('missingCertificate', 'pfx');
    if (keys.length === 0) throw new CertificateError('missingKey', 'pfx');
    if (keys.length > 1) throw unsupported('more than one private key');

    const { privateKeyInfo, key } = this.checkedPrivateKeyInfo(this.keys[0] as FoundKey);

    // The key's own certificate; failing that (the caller reports the mismatch), the end-entity one.
    const chosen =
      parsed.find((cert) => matchesKey(cert.x509, key)) ?? parsed.find((cert) => !cert.x509.ca) ?? (parsed[0] as (typeof parsed)[number]);
    return {
      certificate: chosen.der,
      chain: parsed.filter((cert) => cert !== chosen).map((cert) => cert.der),
      privateKeyInfo,
    };
  }

  /** Validates the decrypted PrivateKeyInfo; moves an R found only in the bag's attributes into it. */
  private checkedPrivateKeyInfo(found: FoundKey): { privateKeyInfo: Buffer; key: KeyObject } {
    // Plaintext that is not a PrivateKeyInfo: garbage from a wrong password when nothing else
    // checked it, a broken file when the MAC did.
    const notAKey = (): CertificateError => (this.macVerified ? corrupt('not a PrivateKeyInfo') : this.undecryptable());
    let root: Asn1;
    let keyAlgorithm: string;
    try {
      root = parseDer(found.privateKeyInfo);
      const [version, algorithm, privateKey] = sequence(root);
      if (!isUniversal(version, asn1.Type.INTEGER) || !isUniversal(privateKey, asn1.Type.OCTETSTRING)) throw notAKey();
      keyAlgorithm = oidOf(sequence(algorithm)[0]);
    } catch {
      throw notAKey();
    }
    if (!KEY_ALGORITHMS.has(keyAlgorithm)) throw unsupported(`key algorithm ${keyAlgorithm}`);

    let parsed: ReturnType<typeof readPrivateKeyInfo>;
    try {
      parsed = readPrivateKeyInfo(found.privateKeyInfo);
    } catch {
      throw notAKey();
    }
    const bagRandomNum = parsed.randomNum === undefined ? randomNumAttribute(found.bagAttributes) : undefined;
    if (bagRandomNum === undefined) return { privateKeyInfo: found.privateKeyInfo, key: parsed.key };

    const privateKeyInfo = withAttribute(root, bagRandomNum);
    try {
      return { privateKeyInfo, key: readPrivateKeyInfo(privateKeyInfo).key };
    } catch {
      throw corrupt('malformed randomNum bag attribute');
    }
  }
}

/** MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 } */
function macParameters(macData: Asn1): { digest: (typeof MAC_DIGESTS)[string]; expected: Buffer; salt: Buffer; iterations: number } {
  const [digestInfo, saltNode, iterationsNode] = sequence(macData);
  if (digestInfo === undefined || saltNode === undefined) throw corrupt('malformed MacData');
  const [algorithm, digestNode] = sequence(digestInfo);
  const [digestOidNode] = sequence(algorithm);
  const digestOid = oidOf(digestOidNode);
  if (digestOid === OID.pbmac1) throw unsupported('PBMAC1 integrity');
  const digest = MAC_DIGESTS[digestOid];
  if (digest === undefined) throw unsupported(`MAC digest ${digestOid}`);
  const iterations = iterationsNode === undefined ? 1 : iterationCount(iterationsNode);
  return { digest, expected: octets(digestNode), salt: octets(saltNode), iterations };
}

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT } */
function contentInfoParts(contentInfo: Asn1): { type: string; content: Asn1 } {
  const [typeNode, content] = sequence(contentInfo);
  return { type: oidOf(typeNode), content: explicitContent(content) };
}

/** EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT octets } } */
function encryptedContent(encryptedData: Asn1): { algorithm: Asn1; encrypted: Buffer } {
  const [, encryptedContentInfo] = sequence(encryptedData);
  const [, algorithm, encrypted] = sequence(encryptedContentInfo);
  if (algorithm === undefined || encrypted === undefined || encrypted.tagClass !== asn1.Class.CONTEXT_SPECIFIC || encrypted.type !== 0) {
    throw corrupt('malformed EncryptedData');
  }
  return { algorithm, encrypted: octets(encrypted) };
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING } */
function encryptedKey(encryptedPrivateKeyInfo: Asn1): { algorithm: Asn1; encrypted: Buffer } {
  const [algorithm, encrypted, ...rest] = sequence(encryptedPrivateKeyInfo);
  if (algorithm === undefined || !isUniversal(encrypted, asn1.Type.OCTETSTRING) || rest.length > 0) {
    throw corrupt('malformed EncryptedPrivateKeyInfo');
  }
  return { algorithm, encrypted: octets(encrypted) };
}

interface SafeBag {
  readonly bagId: string;
  readonly value: Asn1;
  readonly bagAttributes: Asn1 | undefined;
}

/** The bags of a SafeContents, nested SafeContentsBags opened, at most MAX_BAGS in all (counted in `seen`). */
function* safeBags(safeContents: Asn1, seen: { count: number }, depth = 0): Generator<SafeBag> {
  if (depth > MAX_NESTING) throw unsupported('SafeContents nested too deep');
  for (const safeBag of sequence(safeContents)) {
    seen.count += 1;
    if (seen.count > MAX_BAGS) throw unsupported('too many bags');
    const [bagIdNode, bagValue, bagAttributes] = sequence(safeBag);
    const bagId = oidOf(bagIdNode);
    const value = explicitContent(bagValue);
    if (bagId === OID.safeContentsBag) yield* safeBags(value, seen, depth + 1);
    else yield { bagId, value, bagAttributes };
  }
}

type PbeParameters =
  | { kind: 'pkcs12'; oid: string; params: Asn1; iterations: number }
  | { kind: 'pbes2'; salt: Buffer; iterations: number; prf: string; cipher: (typeof PBES2_CIPHERS)[string]; iv: Buffer };

/**
 * A password-based encryption we can decrypt (a PKCS#12 PBE, or PBES2 with PBKDF2 and a cipher
 * forge has), with its iteration count checked.
 */
function pbeParameters(algorithm: Asn1): PbeParameters {
  const [oidNode, params] = sequence(algorithm);
  const oid = oidOf(oidNode);
  if (params === undefined) throw corrupt('encryption parameters missing');
  if (oid === OID.pbeSha3Des || oid === OID.pbeSha2Des || oid === OID.pbeShaRc2_40) {
    const [salt, iterations] = sequence(params);
    if (!isUniversal(salt, asn1.Type.OCTETSTRING) || iterations === undefined) throw corrupt('malformed PBE parameters');
    return { kind: 'pkcs12', oid, params, iterations: iterationCount(iterations) };
  }
  if (oid !== OID.pbes2) throw unsupported(`encryption ${oid}`);
  // PBES2-params ::= SEQUENCE { keyDerivationFunc { pbkdf2, PBKDF2-params }, encryptionScheme { cipher, IV } }
  const [kdf, scheme] = sequence(params);
  const [kdfOid, kdfParams] = sequence(kdf);
  if (oidOf(kdfOid) !== OID.pbkdf2) throw unsupported(`key derivation ${oidOf(kdfOid)}`);
  const [schemeOid, ivNode] = sequence(scheme);
  const cipherOid = oidOf(schemeOid);
  const cipher = PBES2_CIPHERS[cipherOid];
  if (cipher === undefined) throw unsupported(`cipher ${cipherOid}`);
  if (!isUniversal(ivNode, asn1.Type.OCTETSTRING)) throw corrupt('malformed PBES2 IV');
  const iv = octets(ivNode);
  if (iv.length !== cipher.ivBytes) throw corrupt(`IV of ${iv.length} bytes`);
  // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount, keyLength INTEGER OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const [salt, iterations, ...optional] = sequence(kdfParams);
  if (!isUniversal(salt, asn1.Type.OCTETSTRING) || iterations === undefined) throw corrupt('malformed PBKDF2 parameters');
  const keyLength = optional.find((node) => isUniversal(node, asn1.Type.INTEGER));
  if (keyLength !== undefined && integerOf(keyLength) !== cipher.keyBytes) throw corrupt('key length does not fit the cipher');
  const prfNode = optional.find((node) => isUniversal(node, asn1.Type.SEQUENCE));
  const prfOid = prfNode === undefined ? undefined : oidOf(sequence(prfNode)[0]);
  const prf = prfOid === undefined ? 'sha1' : PBKDF2_PRFS[prfOid];
  if (prf === undefined) throw unsupported(`PRF ${prfOid}`);
  return { kind: 'pbes2', salt: octets(salt), iterations: iterationCount(iterations), prf, cipher, iv };
}

/**
 * PBES2's key from Node's native PBKDF2 (forge's runs in JavaScript for every PRF but SHA-1, some
 * twenty times slower), from the password's UTF-8 bytes; then forge's cipher.
 */
function pbes2Decipher(pbe: Extract<PbeParameters, { kind: 'pbes2' }>, password: string): forge.cipher.BlockCipher {
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), pbe.salt, pbe.iterations, pbe.cipher.keyBytes, pbe.prf);
  const decipher = forge.cipher.createDecipher(pbe.cipher.forgeName, forge.util.createBuffer(key.toString('binary')));
  decipher.start({ iv: forge.util.createBuffer(pbe.iv.toString('binary')) });
  return decipher;
}

/** A PKCS#12 PBE (3DES, 2-key 3DES, RC2-40) through forge, which turns the JS string into a BMPString itself. */
function pkcs12PbeDecipher(pbe: Extract<PbeParameters, { kind: 'pkcs12' }>, password: string): forge.cipher.BlockCipher {
  try {
    return (forge.pki as unknown as ForgePbe).pbe.getCipher(pbe.oid, pbe.params, password);
  } catch {
    throw corrupt('malformed encryption parameters');
  }
}

/** An iteration count: at least 1, and within the cap on its own. */
function iterationCount(node: Asn1): number {
  const iterations = integerOf(node);
  if (iterations < 1) throw corrupt('iteration count below 1');
  assertIterationsWithinCap(iterations, 'pfx');
  return iterations;
}

interface ForgePbe {
  pbe: { getCipher(oid: string, params: Asn1, password: string): forge.cipher.BlockCipher };
}

function matchesKey(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** The randomNum attribute among a SafeBag's attributes, normalized to SEQUENCE { OID, SET { BIT STRING } }. */
function randomNumAttribute(bagAttributes: Asn1 | undefined): Asn1 | undefined {
  if (bagAttributes === undefined || !Array.isArray(bagAttributes.value)) return undefined;
  for (const candidate of bagAttributes.value) {
    // Attributes we do not understand are skipped, never fatal.
    if (!isUniversal(candidate, asn1.Type.SEQUENCE) || !Array.isArray(candidate.value)) continue;
    const [type, values] = candidate.value;
    if (!isUniversal(values, asn1.Type.SET)) continue;
    if (type === undefined || type.type !== asn1.Type.OID || oidOf(type) !== OID_NPKI_RANDOM_NUM) continue;
    const [value] = sequence(values);
    if (value === undefined || value.constructed) return undefined;
    // A BIT STRING is taken as is; an OCTET STRING holding R alone becomes the BIT STRING 00 || R.
    const bits = value.type === asn1.Type.BITSTRING ? (value.value as string) : value.type === asn1.Type.OCTETSTRING ? '\x00' + (value.value as string) : undefined;
    if (bits === undefined) return undefined;
    return attribute(OID_NPKI_RANDOM_NUM, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, bits));
  }
  return undefined;
}

/** The PrivateKeyInfo with `added` among its [0] attributes (created when absent). */
function withAttribute(root: Asn1, added: Asn1): Buffer {
  const fields = sequence(root);
  const existing = fields.find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0);
  if (existing !== undefined && Array.isArray(existing.value)) {
    existing.value.push(added);
  } else {
    // [0] goes right after privateKey, before a PKCS#8 v2 [1] publicKey if there is one.
    fields.splice(3, 0, contextSpecific(0, [added]));
  }
  return toDerBuffer(root);
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * A PFX as the CAs' own exports are written: `privateKeyInfo` byte for byte (randomNum attribute
 * included) in a shrouded key bag, the certificate (with localKeyId and friendlyName) and the chain
 * in an encrypted SafeContents, both with pbeWithSHAAnd3-KeyTripleDES-CBC, and a SHA-1 MAC; 2048
 * iterations each. Korean certificate managers, older Windows and OpenSSL 3 (without `-legacy`)
 * open it.
 *
 * forge computes the five PKCS#12 KDFs in JavaScript, a few milliseconds each; the event loop gets
 * a turn between them.
 *
 * Rejects with CertificateError 'corruptFile' ('certificate' / 'privateKey') for input that does not
 * parse and 'keyMismatch' when the key is not the certificate's.
 */
export async function writePkcs12(input: Pkcs12Input): Promise<Buffer> {
  if (input.password.length === 0) throw new Error('writePkcs12 needs a password');
  const certificates = [input.certificate, ...(input.chain ?? [])];
  for (const der of certificates) {
    try {
      new X509Certificate(der);
    } catch {
      throw new CertificateError('corruptFile', 'certificate', 'certificate does not parse');
    }
  }
  const { key } = readPrivateKeyInfo(input.privateKeyInfo);
  if (!matchesKey(new X509Certificate(input.certificate), key)) throw new CertificateError('keyMismatch', 'privateKey');

  const localKeyId = createHash('sha1').update(input.certificate).digest();
  const attributes = [attribute(OID.localKeyId, octetString(localKeyId))];
  if (input.friendlyName !== undefined) {
    // forge writes a BMPSTRING's JS string as UTF-16BE.
    attributes.push(attribute(OID.friendlyName, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, input.friendlyName)));
  }
  const bagAttributes = set(attributes);

  // Certificates: SafeContents of CertBags, encrypted as an EncryptedData ContentInfo.
  const certBags = certificates.map((der, index) =>
    seq([
      oidNode(OID.certBag),
      contextSpecific(0, [seq([oidNode(OID.x509Certificate), contextSpecific(0, [octetString(der)])])]),
      ...(index === 0 ? [bagAttributes] : []),
    ]),
  );
  const encryptedCerts = await tripleDesPbeEncrypt(toDerBuffer(seq(certBags)), input.password);
  const certContentInfo = seq([
    oidNode(OID.encryptedData),
    contextSpecific(0, [
      seq([
        integer(0),
        seq([
          oidNode(OID.data),
          encryptedCerts.algorithm,
          asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0 as forge.asn1.Type, false, encryptedCerts.ciphertext.toString('binary')),
        ]),
      ]),
    ]),
  ]);

  // The key is encrypted byte for byte as given, so R stays inside its PrivateKeyInfo.
  const encryptedKey = await tripleDesPbeEncrypt(input.privateKeyInfo, input.password);
  const keyBag = seq([
    oidNode(OID.pkcs8ShroudedKeyBag),
    contextSpecific(0, [encryptedPrivateKeyInfo(encryptedKey.algorithm, encryptedKey.ciphertext)]),
    bagAttributes,
  ]);
  const keyContentInfo = seq([oidNode(OID.data), contextSpecific(0, [octetString(toDerBuffer(seq([keyBag])))])]);

  const authSafe = toDerBuffer(seq([certContentInfo, keyContentInfo]));
  const macSalt = randomBytes(WRITE_SALT_BYTES);
  await nextTurn();
  const macKey = pkcs12Kdf(input.password, macSalt, { purpose: KDF_PURPOSE.mac, iterations: WRITE_ITERATIONS, bytes: 20 });
  const mac = createHmac('sha1', macKey).update(authSafe).digest();

  const pfx = seq([
    integer(3),
    seq([oidNode(OID.data), contextSpecific(0, [octetString(authSafe)])]),
    seq([seq([algorithmIdentifier(OID.sha1, null), octetString(mac)]), octetString(macSalt), integer(WRITE_ITERATIONS)]),
  ]);
  return toDerBuffer(pfx);
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C): key and IV from the PKCS#12 KDF, then DES-EDE3-CBC. */
async function tripleDesPbeEncrypt(plaintext: Buffer, password: string): Promise<{ algorithm: Asn1; ciphertext: Buffer }> {
  const salt = randomBytes(WRITE_SALT_BYTES);
  await nextTurn();
  const key = pkcs12Kdf(password, salt, { purpose: KDF_PURPOSE.key, iterations: WRITE_ITERATIONS, bytes: 24 });
  await nextTurn();
  const iv = pkcs12Kdf(password, salt, { purpose: KDF_PURPOSE.iv, iterations: WRITE_ITERATIONS, bytes: 8 });
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  return {
    algorithm: algorithmIdentifier(OID.pbeSha3Des, [octetString(salt), integer(WRITE_ITERATIONS)]),
    ciphertext: Buffer.concat([cipher.update(plaintext), cipher.final()]),
  };
}

/** The ID byte of the PKCS#12 KDF (RFC 7292 B.3): what the derived bytes are for. */
const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** The PKCS#12 KDF (RFC 7292 B.2), SHA-1 unless told; forge makes the JS string a BMPString itself. */
function pkcs12Kdf(
  password: string,
  salt: Buffer,
  options: { purpose: (typeof KDF_PURPOSE)[keyof typeof KDF_PURPOSE]; iterations: number; bytes: number; digest?: forge.md.MessageDigest },
): Buffer {
  const derived = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt.toString('binary')), options.purpose, options.iterations, options.bytes, options.digest);
  return Buffer.from(derived.getBytes(), 'binary');
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------------------------
// ASN.1 helpers

/** The children of a SEQUENCE (or SET); throws corruptFile on anything else. */
function sequence(node: Asn1 | undefined): Asn1[] {
  if (node === undefined || node.tagClass !== asn1.Class.UNIVERSAL || (node.type !== asn1.Type.SEQUENCE && node.type !== asn1.Type.SET)) {
    throw corrupt('expected a SEQUENCE');
  }
  if (!Array.isArray(node.value)) throw corrupt('expected a constructed SEQUENCE');
  return node.value;
}

/** The single child of an `[0] EXPLICIT` wrapper. */
function explicitContent(node: Asn1 | undefined): Asn1 {
  if (node === undefined || node.tagClass !== asn1.Class.CONTEXT_SPECIFIC || node.type !== 0 || !Array.isArray(node.value)) {
    throw corrupt('expected [0] EXPLICIT');
  }
  const [child] = node.value;
  if (child === undefined || node.value.length !== 1) throw corrupt('expected one value in [0]');
  return child;
}

/** The bytes of an OCTET STRING (or an implicitly tagged one), joining BER constructed segments. */
function octets(node: Asn1 | undefined, depth = 0): Buffer {
  if (node === undefined || depth > MAX_NESTING) throw corrupt('expected an OCTET STRING');
  if (node.tagClass === asn1.Class.UNIVERSAL && node.type !== asn1.Type.OCTETSTRING) throw corrupt('expected an OCTET STRING');
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  return Buffer.concat(node.value.map((child) => octets(child, depth + 1)));
}

function oidOf(node: Asn1 | undefined): string {
  if (!isUniversal(node, asn1.Type.OID) || typeof node.value !== 'string') throw corrupt('expected an OID');
  return asn1.derToOid(node.value);
}

/** A small non-negative INTEGER (versions, iteration counts); Infinity past 2^32, which no sane field is. */
function integerOf(node: Asn1): number {
  if (!isUniversal(node, asn1.Type.INTEGER) || typeof node.value !== 'string' || node.value.length === 0) throw corrupt('expected an INTEGER');
  const bytes = Buffer.from(node.value, 'binary');
  if ((bytes[0] as number) & 0x80) throw corrupt('negative INTEGER');
  const firstNonZero = bytes.findIndex((byte) => byte !== 0);
  if (firstNonZero === -1) return 0;
  const significant = bytes.subarray(firstNonZero);
  return significant.length > 4 ? Number.POSITIVE_INFINITY : significant.readUIntBE(0, significant.length);
}

function uniqueBuffers(buffers: Buffer[]): Buffer[] {
  const unique: Buffer[] = [];
  for (const buffer of buffers) if (!unique.some((seen) => seen.equals(buffer))) unique.push(buffer);
  return unique;
}
