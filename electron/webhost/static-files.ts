import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendPlain } from './replies.js';

/**
 * The built renderer, served by @fastify/static, with what it does not do by itself:
 * - a symlink leading out of the folder is not followed (send only checks the path as written);
 * - our content types (send's mime table says application/javascript, the browser expects text/javascript);
 * - hashed assets cached for good, index.html re-read to pick up a new build;
 * - extension-less paths that match no file get index.html (client-side routes).
 */
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

/**
 * False when the file a URL path names is, once symlinks are followed, outside `root` (already a realpath).
 * A path that does not resolve is left to send, which answers 404 for it.
 */
function staysInside(root: string, pathname: string): boolean {
  let real: string;
  try {
    real = realpathSync(join(root, pathname));
  } catch {
    return true;
  }
  return isInside(root, real);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Registers the renderer folder (a realpath) on `app`, with the not-found handler of every non-API path. */
export async function rendererFiles(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    wildcard: true,
    index: ['index.html'],
    dotfiles: 'ignore',
    contentType: false,
    cacheControl: false,
    allowedPath: (pathname) => staysInside(root, pathname),
    setHeaders: (res, path) => {
      res.setHeader('content-type', contentTypeOf(path));
      // Hashed assets can be cached; index.html must be re-read to pick up a new build.
      res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendPlain(reply, 405, 'Méthode non permise.');
    const pathname = request.url.split('?', 1)[0];
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendPlain(reply, 400, 'Chemin refusé.');
    }
    if (extname(decoded) === '' && (await isFile(join(root, 'index.html')))) return reply.sendFile('index.html');
    return pathname === '/' || pathname === '/index.html'
      ? sendPlain(reply, 503, "L'interface n'est pas construite : lancez « npm run build:renderer ».")
      : sendPlain(reply, 404, 'Fichier introuvable.');
  });
}
