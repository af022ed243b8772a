import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeResponse, SessionGrant } from '../../../shared/accounts/types.js';
import { HUB_ROUTES } from '../../../shared/api/hub.js';
import { createTestHub, TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { type AnyTables, openAt } from './migration-test-support.js';
import type { Kysely } from 'kysely';

/** A commune as hub 004 stored it, with an account, a device, a session, a code and synced records. */
async function seedAt004(db: Kysely<AnyTables>, insee: string, siren: string) {
  const now = nowIso();
  const communeId = randomUUID();
  const userId = randomUUID();
  const deviceId = randomUUID();
  await db
    .insertInto('communes')
    .values({
      id: communeId,
      insee,
      siren,
      name: `Commune ${insee}`,
      arrondissement: '103',
      services: '["electoral","acts"]',
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
      password_hash: 'scrypt$1$1$1$a$b',
      disabled: 0,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('devices')
    .values({ id: deviceId, commune_id: communeId, user_id: userId, name: 'PC', created_at: now, last_seen_at: null, revoked_at: null })
    .execute();
  await db
    .insertInto('sessions')
    .values({
      id: randomUUID(),
      token_hash: `h-${insee}`,
      user_id: userId,
      device_id: deviceId,
      commune_id: communeId,
      created_at: now,
      revoked_at: null,
    })
    .execute();
  await db
    .insertInto('enrollment_codes')
    .values({ id: randomUUID(), commune_id: communeId, code_hash: `c-${insee}`, created_at: now, expires_at: now, used_at: null })
    .execute();
  await db.insertInto('commune_sync').values({ commune_id: communeId, epoch: 'e1', last_seq: 1 }).execute();
  await db
    .insertInto('sync_records')
    .values({ commune_id: communeId, collection: 'electoral.demands', id: 'd1', version: 1, deleted: 0, data: '{}', written_at: now })
    .execute();
  return { communeId, userId, deviceId };
}

const count = async (db: Kysely<AnyTables>, table: string) =>
  Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0].n);

describe.each(TEST_BACKENDS)('migration 005-collectivites (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('turns every commune into a collectivité of kind commune with the same id, keeping what hangs off it', async () => {
    const t = await openAt(backend, '004-acts-name');
    dispose = t.dispose;
    const { db } = t;
    const troyes = await seedAt004(db, '10387', '211003744');
    await seedAt004(db, '10033', '211000336');

    const result = await t.migrateToLatest();
    expect(result.error).toBeUndefined();

    const rows = await db.selectFrom('collectivites').selectAll().orderBy('insee').execute();
    expect(rows.map((r) => [r.kind, r.insee, r.siren, r.services])).toEqual([
      ['commune', '10033', '211000336', '["electoral","acts"]'],
      ['commune', '10387', '211003744', '["electoral","acts"]'],
    ]);
    expect(rows.find((r) => r.insee === '10387')?.id).toBe(troyes.communeId);
    // Nothing was cascade-deleted by the rebuild.
    for (const table of ['users', 'devices', 'sessions', 'enrollment_codes', 'commune_sync', 'sync_records'])
      expect(await count(db, table), table).toBe(2);
    await expect(sql`SELECT 1 FROM communes`.execute(db)).rejects.toThrow();

    // The foreign keys now point at collectivites: an unknown tenant is refused, deleting one cascades.
    const now = nowIso();
    await expect(
      db
        .insertInto('users')
        .values({
          id: randomUUID(),
          commune_id: randomUUID(),
          username: 'orphelin',
          display_name: 'X',
          role: 'maire',
          password_hash: 'x',
          disabled: 0,
          created_at: now,
        })
        .execute(),
    ).rejects.toThrow();

    // A grouping: no INSEE code, a unique SIREN, member communes.
    const epciId = randomUUID();
    const epci = {
      id: epciId,
      kind: 'epci',
      siren: '200069250',
      insee: null,
      name: 'CA Troyes',
      arrondissement: null,
      services: '[]',
      created_at: now,
    };
    await db.insertInto('collectivites').values(epci).execute();
    await db
      .insertInto('collectivite_members')
      .values([
        { collectivite_id: epciId, insee: '10387' },
        { collectivite_id: epciId, insee: '10033' },
      ])
      .execute();
    await expect(
      db.insertInto('collectivite_members').values({ collectivite_id: epciId, insee: '10387' }).execute(),
      'a member listed twice',
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('collectivites')
        .values({ ...epci, id: randomUUID() })
        .execute(),
      'the same SIREN twice',
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('collectivites')
        .values({ ...epci, id: randomUUID(), siren: '200000001', kind: 'commune' })
        .execute(),
      'a commune without INSEE code',
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('collectivites')
        .values({ ...epci, id: randomUUID(), siren: '200000002', kind: 'region' })
        .execute(),
      'an unknown kind',
    ).rejects.toThrow();

    await db.deleteFrom('collectivites').where('id', '=', troyes.communeId).execute();
    expect(await count(db, 'sessions')).toBe(1);
    await db.deleteFrom('collectivites').where('id', '=', epciId).execute();
    expect(await count(db, 'collectivite_members')).toBe(0);
  });

  it('refuses to upgrade while two communes share a SIREN, leaving the database as it was', async () => {
    const t = await openAt(backend, '004-acts-name');
    dispose = t.dispose;
    await seedAt004(t.db, '10387', '211003744');
    await seedAt004(t.db, '10033', '211003744');
    const result = await t.migrateToLatest();
    expect(String(result.error)).toMatch(/share a SIREN \(211003744\)/);
    expect(await count(t.db, 'communes')).toBe(2);
    expect(await count(t.db, 'sessions')).toBe(2);
  });

  it('goes back down to the communes table when only communes are registered', async () => {
    const t = await openAt(backend, '004-acts-name');
    dispose = t.dispose;
    const troyes = await seedAt004(t.db, '10387', '211003744');
    expect((await t.migrateToLatest()).error).toBeUndefined();
    expect((await t.migrateTo('004-acts-name')).error).toBeUndefined();
    const rows = await t.db.selectFrom('communes').select(['id', 'insee']).execute();
    expect(rows).toEqual([{ id: troyes.communeId, insee: '10387' }]);
    expect(await count(t.db, 'sessions')).toBe(1);
    // And up again.
    expect((await t.migrateToLatest()).error).toBeUndefined();
    expect(await count(t.db, 'collectivites')).toBe(1);
  });
});

describe('upgrade of a hub database written by Guichet 1a6efef (test/fixtures/hub-db-v1a6efef.sqlite)', () => {
  const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;
  const made = JSON.parse(readFileSync(join(fixtures, 'hub-db-v1a6efef.json'), 'utf8')) as {
    token: string;
    insee: string;
    siren: string;
    userId: string;
    deviceId: string;
    demandId: string;
    marker: string;
  };
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('keeps the enrolled PC working: its token authenticates, its records are pulled, its mayor logs in', async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-upgrade-'));
    const file = join(dir, 'hub.sqlite');
    copyFileSync(join(fixtures, 'hub-db-v1a6efef.sqlite'), file);
    const hub = await createTestHub('sqlite', { file });
    try {
      const bearer = { authorization: `Bearer ${made.token}` };
      const me = await hub.app.inject({ method: 'GET', url: HUB_ROUTES.me.path, headers: bearer });
      expect(me.statusCode).toBe(200);
      const body = me.json<MeResponse>();
      expect(body.commune).toEqual({
        kind: 'commune',
        insee: made.insee,
        siren: made.siren,
        name: 'Troyes',
        arrondissement: '103',
        members: [],
        services: ['electoral', 'acts'],
      });
      expect(body.user).toMatchObject({ id: made.userId, role: 'maire' });
      expect(body.device).toMatchObject({ id: made.deviceId, revoked: false });

      const pull = await hub.app.inject({ method: 'GET', url: `${HUB_ROUTES.syncPull.path}?cursor=0`, headers: bearer });
      expect(pull.statusCode).toBe(200);
      const changes = (pull.json() as { changes: { collection: string; id: string; data: unknown }[] }).changes;
      const demand = changes.find((c) => c.collection === 'electoral.demands' && c.id === made.demandId);
      expect(demand?.data).toMatchObject({ applicant: { birthName: made.marker } });

      const login = await hub.app.inject({
        method: 'POST',
        url: HUB_ROUTES.login.path,
        payload: { insee: made.insee, username: 'maire', password: 'motdepasse-ancien-hub', deviceName: 'PC neuf' },
      });
      expect(login.statusCode).toBe(200);
      expect(login.json<SessionGrant>().commune.kind).toBe('commune');
    } finally {
      await hub.close();
    }
  });
});
