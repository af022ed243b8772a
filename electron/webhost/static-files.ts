import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

export type StaticResolution = { kind: 'file'; path: string; size: number } | { kind: 'not_found' } | { kind: 'bad_request' };

/**
 * Maps a URL path to a file under `root` (already a realpath). Refuses
 * anything that leaves the folder, before and after following symlinks.
 * Extension-less paths that match no file fall back to index.html (client-side routes).
 */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticResolution> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad_request' };
  }
  if (decoded.includes('\0')) return { kind: 'bad_request' };
  const wanted = resolve(root, decoded.startsWith('/') ? `.${decoded}` : `./${decoded}`);
  if (!isInside(root, wanted)) return { kind: 'bad_request' };
  const found = await existingFile(root, wanted);
  if (found) return found;
  if (extname(decoded) === '') {
    const index = await existingFile(root, resolve(root, 'index.html'));
    if (index) return index;
  }
  return { kind: 'not_found' };
}

async function existingFile(root: string, path: string): Promise<StaticResolution | null> {
  try {
    const real = await realpath(path);
    if (!isInside(root, real)) return null;
    const info = await stat(real);
    return info.isFile() ? { kind: 'file', path: real, size: info.size } : null;
  } catch {
    return null;
  }
}
