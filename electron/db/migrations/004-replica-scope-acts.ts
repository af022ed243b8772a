import type Database from 'better-sqlite3';
import type { ClientMigration } from './types.js';

/**
 * Completes core migration 2 (acts-name): the stored replica scope (which
 * collections the local replica holds, compared with the session's on each
 * login) still named `actes.*`. After that rename, the next login saw another
 * scope: it cleared the replica, or, with changes still queued, refused the
 * login with no way out. The list stays sorted as the session writes it.
 */
export const replicaScopeActsMigration: ClientMigration = {
  version: 4,
  name: 'replica-scope-acts',
  up(db: Database.Database) {
    const row = db.prepare<[], { value: string }>("SELECT value FROM sync_state WHERE key = 'replica_scope'").get();
    if (!row) return;
    const scope = JSON.parse(row.value) as { insee: string; collections: string[] };
    const collections = scope.collections.map((c) => (c.startsWith('actes.') ? `acts.${c.slice('actes.'.length)}` : c)).sort();
    db.prepare("UPDATE sync_state SET value = ? WHERE key = 'replica_scope'").run(JSON.stringify({ ...scope, collections }));
  },
};
