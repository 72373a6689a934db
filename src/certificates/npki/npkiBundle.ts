/**
 * NPKI certificates as zip files: what a customer's PC keeps under `NPKI/<CA>/USER/<subject DN>/`
 * (signCert.der + signPri.key), zipped for download or upload. Nothing here touches the disk: zip
 * entry names are only ever compared, never used as paths.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { CertificateError } from './certificateError';

/** Most entries (files and directories) a customer's zip may hold. */
export const MAX_ZIP_ENTRIES = 64;
/** Largest single file inside the zip, uncompressed: real NPKI files are a few KB. */
export const MAX_ZIP_ENTRY_BYTES = 64 * 1024;
/** Largest sum of all files inside the zip, uncompressed. */
export const MAX_ZIP_TOTAL_BYTES = 1024 * 1024;
/**
 * Largest zip accepted. Besides bounding memory, this bounds the CPU a lying entry can cost: fflate
 * inflates into a buffer of the declared size and drops what does not fit, but still runs the whole
 * stream (roughly 1 ms per 250 KB of output, at most ~1000× the compressed size).
 */
export const MAX_ZIP_BYTES = 256 * 1024;

const SIGN_CERT = 'signcert.der';
const SIGN_PRI = 'signpri.key';

export type NpkiZipContents = { signCert: Uint8Array; signPri: Uint8Array } | { pfx: Uint8Array };

export interface NpkiZipInput {
  /** The CA's folder name, e.g. `yessign`, `KICA`. */
  caDirectory: string;
  /** The subject DN in NPKI's text form, e.g. `cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr`. */
  subjectDn: string;
  signCert: Uint8Array;
  signPri: Uint8Array;
  /** A PKCS#12 copy, put at the zip's root. */
  pfx?: { fileName: string; bytes: Uint8Array };
}

/**
 * `NPKI/<CA>/USER/<subjectDn>/`, each part made safe as a file name on Windows and macOS:
 * `/ \ : * ? " < > |` and control characters become `_`, as do a name made only of dots and a
 * trailing dot or space (Windows drops those). Text is NFC, as Korean software writes it.
 */
export function npkiFolderPath(caDirectory: string, subjectDn: string): string {
  return `NPKI/${safeFileName(caDirectory)}/USER/${safeFileName(subjectDn)}/`;
}

function safeFileName(name: string): string {
  if (name.length === 0) throw new Error('an NPKI folder name must not be empty');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const replaced = name.normalize('NFC').replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_');
  if (/^\.+$/.test(replaced)) return replaced.replace(/\./g, '_');
  return replaced.replace(/[. ]$/, '_');
}

/** A zip with `NPKI/<CA>/USER/<DN>/signCert.der` and `signPri.key` (UTF-8 names), plus the PFX at the root if given. */
export function writeNpkiZip(input: NpkiZipInput): Uint8Array {
  const folder = npkiFolderPath(input.caDirectory, input.subjectDn);
  // Copied: fflate tells a file from a folder by `instanceof Uint8Array`, which bytes from another realm fail.
  const files: Zippable = {
    [`${folder}signCert.der`]: new Uint8Array(input.signCert),
    [`${folder}signPri.key`]: new Uint8Array(input.signPri),
  };
  if (input.pfx !== undefined) {
    const pfxName = safeFileName(input.pfx.fileName);
    if (!/\.(pfx|p12)$/i.test(pfxName)) throw new Error('the PKCS#12 file name must end in .pfx or .p12');
    files[pfxName] = new Uint8Array(input.pfx.bytes);
  }
  // Certificates and encrypted keys hardly compress; deflate anyway for the DER headers. fflate marks
  // non-ASCII names as UTF-8 (general purpose flag bit 11).
  return zipSync(files, { level: 6 });
}

/**
 * Finds the certificate in a customer's zip: exactly one folder (anywhere, the root included) with
 * both signCert.der and signPri.key (names matched case-insensitively), or else exactly one
 * .pfx/.p12. Directories, `__MACOSX/` and dotfiles are ignored.
 *
 * Throws CertificateError with file 'zip': 'corruptFile' (not a zip, inconsistent entries),
 * 'fileTooLarge' (more than MAX_ZIP_ENTRIES entries, an entry over MAX_ZIP_ENTRY_BYTES or a sum over
 * MAX_ZIP_TOTAL_BYTES, by declared size before inflating and by real size after),
 * 'unsupportedFile' (several pairs or several PFX, compression other than stored/deflate),
 * 'missingKey' (a signCert.der without its signPri.key), 'missingCertificate' (nothing usable).
 */
export function readNpkiZip(zip: Uint8Array): NpkiZipContents {
  if (zip.length > MAX_ZIP_BYTES) throw new CertificateError('fileTooLarge', 'zip', `${zip.length} bytes`);
  // 22 bytes is the smallest possible zip (an empty end-of-central-directory record).
  if (zip.length < 22) throw new CertificateError('corruptFile', 'zip', 'too short');

  // fflate trusts the zip's headers: it inflates into a buffer of the declared size, silently
  // dropping the rest, and reads whatever the offsets point at. So the central directory is checked
  // first (offsets inside the file, signatures where they belong), and every inflated entry is
  // checked against its CRC-32 afterwards.
  const directory = readCentralDirectory(zip);

  const wanted = new Map<string, { declaredSize: number; crc: number }>();
  let index = 0;
  let declaredTotal = 0;

  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (file) => {
        // A throw from here leaves unzipSync as is, before anything more is inflated.
        const refuse = (error: CertificateError): never => {
          throw error;
        };
        const entry = directory[index];
        index += 1;
        if (entry === undefined) return refuse(new CertificateError('corruptFile', 'zip', 'entry count differs from the directory'));
        if (isDirectory(file.name)) return false;
        if (file.originalSize > MAX_ZIP_ENTRY_BYTES) refuse(new CertificateError('fileTooLarge', 'zip', 'entry too large'));
        declaredTotal += file.originalSize;
        if (declaredTotal > MAX_ZIP_TOTAL_BYTES) refuse(new CertificateError('fileTooLarge', 'zip', 'entries too large in total'));
        if (isIgnored(file.name) || kindOf(file.name) === undefined) return false;
        if (file.compression !== 0 && file.compression !== 8)
          refuse(new CertificateError('unsupportedFile', 'zip', `compression method ${file.compression}`));
        if (wanted.has(file.name)) refuse(new CertificateError('corruptFile', 'zip', 'duplicate entry'));
        wanted.set(file.name, { declaredSize: file.originalSize, crc: entry.crc });
        return true;
      },
    });
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError('corruptFile', 'zip', 'not a readable zip');
  }

  // Check again what was really inflated: its size, and its CRC, which is how an entry whose data
  // is longer than its header says (and was cut to fit) shows.
  let total = 0;
  for (const [name, bytes] of Object.entries(files)) {
    if (bytes.length > MAX_ZIP_ENTRY_BYTES) throw new CertificateError('fileTooLarge', 'zip', 'entry too large');
    total += bytes.length;
    if (total > MAX_ZIP_TOTAL_BYTES) throw new CertificateError('fileTooLarge', 'zip', 'entries too large in total');
    const expected = wanted.get(name);
    if (expected === undefined || bytes.length !== expected.declaredSize)
      throw new CertificateError('corruptFile', 'zip', 'entry size differs from its header');
    if (crc32(bytes) !== expected.crc) throw new CertificateError('corruptFile', 'zip', 'entry CRC mismatch');
  }

  return findCertificate(files);
}

type Kind = 'signCert' | 'signPri' | 'pfx';

function isDirectory(name: string): boolean {
  return name.endsWith('/') || name.endsWith('\\');
}

function pathParts(name: string): string[] {
  return name.split(/[/\\]/).filter((part) => part.length > 0);
}

/** macOS resource forks (`__MACOSX/`, `._x`) and hidden files (`.DS_Store`, anything under a dot folder). */
function isIgnored(name: string): boolean {
  const parts = pathParts(name);
  return parts.length === 0 || parts.some((part) => part === '__MACOSX' || part.startsWith('.'));
}

function kindOf(name: string): Kind | undefined {
  const base = (pathParts(name).at(-1) ?? '').toLowerCase();
  if (base === SIGN_CERT) return 'signCert';
  if (base === SIGN_PRI) return 'signPri';
  if (base.endsWith('.pfx') || base.endsWith('.p12')) return 'pfx';
  return undefined;
}

/** The folder an entry is in, as a grouping key ('' for the root); case-insensitive like the file names. */
function folderOf(name: string): string {
  return pathParts(name).slice(0, -1).join('/').toLowerCase();
}

function findCertificate(files: Record<string, Uint8Array>): NpkiZipContents {
  const folders = new Map<string, { signCert?: Uint8Array; signPri?: Uint8Array }>();
  const pfxFiles: Uint8Array[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const kind = kindOf(name);
    if (kind === 'pfx') {
      pfxFiles.push(bytes);
    } else if (kind !== undefined) {
      const folder = folders.get(folderOf(name)) ?? {};
      // signCert.der and SIGNCERT.DER side by side: two certificates, not one.
      if (folder[kind] !== undefined) throw new CertificateError('unsupportedFile', 'zip', 'several certificates');
      folder[kind] = bytes;
      folders.set(folderOf(name), folder);
    }
  }

  const pairs = [...folders.values()].filter((folder) => folder.signCert !== undefined && folder.signPri !== undefined);
  if (pairs.length > 1) throw new CertificateError('unsupportedFile', 'zip', 'several certificates');
  const [pair] = pairs;
  if (pair?.signCert !== undefined && pair.signPri !== undefined) {
    return { signCert: pair.signCert, signPri: pair.signPri };
  }
  if (pfxFiles.length > 1) throw new CertificateError('unsupportedFile', 'zip', 'several PKCS#12 files');
  const [pfx] = pfxFiles;
  if (pfx !== undefined) return { pfx };
  if ([...folders.values()].some((folder) => folder.signCert !== undefined)) throw new CertificateError('missingKey', 'zip');
  throw new CertificateError('missingCertificate', 'zip');
}

interface DirectoryEntry {
  crc: number;
}

/**
 * The central directory's entries, in order (the order fflate's filter sees them), after checking
 * that the directory and every local header it points to lie inside the file. At most
 * MAX_ZIP_ENTRIES entries: more is 'fileTooLarge', before anything is inflated.
 */
function readCentralDirectory(zip: Uint8Array): DirectoryEntry[] {
  const bad = (detail: string): CertificateError => new CertificateError('corruptFile', 'zip', detail);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): number => Number(view.getBigUint64(at, true));

  // The end-of-central-directory record, searched from the end like fflate does (comment ≤ 65535 bytes).
  let end = zip.length - 22;
  while (end >= 0 && u32(end) !== 0x06054b50) {
    if (zip.length - end > 65557) throw bad('no end of central directory');
    end -= 1;
  }
  if (end < 0) throw bad('no end of central directory');
  let count = u16(end + 10);
  let offset = u32(end + 16);
  // Zip64: the locator sits right before the record and points at the zip64 end record.
  if (end >= 20 && u32(end - 20) === 0x07064b50) {
    const zip64End = u64(end - 12);
    if (zip64End + 56 > zip.length || u32(zip64End) !== 0x06064b50) throw bad('bad zip64 end record');
    count = u64(zip64End + 32);
    offset = u64(zip64End + 48);
  }
  if (count > MAX_ZIP_ENTRIES) throw new CertificateError('fileTooLarge', 'zip', 'too many entries');

  const entries: DirectoryEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (offset + 46 > zip.length || u32(offset) !== 0x02014b50) throw bad('bad central directory entry');
    const compressedSize = u32(offset + 20);
    const nameLength = u16(offset + 28);
    const next = offset + 46 + nameLength + u16(offset + 30) + u16(offset + 32);
    if (next > zip.length) throw bad('central directory runs past the end');
    const local = u32(offset + 42);
    // 0xFFFFFFFF: the real value is in a zip64 extra field, which fflate reads; skip the local check then.
    if (local !== 0xffffffff) {
      if (local + 30 > zip.length || u32(local) !== 0x04034b50) throw bad('bad local header');
      const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
      if (compressedSize !== 0xffffffff && dataStart + compressedSize > zip.length) throw bad('entry runs past the end');
    }
    entries.push({ crc: u32(offset + 16) });
    offset = next;
  }
  return entries;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as zip stores it. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
