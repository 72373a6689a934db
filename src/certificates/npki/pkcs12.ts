/**
 * PKCS#12 (.pfx / .p12) files, read and written by hand over node-forge's ASN.1.
 *
 * Reading walks the PFX itself instead of using the result of forge's `pkcs12FromAsn1`, because
 *  - forge keeps the decrypted PrivateKeyInfo bytes only when the key fails to parse, so the NPKI
 *    randomNum attribute (R, which binds the certificate's VID to its owner) would be lost;
 *  - forge hands one password string to both key derivations: PKCS#12's own KDF (MAC, legacy 3DES /
 *    RC2 PBE) wants the password as BMPString, which forge builds from the JS string, but PBES2
 *    (OpenSSL 3's default, PBKDF2) wants its UTF-8 bytes, which forge does not produce. With forge
 *    alone, a non-ASCII password on an OpenSSL 3 file fails after its MAC has verified.
 * Reading uses forge's PKCS#12 KDF and its 3DES / RC2 PBE ciphers, and WebCrypto for PBES2 (PBKDF2,
 * AES) and the MAC's HMAC. Every iteration count the file declares is checked against the cap before
 * anything is derived.
 *
 * Writing builds the PFX by hand for the same reason: `toPkcs12Asn1` rebuilds the PrivateKeyInfo from
 * a forge key object, dropping R. Ours is written as the CAs' own exports are, so that Korean
 * certificate managers and older Windows import it: pbeWithSHAAnd3-KeyTripleDES-CBC for the key bag
 * (R kept inside its PrivateKeyInfo) and for the certificates, and a SHA-1 MAC, 2048 iterations each.
 */
import forge from 'node-forge';
import { binaryStringOf, bytesEqual, bytesFromBinaryString, concatBytes, constantTimeEqual } from './bytes';
import { tripleDesCbcEncrypt } from './cbcCiphers';
import { CertificateError, assertFileSize } from './certificateError';
import {
  type Asn1,
  algorithmIdentifier,
  attribute,
  contextSpecific,
  contextSpecificOf,
  integer,
  isUniversal,
  naturalNumberOf,
  octetString,
  octetsOf,
  oidNode,
  oidOf,
  parseDer,
  seq,
  sequenceOf,
  set,
  setOf,
  toDer,
  UnexpectedAsn1,
} from './der';
import { assertIterationsWithinCap, readIterationCount } from './keyDerivationWork';
import { nextTurn } from './nextTurn';
import { OID } from './oids';
import { derivePbes2Key, type Pbes2Parameters, readPbes2Parameters } from './pbes2';
import { encryptedPrivateKeyInfo } from './privateKeyFile';
import { keyMatchesCertificate, readPrivateKeyInfo } from './privateKeyInfo';
import { type HashName, digest, hmac, randomBytes } from './webCrypto';
import { type CertificateStructure, isCaCertificate, readCertificateStructure } from './x509Structure';

const { asn1 } = forge;

export interface Pkcs12Contents {
  /** DER of the certificate that goes with the private key (the end-entity certificate). */
  certificate: Uint8Array;
  /** DER of the other certificates in the file, in file order. */
  chain: Uint8Array[];
  /** DER PrivateKeyInfo exactly as decrypted, attributes (randomNum) included. */
  privateKeyInfo: Uint8Array;
}

export interface Pkcs12Input {
  certificate: Uint8Array;
  privateKeyInfo: Uint8Array;
  chain?: Uint8Array[];
  password: string;
  friendlyName?: string;
}

/** The PKCS#12 PBEs (their own KDF, then 3DES, 2-key 3DES or RC2-40), which forge decrypts. */
const PKCS12_PBES: ReadonlySet<string> = new Set([
  OID.pbeWithSha1And3KeyTripleDesCbc,
  OID.pbeWithSha1And2KeyTripleDesCbc,
  OID.pbeWithSha1And40BitRc2Cbc,
]);

interface MacDigest {
  readonly hash: HashName;
  readonly create: () => forge.md.MessageDigest;
  readonly bytes: number;
}

const MAC_DIGESTS: Readonly<Record<string, MacDigest>> = {
  [OID.sha1]: { hash: 'SHA-1', create: () => forge.md.sha1.create(), bytes: 20 },
  [OID.sha256]: { hash: 'SHA-256', create: () => forge.md.sha256.create(), bytes: 32 },
  [OID.sha384]: { hash: 'SHA-384', create: () => forge.md.sha384.create(), bytes: 48 },
  [OID.sha512]: { hash: 'SHA-512', create: () => forge.md.sha512.create(), bytes: 64 },
};

/** Private key algorithms a PFX may hold; anything else (e.g. KCDSA) is a kind we do not handle. */
const KEY_ALGORITHMS: ReadonlySet<string> = new Set([OID.rsaEncryption, OID.rsassaPss, OID.ecPublicKey, OID.ed25519, OID.ed448]);

const MAX_BAGS = 64;
const MAX_NESTING = 4;

/**
 * Iterations of each PKCS#12 KDF `writePkcs12` runs (key bag, certificates, MAC): what OpenSSL and
 * the CAs write. Neither WebCrypto nor Node has the PKCS#12 KDF, so forge computes it in JavaScript.
 */
const WRITE_ITERATIONS = 2048;
const WRITE_SALT_BYTES = 8;

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Opens a PKCS#12 file. Rejects only with CertificateError (file role 'pfx'): 'fileTooLarge',
 * 'corruptFile' (not a PFX, truncated), 'wrongPassword' (MAC or decryption fails),
 * 'unsupportedFile' (public-key integrity, unknown ciphers, several keys), 'excessiveKeyProtection'
 * (iteration counts past MAX_KEY_DERIVATION_ITERATIONS in all; refused before any derivation when
 * they are in sight before decrypting), 'missingCertificate', 'missingKey'. Whether the key matches
 * the certificate is the caller's check.
 */
export async function readPkcs12(file: Uint8Array, password: string): Promise<Pkcs12Contents> {
  try {
    const pfx = parsePfx(file);
    assertVisibleIterationsWithinCap(pfx); // before the MAC's derivation, the first one
    return await new PfxReader(password).read(pfx);
  } catch (error) {
    throw asCertificateError(error);
  }
}

function asCertificateError(error: unknown): CertificateError {
  if (error instanceof CertificateError) return error;
  return corrupt(error instanceof UnexpectedAsn1 ? error.message : 'unreadable PKCS#12');
}

function corrupt(detail: string): CertificateError {
  return new CertificateError('corruptFile', 'pfx', detail);
}

function unsupported(detail: string): CertificateError {
  return new CertificateError('unsupportedFile', 'pfx', detail);
}

interface FoundKey {
  privateKeyInfo: Uint8Array;
  /** The SafeBag's attributes: R is looked for here too, when the PrivateKeyInfo has none. */
  bagAttributes: Asn1 | undefined;
}

/** A PFX's outer structure, read without the password. */
interface PfxStructure {
  readonly authSafeBytes: Uint8Array;
  readonly macData: Asn1 | undefined;
  readonly contentInfos: Asn1[];
}

function parsePfx(file: Uint8Array): PfxStructure {
  assertFileSize(file, 'pfx');
  const [version, authSafe, macData] = sequenceOf(parseDer(file), 'PFX', 2, 3);
  sequenceOf(authSafe, 'authSafe');
  if (naturalNumberOf(version, 'PFX version') !== 3) throw unsupported('PFX version is not 3');

  const { type, content } = contentInfoParts(authSafe as Asn1);
  if (type === OID.signedData) throw unsupported('public-key integrity mode');
  if (type !== OID.data) throw corrupt('authSafe is not data');
  const authSafeBytes = berOctets(content);
  return { authSafeBytes, macData, contentInfos: sequenceOf(parseDer(authSafeBytes), 'AuthenticatedSafe') };
}

/**
 * The iteration counts in sight before any decryption, checked against the cap in all: a file
 * asking too much is refused before anything is derived.
 */
function assertVisibleIterationsWithinCap(pfx: PfxStructure): void {
  let iterations = pfx.macData === undefined ? 0 : macParameters(pfx.macData).iterations;
  const bags = { count: 0 };
  for (const contentInfo of pfx.contentInfos) {
    const { type, content } = contentInfoParts(contentInfo);
    if (type === OID.encryptedData) {
      iterations += pbeParameters(encryptedContent(content).algorithm).iterations;
    } else if (type === OID.data) {
      for (const bag of safeBags(parseDer(berOctets(content)), bags)) {
        if (bag.bagId === OID.pkcs8ShroudedKeyBag) iterations += pbeParameters(encryptedKey(bag.value).algorithm).iterations;
      }
    }
  }
  assertIterationsWithinCap(iterations, 'pfx');
}

class PfxReader {
  private iterationsSpent = 0;
  private readonly bags = { count: 0 };
  private macVerified = false;
  private readonly keys: FoundKey[] = [];
  private readonly certificates: Uint8Array[] = [];

  constructor(private readonly password: string) {}

  async read(pfx: PfxStructure): Promise<Pkcs12Contents> {
    if (pfx.macData !== undefined) {
      await this.verifyMac(pfx.macData, pfx.authSafeBytes);
      this.macVerified = true;
    }
    for (const contentInfo of pfx.contentInfos) await this.readContentInfo(contentInfo);
    return this.result();
  }

  private async verifyMac(macData: Asn1, authSafeBytes: Uint8Array): Promise<void> {
    const { digest: macDigest, expected, salt, iterations } = macParameters(macData);
    this.spendIterations(iterations);
    const macKey = pkcs12Kdf(this.password, salt, {
      purpose: KDF_PURPOSE.mac,
      iterations,
      bytes: macDigest.bytes,
      digest: macDigest.create(),
    });
    const actual = await hmac(macDigest.hash, macKey, authSafeBytes);
    if (!constantTimeEqual(expected, actual)) throw new CertificateError('wrongPassword', 'pfx');
  }

  private async readContentInfo(contentInfo: Asn1): Promise<void> {
    const { type, content } = contentInfoParts(contentInfo);
    if (type === OID.data) {
      await this.readSafeContents(parseDer(berOctets(content)));
    } else if (type === OID.encryptedData) {
      await this.readSafeContents(await this.decryptedSafeContents(content));
    } else if (type === OID.envelopedData) {
      throw unsupported('public-key privacy mode');
    } else {
      throw corrupt(`content type ${type}`);
    }
  }

  private async decryptedSafeContents(encryptedData: Asn1): Promise<Asn1> {
    const { algorithm, encrypted } = encryptedContent(encryptedData);
    const plain = await this.decrypt(algorithm, encrypted);
    try {
      return parseDer(plain);
    } catch {
      throw this.undecryptable();
    }
  }

  private async readSafeContents(safeContents: Asn1): Promise<void> {
    for (const { bagId, value, bagAttributes } of [...safeBags(safeContents, this.bags)]) {
      switch (bagId) {
        case OID.keyBag:
          this.keys.push({ privateKeyInfo: toDer(value), bagAttributes });
          break;
        case OID.pkcs8ShroudedKeyBag: {
          const { algorithm, encrypted } = encryptedKey(value);
          this.keys.push({ privateKeyInfo: await this.decrypt(algorithm, encrypted), bagAttributes });
          break;
        }
        case OID.certBag: {
          const [certIdNode, certValue] = sequenceOf(value, 'CertBag', 2, 2);
          // sdsiCertificate and other kinds are not X.509: skip them.
          if (oidOf(certIdNode, 'certificate type') === OID.x509Certificate) this.certificates.push(berOctets(explicitContent(certValue)));
          break;
        }
        default:
          // crlBag, secretBag and private extensions carry nothing we need.
          break;
      }
    }
  }

  /** Decrypts with the algorithm's password-based scheme; returns the plaintext as is. */
  private async decrypt(algorithm: Asn1, ciphertext: Uint8Array): Promise<Uint8Array> {
    const pbe = pbeParameters(algorithm);
    this.spendIterations(pbe.iterations);
    if (pbe.kind === 'pbes2') {
      const key = await derivePbes2Key(pbe, this.password);
      return pbe.cipher.decrypt(key, pbe.iv, ciphertext).catch(() => {
        throw this.undecryptable();
      });
    }
    const cipher = pkcs12PbeDecipher(pbe, this.password);
    cipher.update(forge.util.createBuffer(binaryStringOf(ciphertext)));
    if (!cipher.finish()) throw this.undecryptable();
    return bytesFromBinaryString(cipher.output.getBytes());
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
    return new CertificateError(
      'wrongPassword',
      'pfx',
      this.macVerified ? 'decryption failed after the MAC verified' : 'decryption failed',
    );
  }

  private result(): Pkcs12Contents {
    const parsed = uniqueBytes(this.certificates).map((der) => ({
      der,
      structure: certificateStructure(der, corrupt('certificate does not parse')),
    }));
    const keys = uniqueBytes(this.keys.map((key) => key.privateKeyInfo));
    if (parsed.length === 0) throw new CertificateError('missingCertificate', 'pfx');
    if (keys.length === 0) throw new CertificateError('missingKey', 'pfx');
    if (keys.length > 1) throw unsupported('more than one private key');

    const privateKeyInfo = this.checkedPrivateKeyInfo(this.keys[0] as FoundKey);

    // The key's own certificate; failing that (the caller reports the mismatch), the end-entity one.
    const chosen =
      parsed.find((cert) => keyMatchesCertificate(privateKeyInfo, cert.der)) ??
      parsed.find((cert) => !isCaCertificate(cert.structure)) ??
      (parsed[0] as (typeof parsed)[number]);
    return {
      certificate: chosen.der,
      chain: parsed.filter((cert) => cert !== chosen).map((cert) => cert.der),
      privateKeyInfo,
    };
  }

  /** Validates the decrypted PrivateKeyInfo; moves an R found only in the bag's attributes into it. */
  private checkedPrivateKeyInfo(found: FoundKey): Uint8Array {
    // Plaintext that is not a PrivateKeyInfo: garbage from a wrong password when nothing else
    // checked it, a broken file when the MAC did.
    const notAKey = (): CertificateError => (this.macVerified ? corrupt('not a PrivateKeyInfo') : this.undecryptable());
    let root: Asn1;
    let keyAlgorithm: string;
    try {
      root = parseDer(found.privateKeyInfo);
      const [version, algorithm, privateKey] = sequenceOf(root, 'PrivateKeyInfo', 3);
      naturalNumberOf(version, 'version');
      octetsOf(privateKey, 'privateKey');
      keyAlgorithm = oidOf(sequenceOf(algorithm, 'privateKeyAlgorithm', 1)[0], 'privateKeyAlgorithm');
    } catch {
      throw notAKey();
    }
    if (!KEY_ALGORITHMS.has(keyAlgorithm)) throw unsupported(`key algorithm ${keyAlgorithm}`);

    let randomNum: Uint8Array | undefined;
    try {
      ({ randomNum } = readPrivateKeyInfo(found.privateKeyInfo));
    } catch {
      throw notAKey();
    }
    const bagRandomNum = randomNum === undefined ? randomNumAttribute(found.bagAttributes) : undefined;
    if (bagRandomNum === undefined) return found.privateKeyInfo;

    const privateKeyInfo = withAttribute(root, bagRandomNum);
    try {
      readPrivateKeyInfo(privateKeyInfo);
    } catch {
      throw corrupt('malformed randomNum bag attribute');
    }
    return privateKeyInfo;
  }
}

/** The structure of a certificate in the file, or `failure` when it is not one. */
function certificateStructure(der: Uint8Array, failure: CertificateError): CertificateStructure {
  try {
    return readCertificateStructure(parseDer(der));
  } catch {
    throw failure;
  }
}

/** MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 } */
function macParameters(macData: Asn1): { digest: MacDigest; expected: Uint8Array; salt: Uint8Array; iterations: number } {
  const [digestInfo, saltNode, iterationsNode] = sequenceOf(macData, 'MacData', 2, 3);
  const [algorithm, digestNode] = sequenceOf(digestInfo, 'DigestInfo', 2, 2);
  const digestOid = oidOf(sequenceOf(algorithm, 'digest algorithm', 1, 2)[0], 'digest algorithm');
  if (digestOid === OID.pbmac1) throw unsupported('PBMAC1 integrity');
  const macDigest = Object.hasOwn(MAC_DIGESTS, digestOid) ? MAC_DIGESTS[digestOid] : undefined;
  if (macDigest === undefined) throw unsupported(`MAC digest ${digestOid}`);
  const iterations = iterationsNode === undefined ? 1 : readIterationCount(iterationsNode, 'pfx');
  return { digest: macDigest, expected: berOctets(digestNode), salt: berOctets(saltNode), iterations };
}

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT } */
function contentInfoParts(contentInfo: Asn1): { type: string; content: Asn1 } {
  const [typeNode, content] = sequenceOf(contentInfo, 'ContentInfo', 2, 2);
  return { type: oidOf(typeNode, 'content type'), content: explicitContent(content) };
}

/** EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT octets } } */
function encryptedContent(encryptedData: Asn1): { algorithm: Asn1; encrypted: Uint8Array } {
  const [, encryptedContentInfo] = sequenceOf(encryptedData, 'EncryptedData', 2);
  const [, algorithm, encrypted] = sequenceOf(encryptedContentInfo, 'EncryptedContentInfo', 3);
  if (algorithm === undefined || encrypted === undefined || encrypted.tagClass !== asn1.Class.CONTEXT_SPECIFIC || encrypted.type !== 0) {
    throw corrupt('malformed EncryptedData');
  }
  return { algorithm, encrypted: berOctets(encrypted) };
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING } */
function encryptedKey(encryptedPrivateKeyInfo: Asn1): { algorithm: Asn1; encrypted: Uint8Array } {
  const [algorithm, encrypted] = sequenceOf(encryptedPrivateKeyInfo, 'EncryptedPrivateKeyInfo', 2, 2);
  if (!isUniversal(encrypted, asn1.Type.OCTETSTRING)) throw corrupt('malformed EncryptedPrivateKeyInfo');
  return { algorithm: algorithm as Asn1, encrypted: berOctets(encrypted) };
}

interface SafeBag {
  readonly bagId: string;
  readonly value: Asn1;
  readonly bagAttributes: Asn1 | undefined;
}

/** The bags of a SafeContents, nested SafeContentsBags opened, at most MAX_BAGS in all (counted in `seen`). */
function* safeBags(safeContents: Asn1, seen: { count: number }, depth = 0): Generator<SafeBag> {
  if (depth > MAX_NESTING) throw unsupported('SafeContents nested too deep');
  for (const safeBag of sequenceOf(safeContents, 'SafeContents')) {
    seen.count += 1;
    if (seen.count > MAX_BAGS) throw unsupported('too many bags');
    const [bagIdNode, bagValue, bagAttributes] = sequenceOf(safeBag, 'SafeBag', 2, 3);
    const bagId = oidOf(bagIdNode, 'bag type');
    const value = explicitContent(bagValue);
    if (bagId === OID.safeContentsBag) yield* safeBags(value, seen, depth + 1);
    else yield { bagId, value, bagAttributes };
  }
}

type PbeParameters = { kind: 'pkcs12'; oid: string; params: Asn1; iterations: number } | ({ kind: 'pbes2' } & Pbes2Parameters);

/**
 * A password-based encryption we can decrypt (a PKCS#12 PBE, or PBES2 with PBKDF2 and a cipher
 * we have), with its iteration count checked.
 */
function pbeParameters(algorithm: Asn1): PbeParameters {
  const [algorithmOid, params] = sequenceOf(algorithm, 'encryption algorithm', 1, 2);
  const oid = oidOf(algorithmOid, 'encryption algorithm');
  if (params === undefined) throw corrupt('encryption parameters missing');
  if (PKCS12_PBES.has(oid)) {
    // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
    const [salt, iterations] = sequenceOf(params, 'PBE parameters', 2, 2);
    octetsOf(salt, 'PBE salt');
    return { kind: 'pkcs12', oid, params, iterations: readIterationCount(iterations, 'pfx') };
  }
  if (oid !== OID.pbes2) throw unsupported(`encryption ${oid}`);
  return { kind: 'pbes2', ...readPbes2Parameters(params, 'pfx') };
}

/** A PKCS#12 PBE (3DES, 2-key 3DES, RC2-40) through forge, which turns the JS string into a BMPString itself. */
function pkcs12PbeDecipher(pbe: Extract<PbeParameters, { kind: 'pkcs12' }>, password: string): forge.cipher.BlockCipher {
  try {
    return (forge.pki as unknown as ForgePbe).pbe.getCipher(pbe.oid, pbe.params, password);
  } catch {
    throw corrupt('malformed encryption parameters');
  }
}

interface ForgePbe {
  pbe: { getCipher(oid: string, params: Asn1, password: string): forge.cipher.BlockCipher };
}

/** The randomNum attribute among a SafeBag's attributes, normalized to SEQUENCE { OID, SET { BIT STRING } }. */
function randomNumAttribute(bagAttributes: Asn1 | undefined): Asn1 | undefined {
  if (bagAttributes === undefined || !Array.isArray(bagAttributes.value)) return undefined;
  for (const candidate of bagAttributes.value) {
    // Attributes we do not understand are skipped, never fatal.
    if (!isUniversal(candidate, asn1.Type.SEQUENCE) || !Array.isArray(candidate.value)) continue;
    const [type, values] = candidate.value;
    if (!isUniversal(values, asn1.Type.SET) || !isUniversal(type, asn1.Type.OID) || oidOf(type, 'attribute type') !== OID.npkiRandomNum)
      continue;
    const [value] = setOf(values, 'randomNum values');
    if (value === undefined || value.constructed) return undefined;
    // A BIT STRING is taken as is; an OCTET STRING holding R alone becomes the BIT STRING 00 || R.
    const bits =
      value.type === asn1.Type.BITSTRING
        ? (value.value as string)
        : value.type === asn1.Type.OCTETSTRING
          ? '\x00' + (value.value as string)
          : undefined;
    if (bits === undefined) return undefined;
    return attribute(OID.npkiRandomNum, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, bits));
  }
  return undefined;
}

/** The PrivateKeyInfo with `added` among its [0] attributes (created when absent). */
function withAttribute(root: Asn1, added: Asn1): Uint8Array {
  const fields = sequenceOf(root, 'PrivateKeyInfo');
  const existing = fields.find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0);
  if (existing !== undefined && Array.isArray(existing.value)) {
    existing.value.push(added);
  } else {
    // [0] goes right after privateKey, before a PKCS#8 v2 [1] publicKey if there is one.
    fields.splice(3, 0, contextSpecific(0, [added]));
  }
  return toDer(root);
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
export async function writePkcs12(input: Pkcs12Input): Promise<Uint8Array> {
  if (input.password.length === 0) throw new Error('writePkcs12 needs a password');
  const certificates = [input.certificate, ...(input.chain ?? [])];
  for (const der of certificates)
    certificateStructure(der, new CertificateError('corruptFile', 'certificate', 'certificate does not parse'));
  readPrivateKeyInfo(input.privateKeyInfo);
  if (!keyMatchesCertificate(input.privateKeyInfo, input.certificate)) throw new CertificateError('keyMismatch', 'privateKey');

  const localKeyId = await digest('SHA-1', input.certificate);
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
  const encryptedCerts = await tripleDesPbeEncrypt(toDer(seq(certBags)), input.password);
  const certContentInfo = seq([
    oidNode(OID.encryptedData),
    contextSpecific(0, [
      seq([
        integer(0),
        seq([
          oidNode(OID.data),
          encryptedCerts.algorithm,
          asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0 as forge.asn1.Type, false, binaryStringOf(encryptedCerts.ciphertext)),
        ]),
      ]),
    ]),
  ]);

  // The key is encrypted byte for byte as given, so R stays inside its PrivateKeyInfo.
  const encryptedKeyInfo = await tripleDesPbeEncrypt(input.privateKeyInfo, input.password);
  const keyBag = seq([
    oidNode(OID.pkcs8ShroudedKeyBag),
    contextSpecific(0, [encryptedPrivateKeyInfo(encryptedKeyInfo.algorithm, encryptedKeyInfo.ciphertext)]),
    bagAttributes,
  ]);
  const keyContentInfo = seq([oidNode(OID.data), contextSpecific(0, [octetString(toDer(seq([keyBag])))])]);

  const authSafe = toDer(seq([certContentInfo, keyContentInfo]));
  const macSalt = randomBytes(WRITE_SALT_BYTES);
  await nextTurn();
  const macKey = pkcs12Kdf(input.password, macSalt, { purpose: KDF_PURPOSE.mac, iterations: WRITE_ITERATIONS, bytes: 20 });
  const mac = await hmac('SHA-1', macKey, authSafe);

  const pfx = seq([
    integer(3),
    seq([oidNode(OID.data), contextSpecific(0, [octetString(authSafe)])]),
    seq([seq([algorithmIdentifier(OID.sha1, null), octetString(mac)]), octetString(macSalt), integer(WRITE_ITERATIONS)]),
  ]);
  return toDer(pfx);
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C): key and IV from the PKCS#12 KDF, then DES-EDE3-CBC. */
async function tripleDesPbeEncrypt(plaintext: Uint8Array, password: string): Promise<{ algorithm: Asn1; ciphertext: Uint8Array }> {
  const salt = randomBytes(WRITE_SALT_BYTES);
  await nextTurn();
  const key = pkcs12Kdf(password, salt, { purpose: KDF_PURPOSE.key, iterations: WRITE_ITERATIONS, bytes: 24 });
  await nextTurn();
  const iv = pkcs12Kdf(password, salt, { purpose: KDF_PURPOSE.iv, iterations: WRITE_ITERATIONS, bytes: 8 });
  return {
    algorithm: algorithmIdentifier(OID.pbeWithSha1And3KeyTripleDesCbc, [octetString(salt), integer(WRITE_ITERATIONS)]),
    ciphertext: tripleDesCbcEncrypt(key, iv, plaintext),
  };
}

/** The ID byte of the PKCS#12 KDF (RFC 7292 B.3): what the derived bytes are for. */
const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** The PKCS#12 KDF (RFC 7292 B.2), SHA-1 unless told; forge makes the JS string a BMPString itself. */
function pkcs12Kdf(
  password: string,
  salt: Uint8Array,
  options: { purpose: (typeof KDF_PURPOSE)[keyof typeof KDF_PURPOSE]; iterations: number; bytes: number; digest?: forge.md.MessageDigest },
): Uint8Array {
  const saltBuffer = forge.util.createBuffer(binaryStringOf(salt));
  const derived = forge.pkcs12.generateKey(password, saltBuffer, options.purpose, options.iterations, options.bytes, options.digest);
  return bytesFromBinaryString(derived.getBytes());
}

// ---------------------------------------------------------------------------------------------
// ASN.1 helpers

/** The single child of an `[0] EXPLICIT` wrapper. */
function explicitContent(node: Asn1 | undefined): Asn1 {
  const [child, ...rest] = contextSpecificOf(node, 0, '[0] EXPLICIT');
  if (child === undefined || rest.length > 0) throw corrupt('expected one value in [0]');
  return child;
}

/** The bytes of an OCTET STRING (or an implicitly tagged one), joining BER constructed segments. */
function berOctets(node: Asn1 | undefined, depth = 0): Uint8Array {
  if (node === undefined || depth > MAX_NESTING) throw corrupt('expected an OCTET STRING');
  if (node.tagClass === asn1.Class.UNIVERSAL && node.type !== asn1.Type.OCTETSTRING) throw corrupt('expected an OCTET STRING');
  if (typeof node.value === 'string') return bytesFromBinaryString(node.value);
  return concatBytes(...node.value.map((child) => berOctets(child, depth + 1)));
}

function uniqueBytes(values: readonly Uint8Array[]): Uint8Array[] {
  const unique: Uint8Array[] = [];
  for (const value of values) if (!unique.some((seen) => bytesEqual(seen, value))) unique.push(value);
  return unique;
}
