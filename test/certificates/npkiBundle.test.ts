import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { CertificateError } from '../../src/certificates/npki/certificateError';
import { MAX_ZIP_BYTES, npkiFolderPath, readNpkiZip, writeNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { expectCertificateError } from '../support/certificateErrors';

const DN = 'cn=홍길동()0012345678901234,ou=WOORI,ou=personal4IB,o=yessign,c=kr';
const FOLDER = `NPKI/yessign/USER/${DN}/`;
// Stand-ins: the zip layer never looks inside the files.
const signCert = Buffer.concat([Buffer.from([0x30, 0x82, 0x05, 0x00]), randomBytes(1200)]);
const signPri = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x40]), randomBytes(300)]);
const pfx = randomBytes(2500);

function zip(files: Record<string, Uint8Array>): Buffer {
  return Buffer.from(zipSync(files as Zippable));
}

describe('npkiFolderPath', () => {
  it('is NPKI/<CA>/USER/<subject DN>/', () => {
    expect(npkiFolderPath('yessign', DN)).toBe(`NPKI/yessign/USER/${DN}/`);
  });

  it('replaces characters Windows and macOS do not allow in file names', () => {
    expect(npkiFolderPath('KICA', 'cn=a/b\\c:d*e?f"g<h>i|j,o=KICA,c=KR')).toBe('NPKI/KICA/USER/cn=a_b_c_d_e_f_g_h_i_j,o=KICA,c=KR/');
    expect(npkiFolderPath('..', '..')).toBe('NPKI/__/USER/__/');
    expect(npkiFolderPath('yessign', 'cn=x\u0000y.')).toBe('NPKI/yessign/USER/cn=x_y_/');
  });

  it('writes Hangul as NFC', () => {
    const decomposed = DN.normalize('NFD');
    expect(decomposed).not.toBe(DN);
    expect(npkiFolderPath('yessign', decomposed)).toBe(`NPKI/yessign/USER/${DN}/`);
  });
});

describe('writeNpkiZip', () => {
  it('round-trips through readNpkiZip', () => {
    const bytes = writeNpkiZip({ caDirectory: 'yessign', subjectDn: DN, signCert, signPri });
    const contents = readNpkiZip(bytes);
    expect(contents).toEqual({ signCert, signPri });
  });

  it('lists the NPKI path with UTF-8 names for other tools, and the PFX at the root', () => {
    const bytes = writeNpkiZip({ caDirectory: 'yessign', subjectDn: DN, signCert, signPri, pfx: { fileName: '홍길동.pfx', bytes: pfx } });
    const dir = mkdtempSync(join(tmpdir(), 'npki-zip-'));
    try {
      writeFileSync(join(dir, 'bundle.zip'), bytes);
      const script = [
        'import json, sys, zipfile',
        'z = zipfile.ZipFile(sys.argv[1])',
        'print(json.dumps([[i.filename, bool(i.flag_bits & 0x800), i.file_size] for i in z.infolist()]))',
      ].join('\n');
      const python = spawnSync('python3', ['-c', script, join(dir, 'bundle.zip')], { encoding: 'utf8' });
      if (python.error === undefined && python.status === 0) {
        const listed = JSON.parse(python.stdout) as [string, boolean, number][];
        expect(listed).toEqual(
          expect.arrayContaining([
            [`${FOLDER}signCert.der`, true, signCert.length],
            [`${FOLDER}signPri.key`, true, signPri.length],
            ['홍길동.pfx', true, pfx.length],
          ]),
        );
        expect(listed).toHaveLength(3);
      } else {
        const unzip = spawnSync('unzip', ['-l', join(dir, 'bundle.zip')], { encoding: 'utf8' });
        expect(unzip.status).toBe(0);
        expect(unzip.stdout).toContain(`${FOLDER}signCert.der`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A pair is preferred over the PFX next to it.
    expect(readNpkiZip(bytes)).toEqual({ signCert, signPri });
  });

  it('refuses a PFX name that is not .pfx/.p12', () => {
    expect(() =>
      writeNpkiZip({ caDirectory: 'yessign', subjectDn: DN, signCert, signPri, pfx: { fileName: 'key.exe', bytes: pfx } }),
    ).toThrow();
  });
});

describe('readNpkiZip', () => {
  it('finds the pair under NPKI/<CA>/USER/<DN>/', () => {
    const bytes = zip({ [`${FOLDER}signCert.der`]: signCert, [`${FOLDER}signPri.key`]: signPri, [`${FOLDER}kmCert.der`]: randomBytes(10) });
    expect(readNpkiZip(bytes)).toEqual({ signCert, signPri });
  });

  it('finds the pair at the root, names in any case, Windows separators too', () => {
    expect(readNpkiZip(zip({ 'signCert.der': signCert, 'signPri.key': signPri }))).toEqual({ signCert, signPri });
    expect(readNpkiZip(zip({ 'npki/YESSIGN/User/cn=x/SIGNCERT.DER': signCert, 'npki/yessign/user/CN=X/SignPri.Key': signPri }))).toEqual({
      signCert,
      signPri,
    });
    expect(
      readNpkiZip(zip({ 'NPKI\\yessign\\USER\\cn=x\\signCert.der': signCert, 'NPKI\\yessign\\USER\\cn=x\\signPri.key': signPri })),
    ).toEqual({
      signCert,
      signPri,
    });
  });

  it('finds a lone PFX or P12', () => {
    expect(readNpkiZip(zip({ 'export/홍길동.pfx': pfx }))).toEqual({ pfx });
    expect(readNpkiZip(zip({ 'cert.P12': pfx, 'readme.txt': randomBytes(10) }))).toEqual({ pfx });
  });

  it('ignores directories, __MACOSX and dotfiles', () => {
    const bytes = zip({
      'NPKI/': new Uint8Array(0),
      [`${FOLDER}signCert.der`]: signCert,
      [`${FOLDER}signPri.key`]: signPri,
      [`__MACOSX/${FOLDER}signCert.der`]: randomBytes(100),
      [`__MACOSX/${FOLDER}signPri.key`]: randomBytes(100),
      '.hidden/signCert.der': randomBytes(100),
      '.hidden/signPri.key': randomBytes(100),
      '.DS_Store': randomBytes(100),
      '._other.pfx': randomBytes(100),
    });
    expect(readNpkiZip(bytes)).toEqual({ signCert, signPri });
  });

  it('reports a certificate without its key as missingKey, nothing usable as missingCertificate', async () => {
    await expectCertificateError(() => readNpkiZip(zip({ [`${FOLDER}signCert.der`]: signCert })), 'missingKey', 'zip');
    await expectCertificateError(() => readNpkiZip(zip({ [`${FOLDER}signPri.key`]: signPri })), 'missingCertificate', 'zip');
    await expectCertificateError(() => readNpkiZip(zip({ 'a/signCert.der': signCert, 'b/signPri.key': signPri })), 'missingKey', 'zip');
    await expectCertificateError(() => readNpkiZip(zip({ 'readme.txt': randomBytes(10) })), 'missingCertificate', 'zip');
    await expectCertificateError(() => readNpkiZip(zip({})), 'missingCertificate', 'zip');
  });

  it('refuses several pairs or several PFX', async () => {
    const two = zip({
      'NPKI/yessign/USER/cn=a/signCert.der': signCert,
      'NPKI/yessign/USER/cn=a/signPri.key': signPri,
      'NPKI/KICA/USER/cn=b/signCert.der': signCert,
      'NPKI/KICA/USER/cn=b/signPri.key': signPri,
    });
    await expectCertificateError(() => readNpkiZip(two), 'unsupportedFile', 'zip');
    await expectCertificateError(() => readNpkiZip(zip({ 'a.pfx': pfx, 'b.p12': pfx })), 'unsupportedFile', 'zip');
    await expectCertificateError(
      () => readNpkiZip(zip({ 'x/signCert.der': signCert, 'x/SIGNCERT.DER': signCert, 'x/signPri.key': signPri })),
      'unsupportedFile',
      'zip',
    );
  });

  it('refuses a zip bomb by its declared size, before inflating it', async () => {
    const bomb = zip({ [`${FOLDER}signCert.der`]: new Uint8Array(10 * 1024 * 1024), [`${FOLDER}signPri.key`]: signPri });
    expect(bomb.length).toBeLessThan(MAX_ZIP_BYTES);
    await expectCertificateError(() => readNpkiZip(bomb), 'fileTooLarge', 'zip');
    // Ignored names count too: nothing large is accepted anywhere in the zip.
    await expectCertificateError(
      () => readNpkiZip(zip({ 'zeros.bin': new Uint8Array(10 * 1024 * 1024), 'signCert.der': signCert, 'signPri.key': signPri })),
      'fileTooLarge',
      'zip',
    );
  });

  it('refuses entries that together exceed 1 MB, even when each is small', async () => {
    const files: Record<string, Uint8Array> = { 'signCert.der': signCert, 'signPri.key': signPri };
    for (let i = 0; i < 20; i += 1) files[`filler${i}.bin`] = new Uint8Array(60 * 1024);
    await expectCertificateError(() => readNpkiZip(zip(files)), 'fileTooLarge', 'zip');
  });

  it('refuses more than 64 entries', async () => {
    const files: Record<string, Uint8Array> = { 'signCert.der': signCert, 'signPri.key': signPri };
    for (let i = 0; i < 100; i += 1) files[`f${i}.txt`] = new Uint8Array([i]);
    await expectCertificateError(() => readNpkiZip(zip(files)), 'fileTooLarge', 'zip');
  });

  it('refuses an entry whose header understates its size', async () => {
    const bytes = zip({ 'signCert.der': new Uint8Array(5 * 1024 * 1024), 'signPri.key': signPri });
    // Rewrite the central directory's uncompressed size of the first entry to 1000 bytes.
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(central).toBeGreaterThan(0);
    bytes.writeUInt32LE(1000, central + 24);
    await expectCertificateError(() => readNpkiZip(bytes), 'corruptFile', 'zip');
  });

  it('refuses random bytes, truncated zips, and oversized input', async () => {
    await expectCertificateError(() => readNpkiZip(randomBytes(5000)), 'corruptFile', 'zip');
    await expectCertificateError(() => readNpkiZip(new Uint8Array(0)), 'corruptFile', 'zip');
    const good = writeNpkiZip({ caDirectory: 'yessign', subjectDn: DN, signCert, signPri });
    await expectCertificateError(() => readNpkiZip(good.subarray(0, good.length - 30)), 'corruptFile', 'zip');
    await expectCertificateError(() => readNpkiZip(good.subarray(30)), 'corruptFile', 'zip');
    await expectCertificateError(() => readNpkiZip(Buffer.alloc(MAX_ZIP_BYTES + 1)), 'fileTooLarge', 'zip');
  });

  it('lets nothing but CertificateError escape, whatever the damage', () => {
    const good = writeNpkiZip({ caDirectory: 'yessign', subjectDn: DN, signCert, signPri, pfx: { fileName: 'a.pfx', bytes: pfx } });
    for (let i = 0; i < 300; i += 1) {
      const copy = Buffer.from(good);
      const at = (i * 7919) % copy.length;
      copy[at] = (copy[at] as number) ^ (1 + (i % 255));
      try {
        readNpkiZip(i % 2 === 0 ? copy : copy.subarray(0, at));
      } catch (error) {
        expect(error).toBeInstanceOf(CertificateError);
      }
    }
  });
});
