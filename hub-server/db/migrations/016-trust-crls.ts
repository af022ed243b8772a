import type { Kysely } from 'kysely';

/**
 * Revocation and the blocking setting of the département's trust list (docs/signature.md):
 * - `acts_trust_crls`: the latest CRL of each listed CA (`guichet hub admin trust-list add-crl`),
 *   its signature checked against that CA when added; the revoked serials are kept as JSON
 *   (`[{ serial, revokedAt }]`) and served with the list;
 * - `acts_trust_settings`: the département's settings by name, first `require_listed`
 *   (« bloquer les autorités non reconnues », `trust-list require on|off`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acts_trust_crls')
    .addColumn('ca_fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('this_update', 'text', (c) => c.notNull())
    .addColumn('next_update', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('revoked', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('acts_trust_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('acts_trust_settings').execute();
  await db.schema.dropTable('acts_trust_crls').execute();
}
