import type { Kysely } from 'kysely';

/**
 * Staging of a large command's writes (an electoral import on SQLite): the
 * rows are written here in short statements while other requests go on, then
 * moved into `sync_records` by one statement inside the command's transaction.
 * Nothing here is ever read by a pull; a stage left by a crash is swept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_staging')
    .addColumn('stage_id', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_staging_pk', ['stage_id', 'ord'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_staging').ifExists().execute();
}
