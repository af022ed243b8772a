import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * The tenant becomes the collectivité: `communes` is renamed `collectivites`
 * and gains `kind` (commune | epci | syndicat); `insee` becomes nullable (a
 * grouping has none) and `siren` unique (it is the key). Groupings list their
 * member communes in `collectivite_members`. Row ids are kept, so every
 * `commune_id` column (now: the collectivité's id), every session and every
 * synced record stays attached to the same tenant. Existing rows are communes.
 */
/** A known kind; a commune has an INSEE code, a grouping none (the database refuses a row that mixes them). */
const KIND_CHECK = sql`kind IN ('commune', 'epci', 'syndicat') AND ((kind = 'commune') = (insee IS NOT NULL))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await refuseDuplicateSirens(db);
  if (dialectOf(db) === 'postgres') {
    // DDL is transactional on PostgreSQL (the migrator wraps this in one transaction); foreign keys follow the rename.
    await sql`ALTER TABLE communes RENAME TO collectivites`.execute(db);
    await sql`ALTER TABLE collectivites ADD COLUMN kind text NOT NULL DEFAULT 'commune'`.execute(db);
    await sql`ALTER TABLE collectivites ALTER COLUMN kind DROP DEFAULT`.execute(db);
    await sql`ALTER TABLE collectivites ALTER COLUMN insee DROP NOT NULL`.execute(db);
    await sql`ALTER TABLE collectivites ADD CONSTRAINT collectivites_siren_unique UNIQUE (siren)`.execute(db);
    await sql`ALTER TABLE collectivites ADD CONSTRAINT collectivites_kind_check CHECK (${KIND_CHECK})`.execute(db);
    await createMembers(db);
    return;
  }
  // SQLite cannot drop a NOT NULL: the table is rebuilt (sqlite.org/lang_altertable.html, « other kinds of
  // table schema changes »). Foreign keys must be off (a pragma, ignored inside a transaction), or dropping
  // the old table would cascade-delete every user, device and session. The migrator runs SQLite migrations
  // outside a transaction, so the rebuild makes its own and checks the references before committing.
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      // The rename rewrites the REFERENCES of users, devices, sessions, enrollment codes and the sync and acts tables.
      await sql`ALTER TABLE communes RENAME TO collectivites`.execute(trx);
      await trx.schema
        .createTable('collectivites_new')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('siren', 'text', (c) => c.notNull().unique())
        .addColumn('insee', 'text', (c) => c.unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('arrondissement', 'text')
        .addColumn('services', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint('collectivites_kind_check', KIND_CHECK)
        .execute();
      await sql`INSERT INTO collectivites_new (id, kind, siren, insee, name, arrondissement, services, created_at)
        SELECT id, 'commune', siren, insee, name, arrondissement, services, created_at FROM collectivites`.execute(trx);
      await sql`DROP TABLE collectivites`.execute(trx);
      await sql`ALTER TABLE collectivites_new RENAME TO collectivites`.execute(trx);
      await createMembers(trx);
      const broken = await sql<{ table: string }>`PRAGMA foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`foreign keys broken by the rebuild: ${broken.rows.map((r) => r.table).join(', ')}`);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

async function createMembers(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('collectivite_members')
    .addColumn('collectivite_id', 'text', (c) => c.notNull().references('collectivites.id').onDelete('cascade'))
    .addColumn('insee', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('collectivite_members_pk', ['collectivite_id', 'insee'])
    .execute();
  // Which groupings a commune belongs to (a commune's territory is shared with its EPCI and syndicats).
  await db.schema.createIndex('collectivite_members_insee_idx').on('collectivite_members').column('insee').execute();
}

/** SIREN becomes the key: two communes registered with the same one (the old `--siren` override) must be fixed by hand first. */
async function refuseDuplicateSirens(db: Kysely<unknown>): Promise<void> {
  const dup = await sql<{ siren: string }>`SELECT siren FROM communes GROUP BY siren HAVING COUNT(*) > 1`.execute(db);
  if (dup.rows.length > 0)
    throw new Error(
      `several communes share a SIREN (${dup.rows.map((r) => r.siren).join(', ')}): give each its own SIREN before upgrading`,
    );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const groupings = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM collectivites WHERE kind <> 'commune'`.execute(db);
  if (Number(groupings.rows[0]?.n ?? 0) > 0) throw new Error('groupings are registered: they have no place in the communes table');
  await db.schema.dropTable('collectivite_members').execute();
  if (dialectOf(db) === 'postgres') {
    await sql`ALTER TABLE collectivites DROP CONSTRAINT collectivites_kind_check`.execute(db);
    await sql`ALTER TABLE collectivites DROP CONSTRAINT collectivites_siren_unique`.execute(db);
    await sql`ALTER TABLE collectivites ALTER COLUMN insee SET NOT NULL`.execute(db);
    await sql`ALTER TABLE collectivites DROP COLUMN kind`.execute(db);
    await sql`ALTER TABLE collectivites RENAME TO communes`.execute(db);
    return;
  }
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE collectivites RENAME TO communes`.execute(trx);
      await trx.schema
        .createTable('communes_old')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('insee', 'text', (c) => c.notNull().unique())
        .addColumn('siren', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('arrondissement', 'text')
        .addColumn('services', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO communes_old (id, insee, siren, name, arrondissement, services, created_at)
        SELECT id, insee, siren, name, arrondissement, services, created_at FROM communes`.execute(trx);
      await sql`DROP TABLE communes`.execute(trx);
      await sql`ALTER TABLE communes_old RENAME TO communes`.execute(trx);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}
