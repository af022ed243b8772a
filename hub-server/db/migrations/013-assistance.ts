import type { Kysely } from 'kysely';

/**
 * Remote assistance: the sessions a PC opened (the code kept only as a hash,
 * cleared once used), the audit of every action in them (no content: what
 * happened, who, when), and the agents' code attempts (the rate limit is read
 * from the database, so it holds across hub instances).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assistance_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('commune_id', 'text', (c) => c.notNull().references('collectivites.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text')
    .addColumn('code_expires_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('agent_name', 'text')
    .addColumn('joined_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('assistance_sessions_commune_idx').on('assistance_sessions').columns(['commune_id', 'created_at']).execute();
  await db.schema.createIndex('assistance_sessions_device_idx').on('assistance_sessions').columns(['device_id', 'created_at']).execute();
  await db.schema.createIndex('assistance_sessions_code_idx').on('assistance_sessions').column('code_hash').execute();

  await db.schema
    .createTable('assistance_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('assistance_sessions.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('assistance_actions_seq_unique', ['session_id', 'seq'])
    .execute();

  await db.schema
    .createTable('assistance_join_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assistance_join_attempts_agent_idx').on('assistance_join_attempts').columns(['agent_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('assistance_join_attempts').execute();
  await db.schema.dropTable('assistance_actions').execute();
  await db.schema.dropTable('assistance_sessions').execute();
}
