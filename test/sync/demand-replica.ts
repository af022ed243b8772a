import type Database from 'better-sqlite3';
import { syntheticDecision, syntheticFollowUp } from '../../shared/electoral/synthetic-demand.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Demand } from '../../shared/electoral/types.js';
import type { SyncState } from '../../shared/sync/ipc.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../../electron/core/context.js';
import { CORE_MIGRATIONS } from '../../electron/db/migrations/core.js';
import { openMigratedDb } from '../../electron/db/sqlite.js';
import { createHubClient, type HubClient } from '../../electron/hub-client/hub-client.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../electron/sync/engine.js';
import { createOutbox, type SyncOutbox } from '../../electron/sync/outbox.js';

/**
 * A sync-engine replica holding only `electoral.demands`, through a minimal
 * local table: lets the engine be tested on its own, against the real hub,
 * independently of the electoral module's tables.
 */
export interface DemandReplica {
  db: Database.Database;
  engine: SyncEngine;
  outbox: SyncOutbox;
  events: SyncState[];
  /** The hub client the engine uses; tests may wrap it. */
  hubClient: HubClient;
  wrapHub(wrap: (h: HubClient) => HubClient): void;
  createDemand(fields?: Partial<Demand>): Demand;
  setStatus(id: string, status: Demand['status']): void;
  remove(id: string): void;
  demands(): Array<{ id: string; version: number | null; data: Demand }>;
  close(): Promise<void>;
}

export function demandsCollection(db: Database.Database): LocalCollection {
  const upsert = db.prepare(
    'INSERT INTO t_demands (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data',
  );
  const del = db.prepare('DELETE FROM t_demands WHERE id = ?');
  return {
    name: 'electoral.demands',
    apply(r: SyncRecord) {
      if (r.deleted) del.run(r.id);
      else upsert.run(r.id, r.version, JSON.stringify(r.data));
    },
    count: () => (db.prepare('SELECT count(*) AS n FROM t_demands').get() as { n: number }).n,
    clear: () => void db.prepare('DELETE FROM t_demands').run(),
  };
}

export function newDemand(fields: Partial<Demand> = {}): Demand {
  return {
    id: randomUUID(),
    kind: 'inscription',
    status: 'deposee',
    electorId: null,
    applicant: { birthName: 'TESTNOM', usageName: null, firstNames: 'Prénom', birthDate: '1990-01-01' },
    newAddress: null,
    newBureauCode: null,
    comment: null,
    createdBy: 'test',
    createdAtLocal: '2026-03-01T10:00:00.000Z',
    ...syntheticFollowUp('2026-03-01'),
    ...fields,
  };
}

export function openDemandReplica(opts: { hubUrl: string; token: string; dir?: string; sync?: Partial<SyncEngineOptions> }): DemandReplica {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'guichet-replica-'));
  const platform = createNodePlatform({ dataDir: dir, logLevel: process.env.GUICHET_TEST_LOG ?? 'silent' });
  const db = openMigratedDb(join(dir, 'guichet.sqlite'), [
    CORE_MIGRATIONS,
    {
      domain: 'test',
      migrations: [
        {
          version: 1,
          name: 'test-demands',
          up: (d) => d.exec('CREATE TABLE t_demands (id TEXT PRIMARY KEY, version INTEGER, data TEXT NOT NULL)'),
        },
      ],
    },
  ]);
  const outbox = createOutbox(db, platform.now);
  const events: SyncState[] = [];
  const base = createHubClient({
    baseUrl: opts.hubUrl,
    token: () => opts.token,
    clientSchema: 'core=2',
    log: platform.log,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 5000,
  });
  let hub: HubClient = base;
  const collection = demandsCollection(db);
  const engine = createSyncEngine({
    db,
    hub: () => hub,
    collections: [collection],
    outbox,
    platform,
    emit: (_e, s) => events.push(s),
    debounceMs: 10,
    ...opts.sync,
  });
  const row = (id: string) =>
    db.prepare('SELECT id, version, data FROM t_demands WHERE id = ?').get(id) as
      | { id: string; version: number | null; data: string }
      | undefined;

  return {
    db,
    engine,
    outbox,
    events,
    hubClient: base,
    wrapHub(wrap) {
      hub = wrap(base);
    },
    createDemand(fields) {
      const d = newDemand(fields);
      db.transaction(() => {
        db.prepare('INSERT INTO t_demands (id, version, data) VALUES (?, NULL, ?)').run(d.id, JSON.stringify(d));
        outbox.enqueue({
          kind: 'upsert',
          collection: 'electoral.demands',
          recordId: d.id,
          baseVersion: null,
          data: d,
          summary: "Demande d'inscription (création)",
        });
      })();
      return d;
    },
    setStatus(id, status) {
      db.transaction(() => {
        const r = row(id)!;
        // A decision is dated and a refusal motivated (shared/electoral/demand-content.ts).
        const d = { ...(JSON.parse(r.data) as Demand), status, ...syntheticDecision(status) };
        db.prepare('UPDATE t_demands SET data = ? WHERE id = ?').run(JSON.stringify(d), id);
        outbox.enqueue({
          kind: 'upsert',
          collection: 'electoral.demands',
          recordId: id,
          baseVersion: r.version,
          data: d,
          summary: `Demande : statut ${status}`,
        });
      })();
    },
    remove(id) {
      db.transaction(() => {
        const r = row(id)!;
        db.prepare('DELETE FROM t_demands WHERE id = ?').run(id);
        outbox.enqueue({
          kind: 'delete',
          collection: 'electoral.demands',
          recordId: id,
          baseVersion: r.version ?? 0,
          summary: 'Demande (suppression)',
        });
      })();
    },
    demands: () =>
      (
        db.prepare('SELECT id, version, data FROM t_demands ORDER BY id').all() as { id: string; version: number | null; data: string }[]
      ).map((r) => ({
        id: r.id,
        version: r.version,
        data: JSON.parse(r.data) as Demand,
      })),
    async close() {
      await engine.stop();
      db.close();
    },
  };
}
