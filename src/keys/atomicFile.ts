import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Key files are written to a file of their own first and then moved into place, so a reader
 * (another instance starting) never sees half a file. Only the owner may read them.
 */
async function staged(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const staging = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(staging, text, { mode: 0o600, flag: 'wx' });
  return staging;
}

/** Writes `text` to `path` unless the file exists; false when it did (another process was first). */
export async function writeFileOnce(path: string, text: string): Promise<boolean> {
  const staging = await staged(path, text);
  try {
    // link, unlike rename, fails when the file exists.
    await link(staging, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(staging, { force: true });
  }
}

/** Replaces `path` with `text` in one step. */
export async function replaceFile(path: string, text: string): Promise<void> {
  await rename(await staged(path, text), path);
}
