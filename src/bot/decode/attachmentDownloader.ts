import type { Activity } from 'botbuilder';

/** Largest upload we read: a zip of an NPKI folder; single files are checked against 64 KB later. */
const MAX_DOWNLOAD_BYTES = 256 * 1024;
const DOWNLOAD_TIMEOUT_MS = 5_000;

/**
 * Channels deliver uploads as a `contentUrl` on their own servers. We fetch only from the
 * channel's own origin (its serviceUrl) or hosts configured as allowed, with a size and time limit,
 * and hand the bytes on as `data:` URIs; anything else is left unread (and refused later).
 */
export class AttachmentDownloader {
  constructor(
    private readonly allowedHosts: readonly string[],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async inline(activity: Activity): Promise<Activity> {
    const attachments = activity.attachments ?? [];
    if (attachments.length === 0) return activity;
    const channelOrigin = parse(activity.serviceUrl)?.origin;
    const inlined = await Promise.all(
      attachments.map(async (attachment) => {
        const url = attachment.contentUrl ?? '';
        const target = parse(url);
        if (url.startsWith('data:') || target === undefined) return attachment;
        // Same origin, not just host: a loopback serviceUrl must not open every local port.
        if (target.origin !== channelOrigin && !this.allowedHosts.includes(target.hostname.toLowerCase()))
          return { ...attachment, contentUrl: undefined };
        const bytes = await this.download(url);
        return {
          ...attachment,
          contentUrl: bytes === undefined ? undefined : `data:application/octet-stream;base64,${bytes.toString('base64')}`,
        };
      }),
    );
    return { ...activity, attachments: inlined } as Activity;
  }

  private async download(url: string): Promise<Buffer | undefined> {
    try {
      const response = await this.fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'error' });
      if (!response.ok || response.body === null) return undefined;
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > MAX_DOWNLOAD_BYTES) return undefined;
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    } catch {
      return undefined;
    }
  }
}

function parse(url: string | undefined): URL | undefined {
  try {
    const parsed = new URL(url ?? '');
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
