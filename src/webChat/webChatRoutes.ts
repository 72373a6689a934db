import { dirname, join } from 'node:path';
import type { Server } from 'restify';
import { SUPPORTED_LANGUAGES, Translator } from '../i18n/translator';
import { pageFolder, serveStatic } from '../server/staticFiles';

const PAGE_TEXTS = ['subtitle', 'notice', 'failed'] as const;

/** The customer's chat page at `/`: Korean first, Web Chat (from npm, no CDN) on this bot's Direct Line endpoint. */
export function registerWebChatRoutes(server: Server, translator: Translator): void {
  const texts = Object.fromEntries(
    SUPPORTED_LANGUAGES.map((language) => {
      const t = translator.forLanguage(language);
      return [language, Object.fromEntries(PAGE_TEXTS.map((key) => [key, t(`webChat.${key}`)]))];
    }),
  );
  server.get('/webchat/texts.json', (_req, res, next) => {
    res.send(200, texts);
    next();
  });
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
