import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logging/logger';
import type { ClientAuth } from './clientAuth';
import { mayPostAs } from './clientAuth';
import { conversationAccess } from './clientRoutes';
import { guarded, sendError } from './directLineErrors';
import { ClientActivity, UserId } from './directLineSchemas';
import type { DirectLineService } from './directLineService';
import { MAX_ZIP_BYTES } from '../certificates/npki/npkiBundle';

export interface UploadRouteDependencies {
  readonly service: DirectLineService;
  readonly auth: ClientAuth;
  readonly logger: Logger;
  /** The whole request, files and all (MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
}

/** The largest file the bot takes (a zipped NPKI folder); certificate files are a few KB. */
const MAX_FILE_BYTES = MAX_ZIP_BYTES;
const MAX_TEMPLATE_BYTES = 64 * 1024;
const MAX_FILES = 10;

interface UploadedFile {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

type Multipart =
  | { readonly ok: true; readonly template?: string; readonly files: UploadedFile[] }
  | { readonly ok: false; readonly code: 'PayloadTooLarge' | 'BadArgument' | 'UnsupportedMediaType' };

/**
 * POST /v3/directline/conversations/:id/upload?userId=: multipart/form-data with an optional
 * `activity` part (the message, as JSON) and the files, which reach the bot as attachments
 * with `data:` URIs. The only route that reads multipart: busboy reads the stream in memory,
 * within the size limits, once the token is checked (never formidable, which writes customers'
 * key files to a temporary folder and keeps only the last of several parts named `file`, as
 * directlinejs names them all).
 */
export function registerUploadRoute(server: Server, deps: UploadRouteDependencies): void {
  server.post(
    '/v3/directline/conversations/:conversationId/upload',
    guarded(deps.logger, (req, res) => upload(req, res, deps)),
  );
}

async function upload(req: Request, res: Response, deps: UploadRouteDependencies): Promise<void> {
  // A refusal may leave the body unread; closing the connection means it is never read at all.
  res.setHeader('connection', 'close');
  const granted = await conversationAccess(req, res, deps);
  if (granted === undefined) return;
  if (Number(req.headers['content-length'] ?? 0) > deps.maxBodyBytes) return sendError(res, 'PayloadTooLarge');
  const parsed = await readMultipart(req, deps.maxBodyBytes);
  if (!parsed.ok) return sendError(res, parsed.code);
  const template = parseTemplate(parsed.template);
  if (template === undefined) return sendError(res, 'BadArgument', 'activity part');
  const userId = new URL(req.url ?? '', 'http://upload').searchParams.get('userId') ?? undefined;
  if (userId !== undefined && !UserId.safeParse(userId).success) return sendError(res, 'BadArgument', 'userId');
  const from = (template.from ?? {}) as Record<string, unknown>;
  const defaultUser = granted.principal.kind === 'token' ? granted.principal.claims.userId : undefined;
  const activity = ClientActivity.safeParse({
    ...template,
    type: template.type ?? 'message',
    from: { ...from, id: userId ?? from.id ?? defaultUser },
    attachments: parsed.files.map((file) => ({
      contentType: file.contentType,
      name: file.name,
      contentUrl: `data:${file.contentType};base64,${file.bytes.toString('base64')}`,
    })),
  });
  if (!activity.success) return sendError(res, 'BadArgument', 'activity');
  if (!mayPostAs(granted.principal, activity.data.from.id)) return sendError(res, 'Forbidden', 'userId does not match the token');
  res.send(200, { id: await deps.service.post(granted.conversation, activity.data) });
}

function readMultipart(req: IncomingMessage, maxBodyBytes: number): Promise<Multipart> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: MAX_FILES, fileSize: MAX_FILE_BYTES, fields: 4, parts: MAX_FILES + 4, fieldSize: MAX_TEMPLATE_BYTES },
    });
  } catch {
    return Promise.resolve({ ok: false, code: 'UnsupportedMediaType' });
  }
  return new Promise((resolve) => {
    const files: UploadedFile[] = [];
    let template: string | undefined;
    let settled = false;
    const settle = (outcome: Multipart): void => {
      if (settled) return;
      settled = true;
      if (!outcome.ok) req.unpipe(parser);
      resolve(outcome);
    };
    const tooLarge = () => settle({ ok: false, code: 'PayloadTooLarge' });
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) tooLarge();
    });
    // A client that goes away mid-upload must not leave this waiting.
    req.on('close', () => {
      if (!req.complete) settle({ ok: false, code: 'BadArgument' });
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', tooLarge);
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // directlinejs sends the activity as a Blob part, which arrives as a file named "blob".
        if (name === 'activity') template = bytes.length <= MAX_TEMPLATE_BYTES ? bytes.toString('utf8') : (tooLarge(), undefined);
        else files.push({ name: fileName(info.filename), contentType: mediaType(info.mimeType), bytes });
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) tooLarge();
      else if (name === 'activity') template = value;
    });
    parser.on('filesLimit', tooLarge);
    parser.on('partsLimit', tooLarge);
    parser.on('fieldsLimit', tooLarge);
    parser.on('error', () => settle({ ok: false, code: 'BadArgument' }));
    parser.on('close', () => settle({ ok: true, template, files }));
    req.pipe(parser);
  });
}

function parseTemplate(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The file's own name, without a client's folders or control characters; the bot tells kinds apart by it. */
function fileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  return base.replace(/\p{Cc}/gu, '').slice(0, 255) || 'file';
}

/** A plain `type/subtype`, so it cannot break the `data:` URI it is written into. */
function mediaType(type: string | undefined): string {
  return /^[\w.+-]{1,64}\/[\w.+-]{1,64}$/.test(type ?? '') ? (type as string) : 'application/octet-stream';
}
