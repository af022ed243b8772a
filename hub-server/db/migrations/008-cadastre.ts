import type { Kysely } from 'kysely';

/**
 * The cadastre plan as the département loaded it, independent of who
 * receives it: `cadastre_objects` holds the current vintage of each commune
 * (one row per parcel or other object, the JSON of its synced record), so a
 * new vintage is diffed against it and a collectivité that opts in later is
 * sent the same records; `cadastre_vintages` keeps every vintage loaded, its
 * source and its diff (open data: no personal data here).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cadastre_objects')
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('insee', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cadastre_objects_pk', ['collection', 'id'])
    .execute();
  await db.schema.createIndex('cadastre_objects_insee').on('cadastre_objects').columns(['insee', 'collection']).execute();
  await db.schema
    .createTable('cadastre_vintages')
    .addColumn('insee', 'text', (c) => c.notNull())
    .addColumn('vintage', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cadastre_vintages_pk', ['insee', 'vintage'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cadastre_vintages').execute();
  await db.schema.dropTable('cadastre_objects').execute();
}
