import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 004-acts-name (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('renames the acts tables, stored collections and opted-in services, keeping every row', async () => {
    const t = await openAt(backend, '003-acts');
    dispose = t.dispose;
    const { db } = t;
    const communeId = randomUUID();
    const now = nowIso();
    await db
      .insertInto('communes')
      .values({
        id: communeId,
        insee: '10034',
        siren: '211000344',
        name: 'Bar-sur-Seine',
        arrondissement: null,
        services: '["electoral","actes"]',
        created_at: now,
      })
      .execute();
    await db.insertInto('commune_sync').values({ commune_id: communeId, epoch: 'e1', last_seq: 3 }).execute();
    const record = (collection: string, id: string, version: number) => ({
      commune_id: communeId,
      collection,
      id,
      version,
      deleted: 0,
      data: '{}',
      written_at: now,
    });
    await db
      .insertInto('sync_records')
      .values([record('actes.acts', 'a1', 1), record('actes.status', 'a1', 2), record('electoral.demands', 'd1', 3)])
      .execute();
    await db
      .insertInto('actes_files')
      .values({ commune_id: communeId, sha256: 'ab'.repeat(32), size: 3, received: 3, complete: 1, created_at: now })
      .execute();
    await db
      .insertInto('actes_numeros')
      .values({ commune_id: communeId, numero_interne: 'DEL2026_01', act_id: 'a1', created_at: now })
      .execute();

    const result = await t.migrateTo('004-acts-name');
    expect(result.error).toBeUndefined();

    const collections = await db.selectFrom('sync_records').select(['collection', 'id', 'version']).orderBy('version').execute();
    expect(collections).toEqual([
      { collection: 'acts.acts', id: 'a1', version: 1 },
      { collection: 'acts.status', id: 'a1', version: 2 },
      { collection: 'electoral.demands', id: 'd1', version: 3 },
    ]);
    const commune = await db.selectFrom('communes').select('services').where('id', '=', communeId).executeTakeFirstOrThrow();
    expect(JSON.parse(String(commune.services))).toEqual(['electoral', 'acts']);
    expect(await db.selectFrom('acts_files').select('sha256').execute()).toHaveLength(1);
    expect(await db.selectFrom('acts_numeros').select('numero_interne').execute()).toEqual([{ numero_interne: 'DEL2026_01' }]);
    await expect(sql`SELECT 1 FROM actes_files`.execute(db)).rejects.toThrow();
  });
});
