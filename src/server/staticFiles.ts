import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'restify';

export interface StaticFile {
  readonly path: string;
  readonly file: string;
  readonly type: string;
  /** Long-lived for versioned bundles; pages are revalidated. */
  readonly cacheControl?: string;
}

/**
 * Where `npm run build` puts the pages (scripts/buildPages.ts): dist/pages, seen from this module
 * compiled in dist/src/server, or from src/server when ts-jest runs the sources.
 */
export const BUILT_PAGES = join(__dirname, '..', '..', ...(__filename.endsWith('.ts') ? ['dist'] : []), 'pages');

/** The built files of one module's page (`dist/pages/<module>`). */
export function builtPage(module: string): string {
  const folder = join(BUILT_PAGES, module);
  if (!existsSync(join(folder, 'index.html'))) throw new Error(`the ${module} page is not built: run npm run build`);
  return folder;
}

/** A built page's own files: its index.html at `at.page`, its `<name>.js` and `<name>.css` under `at.assets`. */
export function pageFiles(folder: string, name: string, at: { readonly page: string; readonly assets: string }): StaticFile[] {
  return [
    { path: at.page, file: join(folder, 'index.html'), type: 'text/html; charset=utf-8' },
    { path: `${at.assets}/${name}.js`, file: join(folder, `${name}.js`), type: 'text/javascript; charset=utf-8' },
    { path: `${at.assets}/${name}.css`, file: join(folder, `${name}.css`), type: 'text/css; charset=utf-8' },
  ];
}

/** Serves files read once and kept in memory; they are small, except Web Chat's bundle, read once too. */
export function serveStatic(server: Server, files: readonly StaticFile[], headers: Readonly<Record<string, string>> = {}): void {
  const cache = new Map<string, Buffer>();
  const read = (file: string) => cache.get(file) ?? cache.set(file, readFileSync(file)).get(file) ?? Buffer.alloc(0);
  for (const { path, file, type, cacheControl } of files) {
    server.get(path, (_req, res, next) => {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.setHeader('content-type', type);
      res.setHeader('cache-control', cacheControl ?? 'no-cache');
      res.sendRaw(200, read(file));
      next();
    });
  }
}
