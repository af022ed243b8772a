import type { Kysely } from 'kysely';

/**
 * The département's trust list for signatures: the CA certificates it recognises
 * (`guichet hub admin trust-list add|list|remove`), served to every PC
 * (`GET /api/v1/trust-list`). One list for the whole hub, keyed by the SHA-256
 * fingerprint of the certificate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acts_trust_anchors')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('pem', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('acts_trust_anchors').execute();
}
