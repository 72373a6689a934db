import { KeyObject, X509Certificate, sign, verify } from 'node:crypto';
import forge from 'node-forge';
import type { RevocationReason } from './caLedger';
import { REVOCATION_REASONS } from './caLedger';
import { bufferOf } from '../bufferOf';
import { algorithmIdentifier, bitString, contextSpecific, oidNode, octetString, parseDer, seq, toDer } from '../npki/der';
import { OID } from '../npki/oids';
import { keyIdentifier, subjectNameOf } from './x509Building';

const { asn1 } = forge;

/** Serials compare as lower-case hex without leading zero bytes, whoever printed them. */
export function normalizeSerial(hex: string): string {
  const digits = hex.toLowerCase().replace(/^(00)+/, '');
  return digits.length % 2 === 0 ? digits : `0${digits}`;
}

export interface RevokedEntry {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason?: RevocationReason;
}

export interface CrlInput {
  readonly issuerCertificate: Buffer;
  readonly issuerKey: KeyObject;
  readonly revoked: readonly RevokedEntry[];
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly crlNumber: number;
}

/** A v2 CRL signed with sha256WithRSA (node-forge has no CRL support, so the DER is built here). */
export function buildCrl(input: CrlInput): Buffer {
  const issuer = new X509Certificate(input.issuerCertificate);
  const entries = input.revoked.map((entry) =>
    seq([
      integer(Buffer.from(normalizeSerial(entry.serialNumber), 'hex')),
      utcTime(entry.revokedAt),
      ...(entry.reason === undefined ? [] : [seq([extension(OID.crlReason, enumerated(REVOCATION_REASONS[entry.reason]))])]),
    ]),
  );
  const tbs = seq([
    integer(Buffer.from([1])), // v2
    algorithmIdentifier(OID.sha256WithRsa, null),
    subjectNameOf(input.issuerCertificate),
    utcTime(input.thisUpdate),
    utcTime(input.nextUpdate),
    ...(entries.length > 0 ? [seq(entries)] : []),
    contextSpecific(0, [
      seq([
        extension(
          OID.authorityKeyIdentifier,
          seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, keyIdentifier(issuer.publicKey).toString('binary'))]),
        ),
        extension(OID.crlNumber, integer(uintBytes(input.crlNumber))),
      ]),
    ]),
  ]);
  const tbsDer = toDer(tbs);
  const signature = sign('sha256', tbsDer, input.issuerKey);
  const crl = seq([tbs, algorithmIdentifier(OID.sha256WithRsa, null), bitString(signature)]);
  return bufferOf(toDer(crl));
}

export interface ParsedCrl {
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
}

/**
 * Reads a CRL and checks that `issuer` signed it. Returns undefined when the CRL is not the
 * issuer's or does not parse; a CRL we cannot trust must not decide anything.
 */
export function readCrl(der: Buffer, issuer: X509Certificate): ParsedCrl | undefined {
  try {
    const crl = parseDer(der);
    const [tbs, signatureAlgorithm, signatureValue] = crl.value as forge.asn1.Asn1[];
    if (tbs === undefined || signatureAlgorithm === undefined || signatureValue === undefined) return undefined;
    const algorithmOid = asn1.derToOid((signatureAlgorithm.value as forge.asn1.Asn1[])[0]?.value as string);
    const hash = algorithmOid === OID.sha256WithRsa ? 'sha256' : algorithmOid === OID.sha1WithRsa ? 'sha1' : undefined;
    if (hash === undefined) return undefined;
    const tbsDer = toDer(tbs);
    const signature = Buffer.from((signatureValue.value as string).slice(1), 'binary');
    if (!verify(hash, tbsDer, issuer.publicKey, signature)) return undefined;

    const fields = tbs.value as forge.asn1.Asn1[];
    const times = fields.filter((f) => f.type === asn1.Type.UTCTIME || f.type === asn1.Type.GENERALIZEDTIME).map(toDate);
    const revokedList = fields.find((f) => f.tagClass === asn1.Class.UNIVERSAL && f.type === asn1.Type.SEQUENCE && isRevokedList(f));
    const revoked = new Map<string, RevokedEntry>();
    for (const entry of (revokedList?.value as forge.asn1.Asn1[] | undefined) ?? []) {
      const [serial, date] = entry.value as forge.asn1.Asn1[];
      if (serial === undefined || date === undefined) continue;
      const serialNumber = normalizeSerial(forge.util.bytesToHex(serial.value as string));
      revoked.set(serialNumber, { serialNumber, revokedAt: toDate(date) });
    }
    const thisUpdate = times[0];
    if (thisUpdate === undefined) return undefined;
    return { thisUpdate, nextUpdate: times[1], revoked };
  } catch {
    return undefined;
  }
}

function isRevokedList(node: forge.asn1.Asn1): boolean {
  const first = (node.value as forge.asn1.Asn1[])[0];
  const firstOfFirst = Array.isArray(first?.value) ? (first.value as forge.asn1.Asn1[])[0] : undefined;
  return firstOfFirst?.type === asn1.Type.INTEGER;
}

function toDate(node: forge.asn1.Asn1): Date {
  return node.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(node.value as string) : asn1.generalizedTimeToDate(node.value as string);
}

const enumerated = (value: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(value));
const utcTime = (date: Date) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date));
const extension = (oid: string, value: forge.asn1.Asn1) => seq([oidNode(oid), octetString(toDer(value))]);

/** A DER INTEGER of unsigned bytes (a 0x00 is prepended when the high bit is set). */
function integer(bytes: Buffer): forge.asn1.Asn1 {
  const positive = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, positive.toString('binary'));
}

function uintBytes(value: number): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
}
