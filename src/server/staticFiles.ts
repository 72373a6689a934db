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
 * A folder of static page files kept next to the sources (`src/<module>/page`): found from the
 * compiled module in dist/ as from the sources under ts-jest.
 */
export function pageFolder(moduleDir: string, module: string): string {
  const folder = [join(moduleDir, 'page'), join(moduleDir, '..', '..', '..', 'src', module, 'page')].find((dir) => existsSync(join(dir, 'index.html')));
  if (folder === undefined) throw new Error(`the page files of ${module} are missing`);
  return folder;
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
