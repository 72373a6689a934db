/** A secure step's link as the bot gives it (`secureStep.open.<kind>`): `<SECURE_ORIGIN>/secure/<ticket>`. */
export interface SecureLink {
  readonly url: string;
  readonly origin: string;
  readonly ticket: string;
}

// A ticket is 32 random bytes in base64url: 43 characters.
const LINK = /https?:\/\/[^\s/"'<>]+\/secure\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g;

/** The secure steps' links in a text (a reply's text, a card's text or button). */
export function secureLinksIn(text: string): SecureLink[] {
  return [...text.matchAll(LINK)].flatMap((match) => {
    try {
      const url = new URL(match[0]);
      return [{ url: url.href, origin: url.origin, ticket: match[1] ?? '' }];
    } catch {
      return [];
    }
  });
}

/** The paths after `/attach`: separated by spaces; a path with spaces goes in quotes. */
export function attachedPaths(line: string): string[] {
  return [...line.replace(/^\/attach\b/, '').matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}
