import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Portable types, except the byte columns: bytea on PostgreSQL, blob on SQLite.
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = isPostgres(db) ? 'bytea' : 'blob';

  await db.schema
    .createTable('actes_files')
    .addColumn('commune_id', 'text', (c) => c.notNull().references('communes.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('received', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addPrimaryKeyConstraint('actes_files_pk', ['commune_id', 'sha256'])
    .execute();

  await db.schema
    .createTable('actes_file_chunks')
    .addColumn('commune_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('pos', 'bigint', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('actes_file_chunks_pk', ['commune_id', 'sha256', 'pos'])
    .addForeignKeyConstraint('actes_file_chunks_file_fk', ['commune_id', 'sha256'], 'actes_files', ['commune_id', 'sha256'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('actes_transmissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('commune_id', 'text', (c) => c.notNull().references('communes.id').onDelete('cascade'))
    .addColumn('act_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('serial', 'bigint')
    .addColumn('archive_name', 'text')
    .addColumn('archive_size', 'bigint')
    .addColumn('archive', bytes)
    .addColumn('id_acte', 'text')
    .addColumn('error', 'text')
    .addColumn('uncertain_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('actes_transmissions_state_idx').on('actes_transmissions').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('actes_transmissions_act_idx').on('actes_transmissions').columns(['commune_id', 'act_id']).execute();
  await db.schema.createIndex('actes_transmissions_archive_idx').on('actes_transmissions').columns(['archive_name']).execute();

  await db.schema
    .createTable('actes_envelope_serials')
    .addColumn('commune_id', 'text', (c) => c.primaryKey().references('communes.id').onDelete('cascade'))
    .addColumn('last_serial', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('actes_send_windows')
    .addColumn('window_start', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('actes_numeros')
    .addColumn('commune_id', 'text', (c) => c.notNull().references('communes.id').onDelete('cascade'))
    .addColumn('numero_interne', 'text', (c) => c.notNull())
    .addColumn('act_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('actes_numeros_pk', ['commune_id', 'numero_interne'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'actes_numeros',
    'actes_send_windows',
    'actes_envelope_serials',
    'actes_transmissions',
    'actes_file_chunks',
    'actes_files',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
