import type { Kysely } from 'kysely';

/**
 * Passwords and device identity (issue 7):
 * - `users.must_change_password`: 1 while the account holds a temporary password (set by
 *   the mayor, a reset or the admin CLI); every route but « change my password » is refused until then.
 * - `devices.key_hash`: sha256 of the secret the PC keeps for its data folder. A login presenting it
 *   reuses the PC's device row (one poste per PC across logins), within the collectivité only.
 * Existing rows: passwords are the users' own (0), devices have no key (the next login binds a new row).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('devices').addColumn('key_hash', 'text').execute();
  await db.schema.createIndex('devices_key_idx').on('devices').columns(['commune_id', 'key_hash']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('devices_key_idx').execute();
  await db.schema.alterTable('devices').dropColumn('key_hash').execute();
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
}
