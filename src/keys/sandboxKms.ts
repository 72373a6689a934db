import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileOnce } from './atomicFile';
import type { KeyManagementService } from './envelopeKeyProvider';
import { sealingKeyId } from './keyProvider';

/**
 * A stand-in for a bank's KMS, for the sandbox and tests: data keys wrapped with AES-256-GCM
 * under one master key held in a file. The master key sits on the same machine as the keyring,
 * so it protects nothing a real KMS would: a deployment fills KeyManagementService with its HSM.
 */
export class SandboxKms implements KeyManagementService {
  /** `sandbox-` and the master key's id, so a keyring says which master key wrapped each data key. */
  readonly masterKeyId: string;

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError('the sandbox KMS master key must be 32 bytes');
    this.masterKeyId = `sandbox-${sealingKeyId(masterKey)}`;
  }

  /** The master key in `path` (base64), made there on first use. */
  static async fromFile(path: string): Promise<SandboxKms> {
    // An instance starting at the same time keeps the first one's key.
    await writeFileOnce(path, `${randomBytes(32).toString('base64')}\n`);
    return new SandboxKms(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64'));
  }

  async generateDataKey(masterKeyId: string): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    this.check(masterKeyId);
    const plaintext = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  async decrypt(masterKeyId: string, wrapped: Buffer): Promise<Buffer> {
    this.check(masterKeyId);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }

  private check(masterKeyId: string): void {
    if (masterKeyId !== this.masterKeyId) throw new Error(`the sandbox KMS holds ${this.masterKeyId}, not ${masterKeyId}`);
  }
}
