import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { replaceFile, writeFileOnce } from './atomicFile';
import type { WrappedKeyring, WrappedKeyStore } from './envelopeKeyProvider';

const KeyringFile = z.object({
  version: z.literal(1),
  current: z.string().min(1),
  keys: z
    .array(
      z.object({
        id: z.string().min(1),
        masterKeyId: z.string().min(1),
        wrapped: z.string().min(1),
        createdAt: z.string(),
      }),
    )
    .min(1),
});

/** The wrapped data keys in a JSON file (KEYRING_FILE), on a volume every instance shares. */
export class WrappedKeyFile implements WrappedKeyStore {
  constructor(private readonly path: string) {}

  async read(): Promise<WrappedKeyring | undefined> {
    const text = await readFile(this.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) return undefined;
    const parsed = KeyringFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path} is not a keyring: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    const { current, keys } = parsed.data;
    return { current, keys: keys.map((key) => ({ ...key, wrapped: Buffer.from(key.wrapped, 'base64') })) };
  }

  async initialize(first: WrappedKeyring): Promise<WrappedKeyring> {
    if (await writeFileOnce(this.path, text(first))) return first;
    const winner = await this.read();
    if (winner === undefined) throw new Error(`${this.path} vanished while it was being created`);
    return winner;
  }

  async replace(keyring: WrappedKeyring): Promise<void> {
    await replaceFile(this.path, text(keyring));
  }
}

function text(keyring: WrappedKeyring): string {
  const file: z.infer<typeof KeyringFile> = {
    version: 1,
    current: keyring.current,
    keys: keyring.keys.map((key) => ({ ...key, wrapped: key.wrapped.toString('base64') })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
