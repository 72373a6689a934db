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
 * Reading uses forge's crypto (`pkcs12.generateKey`, `pki.pbe.getCipher`).
 *
 * Writing builds the PFX by hand for the same reason: `toPkcs12Asn1` rebuilds the PrivateKeyInfo from
 * a forge key object (dropping R) and only writes a SHA-1 MAC. Ours: PBES2 (PBKDF2 hmacWithSHA256,
 * AES-256-CBC) for the key bag and for the certificate bags, and a SHA-256 MAC, as OpenSSL 3 does.
 * PBES2 runs on Node's native, asynchronous PBKDF2 and AES (`pbes2Encrypt`); forge's pure-JS
 * PBKDF2 for SHA-256 would block the event loop for a tenth of a second or more.
 */
import { X509Certificate, createHash, createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
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
import { encryptedPrivateKeyInfo, pbes2Encrypt } from './privateKeyFile';
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

/** PBES2 encryption schemes forge decrypts. */
const PBES2_CIPHERS = new Set([
  '2.16.840.1.101.3.4.1.2', // aes128-CBC
  '2.16.840.1.101.3.4.1.22', // aes192-CBC
  '2.16.840.1.101.3.4.1.42', // aes256-CBC
  '1.2.840.113549.3.7', // des-EDE3-CBC
  '1.3.14.3.2.7', // desCBC
]);

/** PBKDF2 PRFs forge implements (absent = hmacWithSHA1). */
const PBKDF2_PRFS = new Set(['1.2.840.113549.2.7', '1.2.840.113549.2.8', '1.2.840.113549.2.9', '1.2.840.113549.2.10', '1.2.840.113549.2.11']);

const MAC_DIGESTS: Record<string, { node: 'sha1' | 'sha256' | 'sha384' | 'sha512'; create: () => forge.md.MessageDigest; bytes: number }> = {
  [OID.sha1]: { node: 'sha1', create: () => forge.md.sha1.create(), bytes: 20 },
  [OID.sha256]: { node: 'sha256', create: () => forge.md.sha256.create(), bytes: 32 },
  [OID.sha384]: { node: 'sha384', create: () => forge.md.sha384.create(), bytes: 48 },
  [OID.sha512]: { node: 'sha512', create: () => forge.md.sha512.create(), bytes: 64 },
};

/** Private key algorithms node:crypto can load; anything else (e.g. KCDSA) is a kind we do not handle. */
const KEY_ALGORITHMS = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10', '1.2.840.10045.2.1', '1.3.101.112', '1.3.101.113']);

/**
 * The sum of all key-derivation iterations one file may ask for. forge derives keys in pure
 * JavaScript (100,000 PBKDF2 rounds take about a second), so a hostile file could otherwise block
 * the process. OpenSSL writes 3 × 2048, Java 3 × 10,000, `writePkcs12` 2 × 10,000 + 2048.
 */
export const MAX_PKCS12_KDF_ITERATIONS = 100_000;
const MAX_BAGS = 64;
const MAX_NESTING = 4;

/** PBKDF2 iterations `writePkcs12` uses for each PBES2 encryption: native, a few milliseconds off the event loop. */
const WRITE_PBES2_ITERATIONS = 10_000;
/**
 * Iterations of the MAC's PKCS#12 KDF, which Node lacks and forge computes in JavaScript on the event
 * loop: OpenSSL's default, 2048.
 */
const WRITE_MAC_ITERATIONS = 2048;

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Opens a PKCS#12 file. Throws only CertificateError (file role 'pfx'): 'fileTooLarge',
 * 'corruptFile' (not a PFX, truncated), 'wrongPassword' (MAC or decryption fails),
 * 'unsupportedFile' (public-key integrity, unknown ciphers, several keys, absurd iteration counts),
 * 'missingCertificate', 'missingKey'. Whether the key matches the certificate is the caller's check.
 */
export function readPkcs12(file: Uint8Array, password: string): Pkcs12Contents {
  assertFileSize(file, 'pfx');
  try {
    return new PfxReader(password).read(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw corrupt('unreadable PKCS#12');
  }
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

class PfxReader {
  private iterationsLeft = MAX_PKCS12_KDF_ITERATIONS;
  private bagCount = 0;
  private macVerified = false;
  private readonly keys: FoundKey[] = [];
  private readonly certificates: Buffer[] = [];

  constructor(private readonly password: string) {}

  read(bytes: Buffer): Pkcs12Contents {
    const pfx = parseDer(bytes);
    const [version, authSafe, macData, ...rest] = sequence(pfx);
    if (!isUniversal(version, asn1.Type.INTEGER) || !isUniversal(authSafe, asn1.Type.SEQUENCE) || rest.length > 0) {
      throw corrupt('not a PFX');
    }
    if (integerOf(version) !== 3) throw unsupported('PFX version is not 3');

    const [authSafeType, authSafeContent] = sequence(authSafe);
    const authSafeOid = oidOf(authSafeType);
    if (authSafeOid === OID.signedData) throw unsupported('public-key integrity mode');
    if (authSafeOid !== OID.data) throw corrupt('authSafe is not data');
    const authSafeBytes = octets(explicitContent(authSafeContent));

    if (macData !== undefined) {
      this.verifyMac(macData, authSafeBytes);
      this.macVerified = true;
    }

    const contentInfos = sequence(parseDer(authSafeBytes));
    for (const contentInfo of contentInfos) this.readContentInfo(contentInfo);
    return this.result();
  }

  private verifyMac(macData: Asn1, authSafeBytes: Buffer): void {
    const [digestInfo, saltNode, iterationsNode] = sequence(macData);
    if (digestInfo === undefined || saltNode === undefined) throw corrupt('malformed MacData');
    const [algorithm, digestNode] = sequence(digestInfo);
    const [digestOidNode] = sequence(algorithm);
    const digestOid = oidOf(digestOidNode);
    if (digestOid === OID.pbmac1) throw unsupported('PBMAC1 integrity');
    const digest = MAC_DIGESTS[digestOid];
    if (digest === undefined) throw unsupported(`MAC digest ${digestOid}`);
    const iterations = iterationsNode === undefined ? 1 : integerOf(iterationsNode);
    this.spendIterations(iterations);

    const salt = forge.util.createBuffer(octets(saltNode).toString('binary'));
    const macKey = forge.pkcs12.generateKey(this.password, salt, 3, iterations, digest.bytes, digest.create());
    const expected = octets(digestNode);
    const actual = createHmac(digest.node, Buffer.from(macKey.getBytes(), 'binary')).update(authSafeBytes).digest();
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new CertificateError('wrongPassword', 'pfx');
    }
  }

  private readContentInfo(contentInfo: Asn1): void {
    const [typeNode, content] = sequence(contentInfo);
    const type = oidOf(typeNode);
    if (type === OID.data) {
      this.readSafeContents(parseDer(octets(explicitContent(content))), 0);
    } else if (type === OID.encryptedData) {
      this.readSafeContents(this.decryptedSafeContents(explicitContent(content)), 0);
    } else if (type === OID.envelopedData) {
      throw unsupported('public-key privacy mode');
    } else {
      throw corrupt(`content type ${type}`);
    }
  }

  /** EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT octets } } */
  private decryptedSafeContents(encryptedData: Asn1): Asn1 {
    const [, encryptedContentInfo] = sequence(encryptedData);
    const [, algorithm, encrypted] = sequence(encryptedContentInfo);
    if (algorithm === undefined || encrypted === undefined || encrypted.tagClass !== asn1.Class.CONTEXT_SPECIFIC || encrypted.type !== 0) {
      throw corrupt('malformed EncryptedData');
    }
    const plain = this.decrypt(algorithm, octets(encrypted));
    try {
      return parseDer(plain);
    } catch {
      throw this.undecryptable();
    }
  }

  private readSafeContents(safeContents: Asn1, depth: number): void {
    if (depth > MAX_NESTING) throw unsupported('SafeContents nested too deep');
    for (const safeBag of sequence(safeContents)) {
      this.bagCount += 1;
      if (this.bagCount > MAX_BAGS) throw unsupported('too many bags');
      const [bagIdNode, bagValue, bagAttributes] = sequence(safeBag);
      const bagId = oidOf(bagIdNode);
      const value = explicitContent(bagValue);
      switch (bagId) {
        case OID.keyBag:
          this.keys.push({ privateKeyInfo: toDerBuffer(value), bagAttributes });
          break;
        case OID.pkcs8ShroudedKeyBag:
          this.keys.push({ privateKeyInfo: this.decryptPrivateKeyInfo(value), bagAttributes });
          break;
        case OID.certBag: {
          const [certIdNode, certValue] = sequence(value);
          // sdsiCertificate and other kinds are not X.509: skip them.
          if (oidOf(certIdNode) === OID.x509Certificate) this.certificates.push(octets(explicitContent(certValue)));
          break;
        }
        case OID.safeContentsBag:
          this.readSafeContents(value, depth + 1);
          break;
        default:
          // crlBag, secretBag and private extensions carry nothing we need.
          break;
      }
    }
  }

  /** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING }. Returns the plaintext as is. */
  private decryptPrivateKeyInfo(encryptedPrivateKeyInfo: Asn1): Buffer {
    const [algorithm, encrypted, ...rest] = sequence(encryptedPrivateKeyInfo);
    if (algorithm === undefined || !isUniversal(encrypted, asn1.Type.OCTETSTRING) || rest.length > 0) {
      throw corrupt('malformed EncryptedPrivateKeyInfo');
    }
    return this.decrypt(algorithm, octets(encrypted));
  }

  private decrypt(algorithm: Asn1, ciphertext: Buffer): Buffer {
    const [oidNode, params] = sequence(algorithm);
    const oid = oidOf(oidNode);
    if (params === undefined) throw corrupt('encryption parameters missing');
    let password: string;
    if (oid === OID.pbes2) {
      this.spendIterations(this.pbes2Iterations(params));
      password = forge.util.encodeUtf8(this.password); // PBKDF2 takes the password's UTF-8 bytes
    } else if (oid === OID.pbeSha3Des || oid === OID.pbeSha2Des || oid === OID.pbeShaRc2_40) {
      const [salt, iterations] = sequence(params);
      if (!isUniversal(salt, asn1.Type.OCTETSTRING) || iterations === undefined) throw corrupt('malformed PBE parameters');
      this.spendIterations(integerOf(iterations));
      password = this.password; // forge's PKCS#12 KDF turns the JS string into a BMPString itself
    } else {
      throw unsupported(`encryption ${oid}`);
    }

    let cipher: forge.cipher.BlockCipher;
    try {
      cipher = (forge.pki as unknown as ForgePbe).pbe.getCipher(oid, params, password);
    } catch {
      throw corrupt('malformed encryption parameters');
    }
    cipher.update(forge.util.createBuffer(ciphertext.toString('binary')));
    if (!cipher.finish()) throw this.undecryptable();
    return Buffer.from(cipher.output.getBytes(), 'binary');
  }

  /** PBES2-params ::= SEQUENCE { keyDerivationFunc { pbkdf2, PBKDF2-params }, encryptionScheme } */
  private pbes2Iterations(params: Asn1): number {
    const [kdf, scheme] = sequence(params);
    const [kdfOid, kdfParams] = sequence(kdf);
    if (oidOf(kdfOid) !== OID.pbkdf2) throw unsupported(`key derivation ${oidOf(kdfOid)}`);
    const [schemeOid] = sequence(scheme);
    const cipherOid = oidOf(schemeOid);
    if (!PBES2_CIPHERS.has(cipherOid)) throw unsupported(`cipher ${cipherOid}`);
    const [salt, iterations, ...optional] = sequence(kdfParams);
    if (!isUniversal(salt, asn1.Type.OCTETSTRING) || iterations === undefined) throw corrupt('malformed PBKDF2 parameters');
    const prf = optional.find((node) => isUniversal(node, asn1.Type.SEQUENCE));
    if (prf !== undefined) {
      const prfOid = oidOf(sequence(prf)[0]);
      if (!PBKDF2_PRFS.has(prfOid)) throw unsupported(`PRF ${prfOid}`);
    }
    return integerOf(iterations);
  }

  private spendIterations(iterations: number): void {
    if (!(iterations >= 1)) throw corrupt('iteration count below 1');
    if (iterations > this.iterationsLeft) throw unsupported('key derivation iteration count too high');
    this.iterationsLeft -= iterations;
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
 * A PFX holding `privateKeyInfo` byte for byte (randomNum attribute included) in a PBES2 shrouded
 * key bag, the certificate (with localKeyId and friendlyName) and the chain in a PBES2-encrypted
 * SafeContents, and a SHA-256 MAC. OpenSSL 3 opens it without `-legacy`.
 *
 * The PBKDF2 work runs natively on libuv's thread pool; what stays on the event loop (forge's MAC
 * KDF at 2048 iterations, DER building) takes a few milliseconds.
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
  const pbes2 = { cipher: 'aes-256-cbc', prf: 'sha256', iterations: WRITE_PBES2_ITERATIONS, saltBytes: 16 } as const;
  // Both key derivations run on the thread pool at once. The key is encrypted byte for byte as given.
  const [encryptedCerts, encryptedKey] = await Promise.all([
    pbes2Encrypt(toDerBuffer(seq(certBags)), input.password, pbes2),
    pbes2Encrypt(input.privateKeyInfo, input.password, pbes2),
  ]);
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

  const keyBag = seq([
    oidNode(OID.pkcs8ShroudedKeyBag),
    contextSpecific(0, [encryptedPrivateKeyInfo(encryptedKey.algorithm, encryptedKey.ciphertext)]),
    bagAttributes,
  ]);
  const keyContentInfo = seq([oidNode(OID.data), contextSpecific(0, [octetString(toDerBuffer(seq([keyBag])))])]);

  const authSafe = toDerBuffer(seq([certContentInfo, keyContentInfo]));
  const macSalt = randomBytes(16);
  const macKey = forge.pkcs12.generateKey(input.password, forge.util.createBuffer(macSalt.toString('binary')), 3, WRITE_MAC_ITERATIONS, 32, forge.md.sha256.create());
  const mac = createHmac('sha256', Buffer.from(macKey.getBytes(), 'binary')).update(authSafe).digest();

  const pfx = seq([
    integer(3),
    seq([oidNode(OID.data), contextSpecific(0, [octetString(authSafe)])]),
    seq([seq([algorithmIdentifier(OID.sha256, null), octetString(mac)]), octetString(macSalt), integer(WRITE_MAC_ITERATIONS)]),
  ]);
  return toDerBuffer(pfx);
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

/** A small non-negative INTEGER (versions, iteration counts); anything past 2^31 counts as corrupt. */
function integerOf(node: Asn1): number {
  if (!isUniversal(node, asn1.Type.INTEGER) || typeof node.value !== 'string' || node.value.length === 0) throw corrupt('expected an INTEGER');
  const bytes = Buffer.from(node.value, 'binary');
  if ((bytes[0] as number) & 0x80) throw corrupt('negative INTEGER');
  const firstNonZero = bytes.findIndex((byte) => byte !== 0);
  if (firstNonZero === -1) return 0;
  const significant = bytes.subarray(firstNonZero);
  if (significant.length > 4) throw unsupported('INTEGER too large');
  return significant.readUIntBE(0, significant.length);
}

function uniqueBuffers(buffers: Buffer[]): Buffer[] {
  const unique: Buffer[] = [];
  for (const buffer of buffers) if (!unique.some((seen) => seen.equals(buffer))) unique.push(buffer);
  return unique;
}
