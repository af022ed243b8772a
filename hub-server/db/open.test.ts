import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, TEST_BACKENDS, TEST_PG_URL } from '../test-support.js';
import { openHubDb } from './open.js';

/**
 * PostgreSQL restarted, or an administrator ended the hub's idle connections:
 * the pool emits 'error' for them. Unhandled, that event kills the hub
 * process; handled, the next query simply opens a new connection.
 */
describe.skipIf(!TEST_BACKENDS.includes('postgres'))('PostgreSQL pool', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  beforeAll(async () => {
    schema = await createTestSchema();
  });
  afterAll(async () => {
    await schema?.drop();
  });

  it('survives the server ending an idle connection, and answers the next query', async () => {
    const db = await openHubDb({ url: TEST_PG_URL, schema: schema.schema });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.prependListener('uncaughtException', onUncaught);
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      try {
        await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
      } finally {
        await admin.end();
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught).toEqual([]);
      const again = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(again.rows[0].one).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.destroy();
    }
  });
});
