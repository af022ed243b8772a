import type { Kysely } from 'kysely';

/**
 * Permissions the mayor grants user by user (`grantable` in a domain's
 * declaration, e.g. `owners.read`: « consultation des propriétaires »). A row
 * is a grant in force; withdrawing deletes it. The auth hook reads them with
 * the session, so a withdrawal holds from the next request. Deleting the user
 * or the collectivité deletes its grants.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_grants')
    .addColumn('commune_id', 'text', (c) => c.notNull().references('collectivites.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('permission', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_grants_pk', ['user_id', 'permission'])
    .execute();
  await db.schema.createIndex('user_grants_commune').on('user_grants').columns(['commune_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_grants').execute();
}
