import { type Kysely, sql } from 'kysely';

/**
 * One name per concept: the legality-control domain is `acts` in code, tables,
 * collections, permissions and services (ACTES is kept for what belongs to the
 * protocol: the forwarder's `actes_transmissions`, send windows, envelope serials).
 * The files and numéros tables take the client's names; stored collection names
 * and opted-in service lists follow.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('actes_file_chunks').renameTo('acts_file_chunks').execute();
  await db.schema.alterTable('actes_files').renameTo('acts_files').execute();
  await db.schema.alterTable('actes_numeros').renameTo('acts_numeros').execute();
  await sql`UPDATE sync_records SET collection = 'acts.' || substr(collection, 7) WHERE collection LIKE 'actes.%'`.execute(db);
  await sql`UPDATE communes SET services = replace(services, '"actes"', '"acts"')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE communes SET services = replace(services, '"acts"', '"actes"')`.execute(db);
  await sql`UPDATE sync_records SET collection = 'actes.' || substr(collection, 6) WHERE collection LIKE 'acts.%'`.execute(db);
  await db.schema.alterTable('acts_numeros').renameTo('actes_numeros').execute();
  await db.schema.alterTable('acts_files').renameTo('actes_files').execute();
  await db.schema.alterTable('acts_file_chunks').renameTo('actes_file_chunks').execute();
}
