import { existsSync, realpathSync } from 'node:fs';
import { extname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_APP_ROUTES } from '../../shared/console/routes.js';

// What vite emits for the console; anything else is served as bytes (and nosniff).
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};
const contentTypeOf = (file: string) => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The console's pages: styles from its own files only. The assistance replay alone (replay.html,
 * framed by the console) allows inline styles — rrweb rebuilds the PC's page with its CSS inline
 * (`<style>` elements, `style` attributes) — and has no network (frames come by postMessage).
 * The pages carry the same policy in a meta tag; the header adds what a meta cannot (frame-ancestors).
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";
export const REPLAY_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'self'";
export const REPLAY_PAGE = 'replay.html';

/** Where `npm run build:renderer` puts the console (renderer/console.html → dist/console). */
export const DEFAULT_CONSOLE_DIR = new URL('../../dist/console', import.meta.url).pathname;

/**
 * The console's web app under /console/ (public files: the page itself holds no data; every
 * answer with data comes from /console/api, behind the staff session). Screens are routed by the
 * URL's hash, so only real files are served. When the app is not built, /console/ says so.
 */
export async function registerConsoleApp(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): Promise<void> {
  app.get(CONSOLE_APP_ROUTES.consoleRoot.path, { config: { public: true } }, async (_request, reply) => reply.redirect('/console/'));
  if (!existsSync(dir)) {
    app.get(CONSOLE_APP_ROUTES.consoleFiles.path, { config: { public: true } }, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send("La console n'est pas construite : lancez « npm run build:renderer »."),
    );
    return;
  }
  const root = realpathSync(dir);
  await app.register(async (scope) => {
    // serve: false — only reply.sendFile (send's traversal checks); the route is ours, so it is marked public.
    await scope.register(fastifyStatic, {
      root,
      serve: false,
      // Set only when a file is really sent: a missing one falls to the hub's JSON 404.
      setHeaders: (res, path) => {
        res.setHeader('content-type', contentTypeOf(path));
        res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
        res.setHeader('x-content-type-options', 'nosniff');
        const replay = path.endsWith(`/${REPLAY_PAGE}`);
        res.setHeader('x-frame-options', replay ? 'SAMEORIGIN' : 'DENY');
        if (path.endsWith('.html')) res.setHeader('content-security-policy', replay ? REPLAY_CSP : CONSOLE_CSP);
      },
    });
    scope.get(CONSOLE_APP_ROUTES.consoleFiles.path, { config: { public: true } }, async (request, reply) => {
      const { '*': rest = '' } = request.params as { '*'?: string };
      const file = rest === '' ? 'console.html' : rest;
      if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(file) || file.split('/').some((part) => part.startsWith('.')))
        return reply.code(404).type('text/plain; charset=utf-8').send('Fichier introuvable.');
      return reply.sendFile(file, root, { dotfiles: 'deny', contentType: false, cacheControl: false });
    });
  });
}
