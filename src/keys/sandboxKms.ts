import { randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal } from './aesGcm';
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
    return { plaintext, wrapped: gcmSeal(this.masterKey, plaintext) };
  }

  async decrypt(masterKeyId: string, wrapped: Buffer): Promise<Buffer> {
    this.check(masterKeyId);
    return gcmOpen(this.masterKey, wrapped);
  }

  private check(masterKeyId: string): void {
    if (masterKeyId !== this.masterKeyId) throw new Error(`the sandbox KMS holds ${this.masterKeyId}, not ${masterKeyId}`);
  }
}
