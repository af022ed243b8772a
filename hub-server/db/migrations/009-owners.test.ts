import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 009-owners (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('adds user_grants: one grant per user and permission, gone with the user', async () => {
    const t = await openAt(backend, '005-collectivites');
    dispose = t.dispose;
    const { db } = t;
    const now = nowIso();
    const cid = randomUUID();
    const uid = randomUUID();
    await db
      .insertInto('collectivites')
      .values({
        id: cid,
        kind: 'commune',
        siren: '211000328',
        insee: '10034',
        name: 'Bar',
        arrondissement: null,
        services: '[]',
        created_at: now,
      })
      .execute();
    await db
      .insertInto('users')
      .values({
        id: uid,
        commune_id: cid,
        username: 'maire',
        display_name: 'M',
        role: 'maire',
        password_hash: 'x',
        disabled: 0,
        created_at: now,
      })
      .execute();
    expect((await t.migrateToLatest()).error).toBeUndefined();
    const grant = { commune_id: cid, user_id: uid, permission: 'owners.read', granted_by: uid, granted_at: now };
    await db.insertInto('user_grants').values(grant).execute();
    await expect(db.insertInto('user_grants').values(grant).execute()).rejects.toThrow();
    await db.deleteFrom('users').where('id', '=', uid).execute();
    expect(await db.selectFrom('user_grants').selectAll().execute()).toEqual([]);
  });
});
