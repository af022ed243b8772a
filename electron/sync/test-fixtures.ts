/**
 * A sync-core db with one toy collection, for the sync parts' unit tests: real
 * SQLite, the real outbox, and a collection no domain owns (the sync core must
 * work for any collection it is given).
 */
import Database from 'better-sqlite3';
import pino from 'pino';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import { CORE_MIGRATIONS } from '../db/migrations/core.js';
import { runMigrations } from '../db/migrations/runner.js';
import { createOutbox, type SyncOutbox } from './outbox.js';
import { createLocalReplica, type LocalReplica } from './replica.js';

export const TOY = 'test.items' as CollectionName;

export interface ToyReplica {
  db: Database.Database;
  outbox: SyncOutbox;
  replica: LocalReplica;
  collection: LocalCollection;
  /** Local rows as hub records would have written them. */
  seed(count: number): void;
  ids(): string[];
  /** A local edit of a record, queued for the hub (domain row + outbox row in one transaction). */
  editLocally(id: string): void;
}

export const toyRecord = (id: string, version = 1, deleted = false): SyncRecord => ({
  collection: TOY,
  id,
  version,
  deleted,
  data: deleted ? null : { id },
});

export function openToyReplica(): ToyReplica {
  const db = new Database(':memory:');
  runMigrations(db, [
    CORE_MIGRATIONS,
    {
      domain: 'toy',
      migrations: [{ version: 1, name: 'toy', up: (d) => d.exec('CREATE TABLE toy (id TEXT PRIMARY KEY, version INTEGER, data TEXT)') }],
    },
  ]);
  const upsert = db.prepare(
    'INSERT INTO toy (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data',
  );
  const remove = db.prepare('DELETE FROM toy WHERE id = ?');
  const collection: LocalCollection = {
    name: TOY,
    apply: (r) => void (r.deleted ? remove.run(r.id) : upsert.run(r.id, r.version, JSON.stringify(r.data))),
    count: () => (db.prepare('SELECT count(*) AS n FROM toy').get() as { n: number }).n,
    clear: () => void db.prepare('DELETE FROM toy').run(),
  };
  const outbox = createOutbox(db, () => new Date('2026-03-01T10:00:00Z'));
  const replica = createLocalReplica([collection], outbox, pino({ level: 'silent' }));
  return {
    db,
    outbox,
    replica,
    collection,
    seed(count) {
      db.transaction(() => {
        for (let i = 0; i < count; i++) collection.apply(toyRecord(`r${String(i).padStart(3, '0')}`));
      })();
    },
    ids: () => db.prepare('SELECT id FROM toy ORDER BY id').pluck().all() as string[],
    editLocally(id) {
      db.transaction(() => {
        upsert.run(id, 1, JSON.stringify({ id, edited: true }));
        outbox.enqueue({ kind: 'upsert', collection: TOY, recordId: id, baseVersion: 1, data: { id, edited: true }, summary: 'Élément' });
      })();
    },
  };
}
