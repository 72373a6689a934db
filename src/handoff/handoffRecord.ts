import { z } from 'zod';

/** What a reply looks like when kept (transcripts, the question to resume at): keys, never sentences. */
const ReplyParamSchema = z.union([z.string(), z.number(), z.object({ key: z.string() })]);
export const ReplySchema = z.object({
  key: z.string(),
  params: z.record(ReplyParamSchema).optional(),
  choices: z
    .array(z.union([z.string(), z.object({ key: z.string(), params: z.record(ReplyParamSchema), value: z.string() })]))
    .readonly()
    .optional(),
  asks: z.enum(['password', 'files']).optional(),
  card: z.literal('facts').optional(),
  button: z.object({ key: z.string(), param: z.string() }).optional(),
});

/** One line of a conversation as kept for agents: customers' words already redacted, the bot's as reply keys. */
export const TranscriptEntrySchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('customer'), text: z.string(), at: z.number() }),
  z.object({ from: z.literal('bot'), replies: z.array(ReplySchema), at: z.number() }),
  z.object({ from: z.literal('agent'), text: z.string(), at: z.number(), agentId: z.string() }),
  /** `reference`: the number our apology gave the customer, so an agent can find the failure in the logs. */
  z.object({ from: z.literal('system'), key: z.string(), at: z.number(), agentId: z.string().optional(), reference: z.string().optional() }),
]);
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

/** Enough of a ConversationReference to message the customer proactively, from any instance. */
export const ConversationReferenceSchema = z.object({
  channelId: z.string(),
  serviceUrl: z.string(),
  conversation: z.object({ id: z.string(), isGroup: z.boolean().optional(), conversationType: z.string().optional(), tenantId: z.string().optional() }),
  bot: z.object({ id: z.string(), name: z.string().optional() }),
  user: z.object({ id: z.string(), name: z.string().optional() }),
  locale: z.string().optional(),
});
export type StoredConversationReference = z.infer<typeof ConversationReferenceSchema>;

export const HANDOFF_REASONS = ['customerAsked', 'misunderstood', 'lockout', 'error'] as const;

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
  /** The question the customer was answering, shown again when the flow resumes. */
  resumePrompt: z.array(ReplySchema),
});
export type HandoffRecord = z.infer<typeof HandoffRecordSchema>;

/** How an agent ends a conversation: back to the flow's step, back to the menu, or closed. */
export type HandBackMode = 'resume' | 'menu' | 'close';
