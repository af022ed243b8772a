import type Database from 'better-sqlite3';
import { GuichetError } from '../../../shared/errors.js';
import type { DomainMigrations } from './types.js';

/**
 * `PRAGMA user_version` of a db whose schema is tracked per domain in
 * `schema_migrations`. Builds that still used one global list compare
 * user_version with their last migration number: this value makes every one
 * of them refuse the file (in French) instead of writing into a schema they
 * do not know.
 */
export const TRACKED_PER_DOMAIN = 1000;

const NEWER = 'Les données de ce poste ont été enregistrées par une version plus récente de Guichet : mettez Guichet à jour.';

/** Versions a db holds, per domain (a domain without any applied migration is absent). */
export type SchemaVersions = Record<string, number>;

export function schemaVersionsOf(db: Database.Database): SchemaVersions {
  if (!hasTrackingTable(db)) return {};
  const rows = db
    .prepare<[], { domain: string; version: number }>('SELECT domain, max(version) AS version FROM schema_migrations GROUP BY domain')
    .all();
  return Object.fromEntries(rows.map((r) => [r.domain, r.version]));
}

/** What this build writes, per domain: its last migration of each. */
export function knownVersions(sets: readonly DomainMigrations[]): SchemaVersions {
  return Object.fromEntries(
    sets.filter((s) => s.migrations.length > 0).map((s) => [s.domain, s.migrations[s.migrations.length - 1].version]),
  );
}

/**
 * Brings every domain's tables to its last known version, the core's first,
 * then the domains in the order given (a domain's migrations never rely on
 * another domain's tables). Each migration and its `schema_migrations` row
 * commit together, so a crash between two resumes at the next one on restart.
 * A db written by a newer Guichet (a version or a domain this build does not
 * know) is refused rather than guessed at: an older build could corrupt it.
 */
export function runMigrations(db: Database.Database, sets: readonly DomainMigrations[]): SchemaVersions {
  checkSets(sets);
  adoptLegacyScheme(db, sets);
  refuseNewer(db, sets);
  const insert = db.prepare('INSERT INTO schema_migrations (domain, version, name, applied_at) VALUES (?, ?, ?, ?)');
  for (const set of sets) {
    const current = schemaVersionsOf(db)[set.domain] ?? 0;
    for (const m of set.migrations) {
      if (m.version <= current) continue;
      db.transaction(() => {
        m.up(db);
        insert.run(set.domain, m.version, m.name, new Date().toISOString());
      })();
    }
  }
  return schemaVersionsOf(db);
}

function hasTrackingTable(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
}

/**
 * A db of the global scheme (user_version 0..N, no tracking table) is moved to
 * per-domain tracking: every migration whose `legacyVersion` it had reached is
 * recorded as applied (nothing runs again), in one transaction with the new
 * user_version. A fresh db (user_version 0) just gets the empty table.
 */
function adoptLegacyScheme(db: Database.Database, sets: readonly DomainMigrations[]): void {
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  if (userVersion > TRACKED_PER_DOMAIN) throw new GuichetError('upgrade_required', NEWER, `client db user_version ${userVersion}`);
  if (hasTrackingTable(db)) return;
  const legacy = sets.flatMap((s) => s.migrations.filter((m) => m.legacyVersion !== undefined).map((m) => ({ domain: s.domain, m })));
  const lastLegacy = Math.max(0, ...legacy.map((l) => l.m.legacyVersion!));
  if (userVersion > lastLegacy)
    throw new GuichetError('upgrade_required', NEWER, `client db user_version ${userVersion} > known ${lastLegacy}`);
  db.transaction(() => {
    db.exec(`
      CREATE TABLE schema_migrations (
        domain TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        PRIMARY KEY (domain, version)
      )
    `);
    const insert = db.prepare('INSERT INTO schema_migrations (domain, version, name, applied_at) VALUES (?, ?, ?, ?)');
    const at = new Date().toISOString();
    for (const { domain, m } of legacy) if (m.legacyVersion! <= userVersion) insert.run(domain, m.version, m.name, at);
    db.pragma(`user_version = ${TRACKED_PER_DOMAIN}`);
  })();
}

function refuseNewer(db: Database.Database, sets: readonly DomainMigrations[]): void {
  const known = knownVersions(sets);
  for (const [domain, version] of Object.entries(schemaVersionsOf(db))) {
    if (version > (known[domain] ?? 0))
      throw new GuichetError('upgrade_required', NEWER, `client db ${domain} at ${version} > known ${known[domain] ?? 'none'}`);
  }
}

/** Programming errors, caught by the first test that opens a db: gaps, duplicates, a broken legacy map. */
function checkSets(sets: readonly DomainMigrations[]): void {
  const domains = new Set<string>();
  for (const s of sets) {
    if (domains.has(s.domain)) throw new Error(`client migrations of ${s.domain} given twice`);
    domains.add(s.domain);
    // Strictly increasing from 1; a gap is allowed while two branches each add a version (merged, the list is contiguous again).
    s.migrations.forEach((m, i) => {
      const least = i === 0 ? 1 : s.migrations[i - 1].version + 1;
      if (i === 0 ? m.version !== 1 : m.version < least)
        throw new Error(`client migration ${s.domain}/${m.name} has version ${m.version}, expected ${i === 0 ? 1 : `at least ${least}`}`);
    });
  }
  const legacy = sets.flatMap((s) => s.migrations.map((m) => m.legacyVersion)).filter((v) => v !== undefined);
  if (new Set(legacy).size !== legacy.length) throw new Error(`legacy client schema versions given twice: ${legacy.join(',')}`);
}
