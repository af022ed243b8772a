import type Database from 'better-sqlite3';
import { GuichetError } from '../../../shared/errors.js';
import type { ClientMigration } from './types.js';

export function schemaVersionOf(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the db to the last known version. Each migration and its
 * `user_version` bump commit together, so a crash between two migrations
 * resumes at the next one on restart. A db written by a newer Guichet is
 * refused rather than guessed at: an older build could corrupt it.
 */
export function runMigrations(db: Database.Database, migrations: readonly ClientMigration[]): number {
  checkOrder(migrations);
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const current = schemaVersionOf(db);
  if (current > known) {
    throw new GuichetError(
      'upgrade_required',
      'Les données de ce poste ont été enregistrées par une version plus récente de Guichet : mettez Guichet à jour.',
      `client db user_version ${current} > known ${known}`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return schemaVersionOf(db);
}

function checkOrder(migrations: readonly ClientMigration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`client migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
