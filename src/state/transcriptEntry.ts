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
  card: z.literal('facts').optional(),
  button: z.object({ key: z.string(), param: z.string() }).optional(),
});

/** One line of a conversation as kept for agents: customers' words already redacted, the bot's as reply keys. */
export const TranscriptEntrySchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('customer'), text: z.string(), at: z.number() }),
  z.object({ from: z.literal('bot'), replies: z.array(ReplySchema), at: z.number() }),
  z.object({ from: z.literal('agent'), text: z.string(), at: z.number(), agentId: z.string() }),
  /** `reference`: the number our apology gave the customer, so an agent can find the failure in the logs. */
  z.object({
    from: z.literal('system'),
    key: z.string(),
    at: z.number(),
    agentId: z.string().optional(),
    reference: z.string().optional(),
  }),
]);
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;
