import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 006-passwords-devices (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('keeps accounts and devices as they were: own passwords, devices without a key, both writable after', async () => {
    const t = await openAt(backend, '005-collectivites');
    dispose = t.dispose;
    const { db } = t;
    const now = nowIso();
    const [communeId, userId, deviceId] = [randomUUID(), randomUUID(), randomUUID()];
    await db
      .insertInto('collectivites')
      .values({
        id: communeId,
        kind: 'commune',
        siren: '211000344',
        insee: '10034',
        name: 'Bar-sur-Seine',
        arrondissement: null,
        services: '[]',
        created_at: now,
      })
      .execute();
    await db
      .insertInto('users')
      .values({
        id: userId,
        commune_id: communeId,
        username: 'maire',
        display_name: 'Maire',
        role: 'maire',
        password_hash: 'x',
        disabled: 0,
        created_at: now,
      })
      .execute();
    await db
      .insertInto('devices')
      .values({ id: deviceId, commune_id: communeId, user_id: userId, name: 'PC', created_at: now, last_seen_at: null, revoked_at: null })
      .execute();

    expect((await t.migrateTo('006-passwords-devices')).error).toBeUndefined();

    expect(await db.selectFrom('users').select(['username', 'must_change_password']).execute()).toEqual([
      { username: 'maire', must_change_password: 0 },
    ]);
    expect(await db.selectFrom('devices').select(['id', 'key_hash']).execute()).toEqual([{ id: deviceId, key_hash: null }]);
    await db
      .updateTable('devices')
      .set({ key_hash: 'ab'.repeat(32) })
      .where('id', '=', deviceId)
      .execute();
    const found = await db
      .selectFrom('devices')
      .select('id')
      .where('commune_id', '=', communeId)
      .where('key_hash', '=', 'ab'.repeat(32))
      .execute();
    expect(found).toEqual([{ id: deviceId }]);

    expect((await t.migrateTo('005-collectivites')).error).toBeUndefined();
    expect(await db.selectFrom('users').select('username').execute()).toEqual([{ username: 'maire' }]);
  });
});
