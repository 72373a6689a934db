import type { Next, Request, RequestHandler, Response } from 'restify';

/**
 * Deeper than any activity a channel or our own cards produce (about 10 levels), far below what
 * would exhaust the stack of the code that walks a parsed body (thousands).
 */
const MAX_JSON_DEPTH = 32;

/** Enough for bodies of a few short fields, such as the agent desk's (a 2,000-character reply escaped as \uXXXX is 12 KB). */
export const FORM_BODY_BYTES = 32 * 1024;

type Refusal = {
  readonly status: 400 | 413 | 415;
  readonly code: 'BadArgument' | 'PayloadTooLarge' | 'UnsupportedMediaType';
  readonly message: string;
};

/**
 * The body parser of a route that takes JSON, placed before its own handler: the parsed body
 * lands in `req.body`. Reads in memory, never to disk, and only `application/json` (415 before
 * reading anything else); over `maxBytes`, declared or streamed, is 413; malformed JSON, or JSON
 * nested deeper than MAX_JSON_DEPTH, is 400. A request without a body (RFC 9112 §6.3: neither
 * Content-Length nor Transfer-Encoding, or a length of 0) passes with `req.body` undefined, for
 * the route's own schema to judge. Refusals use Bot Framework's ErrorResponse shape.
 */
export function jsonBody(maxBytes: number): RequestHandler {
  return (req: Request, res: Response, next: Next): void => {
    const refuse = ({ status, code, message }: Refusal): void => {
      res.send(status, { error: { code, message } });
      next(false);
    };
    req.body = undefined;
    if (!hasBody(req)) return next();
    if (req.getContentType() !== 'application/json')
      return refuse({ status: 415, code: 'UnsupportedMediaType', message: 'application/json required' });
    // Compressed bodies would make maxBytes meaningless before inflating; no channel sends them.
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
      return refuse({ status: 415, code: 'UnsupportedMediaType', message: 'content-encoding not supported' });
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) return refuseTooLarge(res, refuse);
    // readBody never rejects: an aborted or oversized body is one of its outcomes.
    void readBody(req, maxBytes).then((read) => {
      if (read === 'aborted') return next(false);
      if (read === 'tooLarge') return refuseTooLarge(res, refuse);
      if (read.length === 0) return next();
      const text = read.toString('utf8');
      if (depthExceeds(text, MAX_JSON_DEPTH))
        return refuse({ status: 400, code: 'BadArgument', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
      try {
        req.body = JSON.parse(text);
      } catch {
        return refuse({ status: 400, code: 'BadArgument', message: 'malformed JSON' });
      }
      next();
    });
  };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The rest of an oversized body is not worth reading: the connection closes after the answer. */
function refuseTooLarge(res: Response, refuse: (refusal: Refusal) => void): void {
  res.setHeader('connection', 'close');
  refuse({ status: 413, code: 'PayloadTooLarge', message: 'body too large' });
}

/** The body's bytes, or why there are none: over `maxBytes` (reading stops there), or the client went away. */
function readBody(req: Request, maxBytes: number): Promise<Buffer | 'tooLarge' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: Buffer | 'tooLarge' | 'aborted'): void => {
      req.removeListener('data', onData).removeListener('end', onEnd).removeListener('close', onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) settle('tooLarge');
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle(Buffer.concat(chunks, size));
    const onClose = (): void => {
      if (!req.complete) settle('aborted');
    };
    req.on('data', onData).on('end', onEnd).on('close', onClose);
  });
}

/**
 * Whether brackets open deeper than `limit`, counted in one pass over the raw text (brackets
 * inside strings do not count), so that a hostile nesting is refused before any recursive code,
 * JSON.parse included, sees it. Malformed text is left for JSON.parse to refuse.
 */
function depthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
