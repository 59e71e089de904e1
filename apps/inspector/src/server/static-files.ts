import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

/** One file of the page, in memory. */
export interface StaticFile {
  type: string;
  body: Buffer;
}

/**
 * The built page, read into memory once: a URL path can only name one of these files, so no
 * path from the browser ever reaches the file system.
 */
export async function loadStaticFiles(uiDir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const names = await readdir(uiDir, { recursive: true, withFileTypes: true });
  for (const entry of names) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = full.slice(uiDir.replace(/\/$/, '').length).split('\\').join('/');
    files.set(rel, { type: TYPES[extname(entry.name)] ?? 'application/octet-stream', body: await readFile(full) });
  }
  return files;
}
