import { ASTERISKS, redactDigitRuns, redactFreeText } from '../identity/freeTextRedaction';

/**
 * What the Direct Line log keeps of an activity: what it said with its secrets masked.
 *
 * The log (`directline:{id}:log`) rests in Redis and is replayed to any client that reads the
 * history. It must not hold a working secure-step link (`/secure/<ticket>`), or a 주민등록번호,
 * phone number, code or password the customer typed anyway. The customer still needs the live
 * link once, so the channel keeps two copies apart:
 * - live: the activity as sent goes out at once on the conversation's stream (the feed carries it
 *   to whichever instance holds the socket; pub/sub keeps nothing);
 * - stored: the log gets this copy, and everything read from the log is it: history replayed on a
 *   reconnect or reload, and what a polling client gets (`GET …/activities`).
 * So a reloaded Web Chat shows the masked history and a dead link, which is safer; a client that
 * only polls gets the masked copy too (our chat page streams).
 */

/** Secure-step links (`/secure/<ticket>`): the ticket is the secret, the rest of the URL is not. */
const SECURE_TICKET = /(\/secure\/)[\w-]{20,}/g;
const USED_TICKET = 'delivered';

/** The fields that say something; addressing, ids and channelData (Web Chat's echo key) are left as they are. */
const CONTENT_FIELDS = ['text', 'speak', 'summary', 'attachments', 'suggestedActions', 'value'] as const;

/** The customer's activity as logged: their text as free text, the rest like the bot's. */
export function loggedCustomerActivity(activity: Record<string, unknown>): Record<string, unknown> {
  const logged = loggedBotActivity(activity);
  return typeof activity.text === 'string' ? { ...logged, text: redactFreeText(withoutLinks(activity.text), ASTERISKS) } : logged;
}

/** The bot's activity as logged: links without their token, digit runs masked, everywhere in what it says (cards included). */
export function loggedBotActivity(activity: Record<string, unknown>): Record<string, unknown> {
  const logged = { ...activity };
  for (const field of CONTENT_FIELDS)
    if (field in logged) logged[field] = everyString(logged[field], (text) => redactDigitRuns(withoutLinks(text), ASTERISKS));
  return logged;
}

/** First, so that no part of a token is left for the other masks to split. */
function withoutLinks(text: string): string {
  return text.replace(SECURE_TICKET, `$1${USED_TICKET}`);
}

function everyString(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((item) => everyString(item, change));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, everyString(item, change)]));
  return value;
}
