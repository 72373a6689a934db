import { Activity, ActivityTypes } from 'botbuilder';
import { z } from 'zod';

const KNOWN_TYPES = new Set<string>(Object.values(ActivityTypes));

const Account = z.object({ id: z.string().min(1).max(512) }).passthrough();

/**
 * The least an activity must carry for us to handle it. Everything else is left to botbuilder,
 * but a request failing this never reaches the adapter or the bot.
 */
const IncomingActivity = z
  .object({
    type: z.string().refine((t) => KNOWN_TYPES.has(t), 'unknown activity type'),
    id: z.string().max(512).optional(),
    channelId: z.string().min(1).max(128),
    serviceUrl: z.string().url().max(2048),
    conversation: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    from: Account,
    recipient: Account.optional(),
    text: z.string().max(4096).optional(),
    // What the bot reads of an attachment must be what it expects: a URL and a file name as text.
    attachments: z
      .array(
        z
          .object({ contentType: z.string().max(256), contentUrl: z.string().optional(), name: z.string().max(512).optional() })
          .passthrough(),
      )
      .max(10)
      .optional(),
    membersAdded: z.array(Account).max(50).optional(),
    membersRemoved: z.array(Account).max(50).optional(),
    deliveryMode: z.string().max(32).optional(),
  })
  .passthrough();

export type ParsedActivity = { ok: true; activity: Activity } | { ok: false; problem: string };

export function parseIncomingActivity(body: unknown): ParsedActivity {
  const parsed = IncomingActivity.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: issue === undefined ? 'invalid activity' : `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  return { ok: true, activity: parsed.data as unknown as Activity };
}
