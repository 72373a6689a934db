import { KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A CA's certificate and key as held in memory. */
export interface CaMaterial {
  readonly certificate: Buffer; // DER
  readonly key: KeyObject;
}

export interface CaMaterialSet {
  readonly root: CaMaterial;
  readonly issuing: CaMaterial;
}

const FILES = ['root.crt', 'root.key', 'issuing.crt', 'issuing.key'] as const;

/**
 * Loads a CA's root and issuing pair from a folder (PEM or DER), or creates them once and keeps
 * them there, so a restart issues under the same CA. Several processes starting together are
 * safe: the set is written to a temporary folder and renamed into place; a loser loads the winner's.
 */
export async function loadOrCreateCaMaterial(folder: string, create: () => Promise<CaMaterialSet>): Promise<CaMaterialSet> {
  const existing = await loadCaMaterial(folder);
  if (existing !== undefined) return existing;
  const created = await create();
  await mkdir(dirname(folder), { recursive: true });
  const staging = await mkdtemp(`${folder}.tmp-`);
  const contents: Record<(typeof FILES)[number], string> = {
    'root.crt': pem('CERTIFICATE', created.root.certificate),
    'root.key': created.root.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'issuing.crt': pem('CERTIFICATE', created.issuing.certificate),
    'issuing.key': created.issuing.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  for (const file of FILES) await writeFile(join(staging, file), contents[file], { mode: file.endsWith('.key') ? 0o600 : 0o644 });
  try {
    await rename(staging, folder);
    return created;
  } catch {
    await rm(staging, { recursive: true, force: true });
    const winner = await loadCaMaterial(folder);
    if (winner === undefined) throw new Error(`CA folder ${folder} exists but is incomplete`);
    return winner;
  }
}

async function loadCaMaterial(folder: string): Promise<CaMaterialSet | undefined> {
  const read = async (file: string) => readFile(join(folder, file)).catch(() => undefined);
  const [rootCrt, rootKey, issuingCrt, issuingKey] = await Promise.all(FILES.map(read));
  if (rootCrt === undefined && rootKey === undefined && issuingCrt === undefined && issuingKey === undefined) return undefined;
  if (rootCrt === undefined || rootKey === undefined || issuingCrt === undefined || issuingKey === undefined) {
    throw new Error(`CA folder ${folder} is incomplete: it needs ${FILES.join(', ')}`);
  }
  return {
    root: { certificate: certificateDer(rootCrt), key: privateKey(rootKey) },
    issuing: { certificate: certificateDer(issuingCrt), key: privateKey(issuingKey) },
  };
}

/** PEM or DER in, DER out; X509Certificate rejects anything else. */
export function certificateDer(bytes: Buffer): Buffer {
  return Buffer.from(new X509Certificate(bytes).raw);
}

function privateKey(bytes: Buffer): KeyObject {
  const isPem = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN');
  return isPem ? createPrivateKey(bytes) : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
