import { hash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import { type DeriveId, derivedIds } from '../../shared/sync/columns.js';
import type { PushResponse } from '../../shared/sync/protocol.js';
import { timeStep, timeStepAsync } from '../../shared/sync/step-timer.js';
import { requireAuth } from '../accounts/auth.js';
import { parseRequest, type Refusal } from '../contract.js';
import type { HubDatabase } from '../db/schema.js';
import { scheduleTombstonePurge, type TombstonePurgeSchedule } from './maintenance.js';
import { fastifyJsonParse, parseJsonInSlices } from './json-in-slices.js';
import { applyPush, type PushDomains } from './push.js';
import { refuseReadOnlyCallers } from './push-guard.js';
import { type KeptPage, SnapshotPageCache } from './page-cache.js';
import { timeSlices } from './time-slices.js';
import { pullChangesJson, readSnapshot, readSnapshotJson, type SnapshotStart, snapshotStart } from './read.js';

/** A push may carry a whole electoral extract (100 000 electors is ~60 MB of JSON once inflated): the cap on the inflated body. */
export const PUSH_BODY_LIMIT = 128 * 1024 * 1024;

const gzipAsync = promisify(gzip);

/**
 * Snapshot pages keep zlib's default level 6. Level 4 would save ≈ 90 ms of hub CPU (threadpool, off the
 * event loop) on 35 000 electors for 870 kB instead of 788 kB on the wire (1.12× instead of 1.01× the gzipped
 * CSV extract): a mairie on a weak link waits longer for those 82 kB than the hub spends, and the page is
 * compressed once and kept (page-cache.ts) for the commune's next new PC.
 */
const SNAPSHOT_GZIP_LEVEL = 6;

/** `Accept-Encoding` names gzip, and not with `q=0`. */
const acceptsGzip = (header: string | string[] | undefined): boolean =>
  (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((p) => p.trim());
    return coding === 'gzip' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });

/** A malformed sync request comes from a client out of step with the hub, not from what the user typed. */
const malformed = (what: string): Refusal => ({
  code: 'bad_request',
  message: 'La demande de synchronisation est mal formée. Mettez Guichet à jour si cela se reproduit.',
  what,
});

/**
 * Sync routes: push (idempotent mutations), pull (change log by cursor), snapshot (paged full copy).
 * Generic: the domains come in as the registry (what exists, who may read and write it, the rules)
 * and the app's command handlers.
 */
export async function registerSyncRoutes(
  app: FastifyInstance,
  opts: PushDomains & {
    db: Kysely<HubDatabase>;
    tombstonePurge?: TombstonePurgeSchedule | false;
    /** Gzipped snapshot pages kept for the next new PC of the commune (default: one of SNAPSHOT_CACHE_BYTES). */
    snapshotPages?: SnapshotPageCache;
  },
): Promise<void> {
  const { db, registry } = opts;
  const domains: PushDomains = { registry, commands: opts.commands };
  const derive = derivedIds(registry, (text) => hash('sha256', text, 'hex'));
  if (opts.tombstonePurge !== false) scheduleTombstonePurge(app, db, opts.tombstonePurge);

  // Who may write nothing is refused before the (possibly gzip) body is read.
  const pushGuard = refuseReadOnlyCallers(opts.registry);
  await app.register(async (push) => {
    useSlicedJsonParser(push);
    registerPushRoute(push, db, domains, pushGuard);
  });

  // Pages go out as JSON text built from the stored records (read.ts): no parse-then-serialise of each record.
  app.get(HUB_ROUTES.syncPull.path, async (request, reply) => {
    const auth = requireAuth(request);
    const { query } = parseRequest(HUB_ROUTES.syncPull, request, malformed('pull'));
    const res = await pullChangesJson(db, auth.communeId, registry.readableCollections(auth), query);
    request.log.debug(
      { communeId: auth.communeId, from: query.cursor, to: res.cursor, changes: res.changes, hasMore: res.hasMore },
      'sync pull',
    );
    return reply.type('application/json; charset=utf-8').send(res.json);
  });

  const sendColumnsPage = columnsPageSender(db, derive, opts.snapshotPages ?? new SnapshotPageCache());
  app.get(HUB_ROUTES.syncSnapshot.path, async (request, reply) => {
    const auth = requireAuth(request);
    const { query } = parseRequest(HUB_ROUTES.syncSnapshot, request, malformed('snapshot'));
    if (query.format === 'columns') return sendColumnsPage(request, reply, auth.communeId, registry.readableCollections(auth), query);
    const res = await readSnapshotJson(db, auth.communeId, registry.readableCollections(auth), query);
    request.log.debug({ communeId: auth.communeId, asOf: res.asOf, records: res.records, last: res.next === null }, 'sync snapshot');
    return reply.type('application/json; charset=utf-8').send(res.json);
  });
}

/** The push route (registered in a scope of its own, for its JSON parser). */
function registerPushRoute(
  app: FastifyInstance,
  db: Kysely<HubDatabase>,
  domains: PushDomains,
  pushGuard: onRequestAsyncHookHandler,
): void {
  app.post(HUB_ROUTES.syncPush.path, { bodyLimit: PUSH_BODY_LIMIT, onRequest: pushGuard }, async (request): Promise<PushResponse> => {
    const auth = requireAuth(request);
    const { body } = parseRequest(HUB_ROUTES.syncPush, request, malformed('push'));
    const outcome = await applyPush(db, domains, auth, body.mutations);
    const rejections = outcome.results.flatMap((r) =>
      r.status === 'rejected' ? [{ mutationId: r.mutationId, reason: r.reason.code, detail: r.reason.detail }] : [],
    );
    // Counts, ids and codes only: never mutation data.
    request.log.info(
      {
        communeId: auth.communeId,
        deviceId: auth.deviceId,
        mutations: body.mutations.length,
        applied: outcome.applied,
        rejected: outcome.rejected,
        replayed: outcome.replayed,
        rejections: rejections.slice(0, 20),
        commands: outcome.summaries,
      },
      'sync push',
    );
    return { results: outcome.results };
  });
}

/** Push bodies past this (inflated) are parsed in slices, with turns of the event loop between. */
export const SLICED_PARSE_BYTES = 1024 * 1024;

/**
 * The push scope's JSON parser: fastify's own (same refusals: malformed, empty, `__proto__` or
 * `constructor.prototype` keys) on small bodies; a large body (an electoral import) is parsed in slices
 * (json-in-slices.ts) so other communes' requests are not held ~170 ms behind it.
 */
function useSlicedJsonParser(scope: FastifyInstance): void {
  const parse = fastifyJsonParse(scope);
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) => {
    if (body.length <= SLICED_PARSE_BYTES) return parse(body.toString('utf8'));
    return parseJsonInSlices(body, parse, timeSlices(), {
      onFallback: (reason) => request.log.debug({ reason: String(reason) }, 'push body parsed in one go'),
    });
  });
}

type SnapshotQuery = { asOf?: number; after?: string; limit: number; format?: 'records' | 'columns' };

/**
 * The compact encoding (a PC's first sync): built from parsed records, columns per collection. Gzipped pages
 * are kept, and each page served has the next one built behind it (page-cache.ts).
 */
function columnsPageSender(db: Kysely<HubDatabase>, derive: DeriveId, pages: SnapshotPageCache) {
  const keyOf = (communeId: string, readable: readonly string[], start: SnapshotStart, after: string | null, limit: number) =>
    SnapshotPageCache.keyOf({
      communeId,
      collections: readable,
      epoch: start.state.epoch,
      lastSeq: start.state.lastSeq,
      asOf: start.asOf,
      after,
      limit,
    });

  async function build(communeId: string, readable: readonly string[], query: SnapshotQuery, start: SnapshotStart): Promise<KeptPage> {
    const res = await readSnapshot(db, communeId, readable, query, derive, start);
    const json = timeStep('hub.serialize', () => JSON.stringify(res));
    // Compressed on the threadpool (off the event loop).
    const body = await timeStepAsync('hub.gzip', () => gzipAsync(json, { level: SNAPSHOT_GZIP_LEVEL }));
    return { body, asOf: res.asOf, next: res.next };
  }

  /** Page n+1 built while page n travels, against the same state: if a write comes between, the PC's ask has another key and it is built afresh. */
  function readAhead(communeId: string, readable: readonly string[], served: KeptPage, start: SnapshotStart, limit: number): void {
    if (served.next === null) return;
    const nextStart: SnapshotStart = { state: start.state, asOf: served.asOf };
    const query: SnapshotQuery = { asOf: served.asOf, after: served.next, limit, format: 'columns' };
    pages.prefetch(keyOf(communeId, readable, nextStart, served.next, limit), () => build(communeId, readable, query, nextStart));
  }

  return async function sendColumnsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    communeId: string,
    readable: readonly string[],
    query: SnapshotQuery,
  ): Promise<FastifyReply> {
    const start = await timeStepAsync('hub.query', () => snapshotStart(db, communeId, query.asOf));
    reply.type('application/json; charset=utf-8');
    if (!acceptsGzip(request.headers['accept-encoding'])) {
      const res = await readSnapshot(db, communeId, readable, query, derive, start);
      return reply.send(timeStep('hub.serialize', () => JSON.stringify(res)));
    }
    const key = keyOf(communeId, readable, start, query.after ?? null, query.limit);
    const page = await pages.page(key, () => build(communeId, readable, query, start));
    request.log.debug({ communeId, asOf: page.asOf, bytes: page.body.length, last: page.next === null }, 'sync snapshot');
    const sent = reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(page.body);
    // Once this page is on its way: the next one's read must not hold its sending.
    setImmediate(() => readAhead(communeId, readable, page, start, query.limit));
    return sent;
  };
}
