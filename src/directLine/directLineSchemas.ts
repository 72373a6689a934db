import { z } from 'zod';

/**
 * Everything a Direct Line client, the bank's backend or the bot's connector sends us, checked
 * once here at the edge; the service below trusts what these produce.
 */

/** Our own conversation ids: random base64url (see directLineService). */
export const ConversationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Printable, bounded: user ids end up in state keys and logs. */
export const UserId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^\P{Cc}+$/u, 'control characters');

const Locale = z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/);

/** `?watermark=` as directlinejs sends it: empty before the first activity, else a number we gave. */
export const Watermark = z
  .union([z.undefined(), z.literal(''), z.string().regex(/^\d{1,15}$/)])
  .transform((value) => (value === undefined || value === '' ? 0 : Number(value)));

/**
 * The customer the bank's app signed in, as its backend vouches for them (issue I): the name, the
 * 주민등록번호 and the phone on file, as text, read by the identity parsers where the route takes them.
 */
export const AppCustomerClaims = z.object({
  name: z.string().trim().min(1).max(40),
  rrn: z.string().max(40),
  phone: z.string().max(40),
  carrier: z.string().max(40),
});
export type AppCustomerClaims = z.infer<typeof AppCustomerClaims>;

/**
 * POST /tokens/generate, from the bank's backend: the user id the token binds is required; with
 * it the signed-in customer, and how long the app's session has left (no token outlives it).
 */
export const TokenRequest = z.object({
  user: z.object({ id: UserId, name: z.string().max(256).optional() }),
  customer: AppCustomerClaims.optional(),
  sessionSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 24 * 3600)
    .optional(),
});

/** POST /tokens/revoke, from the bank's backend (its customer signed out): the conversation it generated. */
export const RevokeRequest = z.object({ conversationId: ConversationId });

/** POST /conversations: directlinejs sends `{ user: { id? }, locale? }`; a token's own user wins. */
export const StartRequest = z
  .object({ user: z.object({ id: UserId.optional(), name: z.string().max(256).optional() }).optional(), locale: Locale.optional() })
  .optional();

/** POST /directline/dev-token (local trials only). */
export const DevTokenRequest = z.object({ userId: UserId.optional() }).optional();

/**
 * Attachments arrive inline (`data:` URIs) or not at all: the bot never fetches them, and answers
 * that certificate files are chosen on the secure page.
 */
const Attachment = z.object({
  contentType: z.string().max(256),
  contentUrl: z.string().startsWith('data:').optional(),
  name: z.string().max(256).optional(),
  content: z.unknown().optional(),
});

/** What a customer's page may post: the fields a channel lets a user set, nothing that addresses the bot. */
export const ClientActivity = z.object({
  type: z.enum(['message', 'event', 'typing']),
  from: z.object({ id: UserId, name: z.string().max(256).optional() }),
  text: z.string().max(4096).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: Locale.optional(),
  name: z.string().max(256).optional(),
  value: z.unknown().optional(),
  attachments: z.array(Attachment).max(10).optional(),
  channelData: z.record(z.unknown()).optional(),
  entities: z.array(z.record(z.unknown())).max(20).optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  replyToId: z.string().max(512).optional(),
});
export type ClientActivity = z.infer<typeof ClientActivity>;

/** What the bot's connector client posts (an activity of the bot's own making). */
export const ConnectorActivity = z.object({ type: z.string().min(1).max(64) }).passthrough();
export type ConnectorActivity = z.infer<typeof ConnectorActivity>;

/** `<conversationId>|<sequence>`, as we number activities. */
export const ActivityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}\|\d{7,15}$/);
