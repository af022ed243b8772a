import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator } from 'kysely';
import { createTestSchema, TEST_PG_URL } from '../../test-support.js';
import { openHubDb } from '../open.js';
import { hubMigrationProvider } from './index.js';

/** Tables of an older schema, by name: a migration test writes rows as that version did. */
export type AnyTables = Record<string, Record<string, unknown>>;

/** A hub database brought to `upTo` only, as a hub of that version left it. */
export async function openAt(backend: 'sqlite' | 'postgres', upTo: string) {
  const cleanup: (() => Promise<void>)[] = [];
  let db: Kysely<AnyTables>;
  let schema: string | undefined;
  if (backend === 'postgres') {
    const s = await createTestSchema();
    schema = s.schema;
    db = (await openHubDb({ url: TEST_PG_URL, schema, migrate: false })) as unknown as Kysely<AnyTables>;
    cleanup.push(s.drop);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-hub-'));
    db = (await openHubDb({ file: join(dir, 'hub.sqlite'), migrate: false })) as unknown as Kysely<AnyTables>;
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  const migrator = new Migrator({ db, provider: hubMigrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const before = await migrator.migrateTo(upTo);
  if (before.error) throw before.error;
  return {
    db,
    migrateToLatest: () => migrator.migrateToLatest(),
    migrateTo: (name: string) => migrator.migrateTo(name),
    dispose: async () => {
      await db.destroy();
      for (const c of cleanup) await c();
    },
  };
}
