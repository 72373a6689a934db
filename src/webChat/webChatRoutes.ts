import { dirname, join } from 'node:path';
import type { Server } from 'restify';
import { pageFolder, serveStatic } from '../server/staticFiles';

/** The customer's chat page at `/`: Korean first, Web Chat (from npm, no CDN) on this bot's Direct Line endpoint. */
export function registerWebChatRoutes(server: Server): void {
  const page = pageFolder(__dirname, 'webChat');
  serveStatic(server, [
    { path: '/', file: join(page, 'index.html'), type: 'text/html; charset=utf-8' },
    { path: '/webchat/chat.js', file: join(page, 'chat.js'), type: 'text/javascript; charset=utf-8' },
    { path: '/webchat/chat.css', file: join(page, 'chat.css'), type: 'text/css; charset=utf-8' },
    {
      path: '/webchat/webchat.js',
      file: join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js'),
      type: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=86400',
    },
  ]);
}
