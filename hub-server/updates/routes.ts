import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { UpdateChannelName } from '../../shared/console/views.js';
import { resolveToken } from '../accounts/auth.js';
import type { HubDatabase } from '../db/schema.js';
import { channelOf, FEED_FILES, feedFor } from './channels.js';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import { GuichetError } from '../../shared/errors.js';

export interface UpdateRoutesOptions {
  /** Flat folder holding what electron-builder publishes: latest.yml, latest-linux.yml, installers, blockmaps. */
  dir: string;
  /** The hub database: channels, staged rollouts and the enrolled devices (channels.ts); without it, the plain folder only. */
  db?: Kysely<HubDatabase>;
}

/**
 * Who asks for the feed: an enrolled PC sends its bearer (its device id decides the rollout, its
 * collectivité the channel); otherwise electron-updater's own `x-user-staging-id` (stable channel).
 */
async function feedRequester(
  db: Kysely<HubDatabase>,
  request: FastifyRequest,
): Promise<{ channel: UpdateChannelName; key: string | null }> {
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(request.headers.authorization ?? '');
  const auth = m ? await resolveToken(db, m[1]) : null;
  if (auth) return { channel: await channelOf(db, auth.communeId), key: auth.deviceId };
  const staging = request.headers['x-user-staging-id'];
  return { channel: 'stable', key: typeof staging === 'string' && /^[A-Za-z0-9-]{8,100}$/.test(staging) ? staging : null };
}

const CONTENT_TYPES: Record<string, string> = {
  '.yml': 'text/yaml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.json': 'application/json',
  '.blockmap': 'application/octet-stream',
  '.exe': 'application/vnd.microsoft.portable-executable',
};

/**
 * The desktop update feed: electron-updater's generic provider reads
 * `<hub>/updates/latest.yml` (Windows) or `latest-linux.yml`, then downloads the
 * file it names from the same folder. Public (the installers are no secret and
 * an unenrolled PC must be able to update), read-only.
 * No Range support: electron-updater then falls back to a full download.
 */
export function registerUpdateRoutes(app: FastifyInstance, options: UpdateRoutesOptions): void {
  const { dir } = options;
  // GET only: fastify derives HEAD from it (exposeHeadRoutes), which electron-updater may use.
  app.route({
    method: 'GET',
    url: HUB_ROUTES.updatesFile.path,
    config: { public: true },
    // Installers are already compressed; yml is tiny.
    compress: false,
    handler: async (request, reply) => {
      const { file } = request.params as { file: string };
      // Answered here rather than thrown, so the route behaves the same on any fastify instance.
      const notFound = () =>
        reply
          .code(404)
          .send(new GuichetError('not_found', "Ce fichier de mise à jour n'existe pas.", `updates/${file.slice(0, 60)}`).toBody());
      // Only plain file names (the contract's pattern): no folder, no dot-file, no traversal.
      if (!HUB_ROUTES.updatesFile.params.safeParse({ file }).success || file.includes('..')) return notFound();
      if (options.db && (FEED_FILES as readonly string[]).includes(file)) {
        const who = await feedRequester(options.db, request);
        const feed = await feedFor(options.db, who.channel, file, who.key);
        if (feed === null) return notFound();
        if (feed !== undefined)
          return reply
            .header('content-type', CONTENT_TYPES['.yml'])
            .header('cache-control', 'no-cache')
            .header('x-content-type-options', 'nosniff')
            .send(feed);
      }
      const path = await containedFile(dir, file);
      if (!path) return notFound();
      const info = await stat(path);
      reply
        .header('content-type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
        .header('content-length', info.size)
        // The channel file changes with every release: never serve a stale one.
        .header('cache-control', file.endsWith('.yml') ? 'no-cache' : 'public, max-age=86400')
        .header('x-content-type-options', 'nosniff');
      return reply.send(createReadStream(path));
    },
  });
}

/** The file's real path if it is a regular file directly under `dir` (a symlink out of the folder is refused). */
async function containedFile(dir: string, file: string): Promise<string | null> {
  try {
    const root = await realpath(dir);
    const real = await realpath(join(root, file));
    if (!real.startsWith(root + sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}
