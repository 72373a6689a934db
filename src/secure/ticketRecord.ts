import { z } from 'zod';
import type { SecureStepSpec } from '../../dialogs/contract/secure';
import { otpChallengeSchema } from '../identity/oneTimePassword';
import { VerifiedIdentitySchema } from '../identity/sealedIdentity';
import { ConversationReferenceSchema } from '../state/handoffRecord';

const CertificateTypeSchema = z.enum(['personalBanking', 'personalGeneral']);

/** The certificate a reissue or renewal replaces. */
const ReplacementSchema = z.object({
  mode: z.enum(['renewal', 'reissue']),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.enum(['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation']),
  notAfter: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/** The step a ticket is for, as the flow asked for it. */
const StepSpecSchema = z.object({
  kind: z.enum(['identity', 'additional', 'issuance', 'registration', 'renewal']),
  journey: z.string().min(1).max(100),
  certificateType: CertificateTypeSchema.optional(),
  replaces: ReplacementSchema.optional(),
}) satisfies z.ZodType<SecureStepSpec>;

/**
 * Renewal, once the current key was proven: the certificate it renews, as the registry knows it
 * (its owner, kind and serial), and what the new one replaces; revoked when the new one is delivered.
 */
const RenewingSchema = z.object({
  customerId: z.string().min(1).max(200),
  certificateType: CertificateTypeSchema,
  serialNumber: z.string().min(1).max(200),
  replaces: ReplacementSchema,
});

/** Where the step's outcome goes: the conversation's state, and how to reach the customer without a message of theirs. */
const ConversationSchema = z.object({
  address: z.object({ conversationKey: z.string(), transcriptKey: z.string(), userKey: z.string() }),
  reference: ConversationReferenceSchema,
  language: z.enum(['ko', 'en']),
});
export type SecureConversation = z.infer<typeof ConversationSchema>;

const ConsentTermSchema = z.object({
  id: z.enum(['personalData', 'uniqueIdentifier', 'phoneVerification', 'fee']),
  version: z.string().min(1).max(20),
});

/** The certificate the CA issued for this ticket's registration, as its notice told the RA: public facts only. */
const IssuedSchema = z.object({
  /** The CA's reference number: the issuance journal's key, to confirm its delivery or abandon it. */
  referenceNumber: z.string().min(1).max(200),
  serialNumber: z.string().min(1).max(200),
  notBefore: z.string(),
  notAfter: z.string(),
  ca: z.string(),
  type: z.enum(['personalBanking', 'personalGeneral']),
  maskedName: z.string(),
});

/** How a ticket ended; only the first ending counts (it alone delivers). */
export const ENDINGS = ['completed', 'failed', 'cancelled', 'expired', 'replaced'] as const;
export type Ending = (typeof ENDINGS)[number];

/**
 * One secure step's ticket, kept sealed under the SHA-256 of the ticket (docs/secure-step.md).
 * Everything personal in it is sealed or masked already; the record as a whole is sealed again.
 */
export const TicketRecordSchema = z.object({
  conversation: ConversationSchema,
  step: StepSpecSchema,
  /** Whom the RA knows already (the flow's verified identity, or the app's claims). */
  customer: VerifiedIdentitySchema.optional(),
  createdAt: z.number(),
  /** The ticket works until then; a redeemed ticket keeps it. */
  expiresAt: z.number(),
  /** Registration and renewal: the nonce the device signs (base64, 32 bytes). */
  challenge: z.string().optional(),
  /** SHA-256 (hex) of the cookie the ticket was redeemed with. */
  session: z.string().optional(),
  consents: z.array(ConsentTermSchema),
  wrongPasswords: z.number().int().min(0),
  /** 본인 인증 and 추가 인증: the code outstanding, and (본인 인증) who is being verified. */
  code: z.object({ challenge: otpChallengeSchema, applicant: VerifiedIdentitySchema }).optional(),
  /** Renewal: the current key was proven. */
  proven: z.boolean().optional(),
  /** Renewal: what the proof showed is renewed (the owner a renewal by key learns from it). */
  renewing: RenewingSchema.optional(),
  /** Issuance and renewal: what the CA was asked for and what it issued; `savedSerial` once the device kept the files. */
  issuance: z
    .object({
      referenceNumbers: z.array(z.string()),
      issued: IssuedSchema.optional(),
      savedSerial: z.string().optional(),
    })
    .optional(),
  ended: z.enum(ENDINGS).optional(),
});
export type TicketRecord = z.infer<typeof TicketRecordSchema>;
export type IssuedRecord = z.infer<typeof IssuedSchema>;
export type RenewingRecord = z.infer<typeof RenewingSchema>;

/**
 * The step as it stands: a renewal by key (the flow knew neither the customer nor the certificate)
 * learns the kind of certificate and what it replaces from the proof; the consents, the fee, the
 * view and the CA's authorisation follow from that.
 */
export function stepOf(record: TicketRecord): SecureStepSpec {
  const { step, renewing } = record;
  if (renewing === undefined) return step;
  return { ...step, certificateType: step.certificateType ?? renewing.certificateType, replaces: step.replaces ?? renewing.replaces };
}
