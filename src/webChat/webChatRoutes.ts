import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Server } from 'restify';
import { pageHeaders } from '../server/securityHeaders';
import { builtPage, pageFiles, serveStatic } from '../server/staticFiles';

/**
 * What Web Chat needs beyond this origin's files; no inline script, no eval. Its styles go into
 * empty <style> elements (the hash is that of the empty text) and are filled through the CSSOM,
 * which CSP does not govern, so injected markup can add no style. A picked image is read from a
 * blob: address and shrunk in a worker made from one; pictures may come as data: or blob:.
 */
const WEB_CHAT_SOURCES = {
  'style-src': `'sha256-${createHash('sha256').update('').digest('base64')}'`,
  'img-src': 'data: blob:',
  'worker-src': 'blob:',
  'connect-src': 'blob:',
  // The secure step in an overlay (secureOverlay.ts): only when it is served from this origin.
  'frame-src': '',
};

/**
 * The customer's chat page at `/`, as built in dist/pages/webChat (its texts bundled in chat.js):
 * Korean first, Web Chat (from npm, no CDN) on this bot's Direct Line endpoint. The bank's app
 * frames it from `frameAncestors` (CHAT_FRAME_ANCESTORS).
 */
export function registerWebChatRoutes(server: Server, frameAncestors: readonly string[]): void {
  const page = builtPage('webChat');
  const headers = pageHeaders({ framing: { sameOriginAnd: frameAncestors }, also: WEB_CHAT_SOURCES });
  serveStatic(
    server,
    [
      ...pageFiles(page, 'chat', { page: '/', assets: '/webchat' }),
      {
        path: '/webchat/webchat.js',
        file: join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js'),
        type: 'text/javascript; charset=utf-8',
        cacheControl: 'public, max-age=86400',
      },
    ],
    headers,
  );
}
