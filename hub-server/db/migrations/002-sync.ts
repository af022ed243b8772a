import type { Kysely } from 'kysely';

// Portable types only (text, integer, bigint): the same migration runs on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('commune_sync')
    .addColumn('commune_id', 'text', (c) => c.primaryKey().references('communes.id').onDelete('cascade'))
    .addColumn('epoch', 'text', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('purged_below', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sync_records')
    .addColumn('commune_id', 'text', (c) => c.notNull().references('communes.id').onDelete('cascade'))
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data', 'text')
    .addColumn('written_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_records_pk', ['commune_id', 'collection', 'id'])
    .execute();
  // The change log: a pull reads one commune's records in version order.
  await db.schema.createIndex('sync_records_commune_version_idx').on('sync_records').columns(['commune_id', 'version']).execute();

  await db.schema
    .createTable('device_mutations')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('mutation_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_id', 'text', (c) => c.notNull().references('communes.id').onDelete('cascade'))
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_mutations_pk', ['device_id', 'mutation_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['device_mutations', 'sync_records', 'commune_sync']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
