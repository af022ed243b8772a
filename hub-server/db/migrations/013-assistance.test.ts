import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 013-assistance (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('adds the sessions, their audit and the join attempts; a collectivité removed takes its sessions along; down drops them', async () => {
    const t = await openAt(backend, '005-collectivites');
    dispose = t.dispose;
    const { db } = t;
    expect((await t.migrateTo('013-assistance')).error).toBeUndefined();
    const id = randomUUID();
    const now = nowIso();
    await db
      .insertInto('collectivites')
      .values({
        id,
        kind: 'commune',
        siren: '211000344',
        insee: '10034',
        name: 'Bar-sur-Seine',
        arrondissement: null,
        services: '["assistance"]',
        created_at: now,
      })
      .execute();
    const session = {
      id: 's1',
      commune_id: id,
      device_id: 'd1',
      user_id: 'u1',
      code_hash: 'h',
      code_expires_at: now,
      expires_at: now,
      created_at: now,
      agent_id: null,
      agent_name: null,
      joined_at: null,
      ended_at: null,
      end_reason: null,
    };
    await db.insertInto('assistance_sessions').values(session).execute();
    await db
      .insertInto('assistance_actions')
      .values({ id: 'a1', session_id: 's1', seq: 0, at: now, actor: 'pc', action: 'created', count: 1 })
      .execute();
    // One audit row per (session, seq).
    await expect(
      db
        .insertInto('assistance_actions')
        .values({ id: 'a2', session_id: 's1', seq: 0, at: now, actor: 'pc', action: 'ended', count: 1 })
        .execute(),
    ).rejects.toThrow();
    await db.insertInto('assistance_join_attempts').values({ id: 'j1', agent_id: 'staff', at: now, ok: 0 }).execute();
    if (backend === 'sqlite') await sql`PRAGMA foreign_keys = ON`.execute(db);
    await db.deleteFrom('collectivites').where('id', '=', id).execute();
    expect(await db.selectFrom('assistance_actions').select('id').execute()).toEqual([]);

    expect((await t.migrateTo('005-collectivites')).error).toBeUndefined();
    await expect(sql`SELECT 1 FROM assistance_sessions`.execute(db)).rejects.toThrow();
  });
});
