import { type Kysely, sql } from 'kysely';

/**
 * The département's console and the fleet's updates (hub-server/console/, hub-server/updates/):
 * - `staff`, `staff_sessions`: the département's own accounts (never a collectivité's), TOTP second factor;
 * - `console_audit`: every console or CLI action, who/when/what/target;
 * - `device_reports`: what each PC says about itself with each sync (version, OS, queue, last error, update state);
 * - `collectivite_settings`: convention date and update channel of a collectivité (a row only when set);
 * - `update_channels`, `update_releases`: the published feed per channel with its staged rollout.
 * Portable column types only (text, integer).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('administrateur', 'assistance')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    // Base32 TOTP secret once enrolled; the pending one while the QR code is shown and not yet confirmed.
    .addColumn('totp_secret', 'text')
    .addColumn('totp_pending_secret', 'text')
    // RFC 6238 time step of the last accepted code: a code is never accepted twice.
    .addColumn('totp_last_step', 'integer')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('console_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    // No foreign key: the log outlives a removed account (its login is copied).
    .addColumn('staff_id', 'text')
    .addColumn('staff_login', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('console_audit_at_idx').on('console_audit').column('at').execute();

  await db.schema
    .createTable('device_reports')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('commune_id', 'text', (c) => c.notNull().references('collectivites.id').onDelete('cascade'))
    .addColumn('app_version', 'text', (c) => c.notNull())
    .addColumn('os', 'text', (c) => c.notNull())
    .addColumn('last_sync_at', 'text')
    .addColumn('pending_changes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('update_status', 'text')
    .addColumn('update_version', 'text')
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('collectivite_settings')
    .addColumn('collectivite_id', 'text', (c) => c.primaryKey().references('collectivites.id').onDelete('cascade'))
    .addColumn('convention_date', 'text')
    .addColumn('update_channel', 'text', (c) => c.notNull().defaultTo('stable'))
    .execute();

  await db.schema
    .createTable('update_channels')
    .addColumn('channel', 'text', (c) => c.primaryKey())
    .addColumn('current_version', 'text')
    // What devices outside the rollout (or every device, paused) keep being offered.
    .addColumn('previous_version', 'text')
    .addColumn('staging_percentage', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('update_releases')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    // JSON: { feeds: { "latest.yml": "<text>" }, files: [{ name, sha512, size }] }.
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addPrimaryKeyConstraint('update_releases_pk', ['channel', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'update_releases',
    'update_channels',
    'collectivite_settings',
    'device_reports',
    'console_audit',
    'staff_sessions',
    'staff',
  ])
    await db.schema.dropTable(t).execute();
}
