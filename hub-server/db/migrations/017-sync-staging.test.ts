import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 017-sync-staging (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('adds the staging of large commands, one row per (stage, order); down drops it', async () => {
    const t = await openAt(backend, '013-assistance');
    dispose = t.dispose;
    const { db } = t;
    expect((await t.migrateTo('017-sync-staging')).error).toBeUndefined();
    const now = nowIso();
    await db
      .insertInto('sync_staging')
      .values([
        { stage_id: 's1', ord: 0, id: 'E1', data: '{"id":"E1"}', created_at: now },
        { stage_id: 's1', ord: 1, id: 'E2', data: null, created_at: now },
      ])
      .execute();
    await expect(
      db.insertInto('sync_staging').values({ stage_id: 's1', ord: 1, id: 'E3', data: null, created_at: now }).execute(),
    ).rejects.toThrow();
    const rows = await db.selectFrom('sync_staging').select(['ord', 'id', 'data']).where('stage_id', '=', 's1').orderBy('ord').execute();
    expect(rows.map((r) => [Number(r.ord), r.id, r.data])).toEqual([
      [0, 'E1', '{"id":"E1"}'],
      [1, 'E2', null],
    ]);

    expect((await t.migrateTo('013-assistance')).error).toBeUndefined();
    await expect(sql`SELECT 1 FROM sync_staging`.execute(db)).rejects.toThrow();
  });
});
