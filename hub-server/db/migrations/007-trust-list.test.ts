import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 007-trust-list (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('adds the trust list table, keyed by fingerprint, and leaves the collectivités as they were', async () => {
    const t = await openAt(backend, '005-collectivites');
    dispose = t.dispose;
    const { db } = t;
    const id = randomUUID();
    await db
      .insertInto('collectivites')
      .values({
        id,
        kind: 'commune',
        insee: '10034',
        siren: '211000328',
        name: 'Bar-sur-Seine',
        arrondissement: '103',
        services: '["acts"]',
        created_at: nowIso(),
      })
      .execute();
    const result = await t.migrateTo('007-trust-list');
    expect(result.error).toBeUndefined();
    const row = {
      fingerprint: 'ab'.repeat(32),
      subject: 'CN=AC Test',
      not_after: '2030-01-01T00:00:00.000Z',
      pem: '-----BEGIN CERTIFICATE-----',
      added_at: nowIso(),
    };
    await db.insertInto('acts_trust_anchors').values(row).execute();
    await expect(db.insertInto('acts_trust_anchors').values(row).execute()).rejects.toThrow();
    expect(await db.selectFrom('acts_trust_anchors').select(['fingerprint', 'subject']).execute()).toEqual([
      { fingerprint: row.fingerprint, subject: 'CN=AC Test' },
    ]);
    expect(await db.selectFrom('collectivites').select('siren').execute()).toEqual([{ siren: '211000328' }]);
    expect((await t.migrateTo('005-collectivites')).error).toBeUndefined();
  });
});
