import { describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('hub migration 008-cadastre (%s)', (backend) => {
  it('adds the canonical plan and the vintages to a hub of 005, one row per object and per (commune, vintage)', async () => {
    const at = await openAt(backend, '005-collectivites');
    try {
      const result = await at.migrateToLatest();
      expect(result.error).toBeUndefined();
      const row = { collection: 'cadastre.parcels', id: '25354000AK0012', insee: '25354', data: '{}' };
      await at.db.insertInto('cadastre_objects').values(row).execute();
      await expect(at.db.insertInto('cadastre_objects').values(row).execute()).rejects.toThrow();
      const vintage = { insee: '25354', vintage: '2026-07', source: 'edigeo', imported_at: '2026-12-06T10:00:00Z', record: '{}' };
      await at.db.insertInto('cadastre_vintages').values(vintage).execute();
      await at.db
        .insertInto('cadastre_vintages')
        .values({ ...vintage, vintage: '2026-10' })
        .execute();
      await expect(at.db.insertInto('cadastre_vintages').values(vintage).execute()).rejects.toThrow();
      expect(await at.db.selectFrom('cadastre_vintages').select('vintage').orderBy('vintage').execute()).toEqual([
        { vintage: '2026-07' },
        { vintage: '2026-10' },
      ]);
      const down = await at.migrateTo('005-collectivites');
      expect(down.error).toBeUndefined();
    } finally {
      await at.dispose();
    }
  });
});
