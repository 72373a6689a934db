import { z } from 'zod';
import type { HandoffReason } from '../../dialogs/contract/replies';

/** Enough of a ConversationReference to message the customer proactively, from any instance. */
export const ConversationReferenceSchema = z.object({
  channelId: z.string(),
  serviceUrl: z.string(),
  conversation: z.object({
    id: z.string(),
    isGroup: z.boolean().optional(),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
  }),
  bot: z.object({ id: z.string(), name: z.string().optional() }),
  user: z.object({ id: z.string(), name: z.string().optional() }),
  locale: z.string().optional(),
});
export type StoredConversationReference = z.infer<typeof ConversationReferenceSchema>;

export const HANDOFF_REASONS = ['customerAsked', 'misunderstood', 'lockout', 'error'] as const satisfies readonly HandoffReason[];

/** A conversation with, or waiting for, a person. Kept in the conversation's state document. */
export const HandoffRecordSchema = z.object({
  /** queued: waiting for our desk; withAgent: an agent of our desk has it; external: a hub accepted it. */
  status: z.enum(['queued', 'withAgent', 'external']),
  reason: z.enum(HANDOFF_REASONS),
  queuedAt: z.number(),
  agentId: z.string().optional(),
  takenAt: z.number().optional(),
  reference: ConversationReferenceSchema,
  language: z.enum(['ko', 'en']),
  journey: z.string(),
  step: z.string(),
  maskedName: z.string().optional(),
});
export type HandoffRecord = z.infer<typeof HandoffRecordSchema>;
