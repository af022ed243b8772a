import { type Kysely, sql } from 'kysely';

/**
 * The files module: the acts' content-addressed store becomes every domain's.
 * `acts_files`/`acts_file_chunks` become `files`/`file_chunks`; `file_tags`
 * records which domain each file was sent through (access is checked with
 * that domain's permissions). Every file held so far came through the acts
 * routes: it is tagged `acts`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('acts_file_chunks').renameTo('file_chunks').execute();
  await db.schema.alterTable('acts_files').renameTo('files').execute();
  await db.schema
    .createTable('file_tags')
    .addColumn('commune_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('tagged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_tags_pk', ['commune_id', 'sha256', 'domain'])
    .addForeignKeyConstraint('file_tags_file_fk', ['commune_id', 'sha256'], 'files', ['commune_id', 'sha256'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('file_tags_by_domain').on('file_tags').columns(['domain', 'tagged_at']).execute();
  await sql`INSERT INTO file_tags (commune_id, sha256, domain, tagged_at) SELECT commune_id, sha256, 'acts', created_at FROM files`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('file_tags').execute();
  await db.schema.alterTable('files').renameTo('acts_files').execute();
  await db.schema.alterTable('file_chunks').renameTo('acts_file_chunks').execute();
}
