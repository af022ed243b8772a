import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { requireAuth, requirePermission, requireService } from './auth.js';

/** The guards other domains put on their routes. */
describe.each(TEST_BACKENDS)('auth guards (%s)', (backend) => {
  let hub: TestHub;
  let a: SeededCommune;
  let c: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    hub.app.get(
      '/api/v1/test/electors',
      { preHandler: [requireService('electoral'), requirePermission('electoral.read')] },
      async (request) => ({ commune: requireAuth(request).insee }),
    );
    a = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
    c = await hub.seedCommune({ insee: '10033', services: ['acts'] });
  });
  afterAll(async () => hub?.close());

  const get = (token: string) =>
    hub.app.inject({ method: 'GET', url: '/api/v1/test/electors', headers: { authorization: `Bearer ${token}` } });

  it('lets through a role with the permission in a commune with the service, with the commune from the token', async () => {
    const res = await get(a.secretaireToken);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ commune: '10387' });
  });

  it('refuses a commune without the service (403 service_not_enabled) and a role without the permission (403 forbidden)', async () => {
    const noService = await get(c.maireToken);
    expect(noService.statusCode).toBe(403);
    expect(noService.json()).toMatchObject({
      code: 'service_not_enabled',
      message: "Le service « Listes électorales » n'est pas activé pour votre commune.",
    });
    const noPermission = await get(a.consultationToken);
    expect(noPermission.statusCode).toBe(403);
    expect(noPermission.json().code).toBe('forbidden');
  });

  it('sees a service switched off at once (no stale cache)', async () => {
    await hub.db.updateTable('collectivites').set({ services: '[]' }).where('id', '=', a.communeId).execute();
    expect((await get(a.secretaireToken)).statusCode).toBe(403);
    await hub.db.updateTable('collectivites').set({ services: '["electoral"]' }).where('id', '=', a.communeId).execute();
    expect((await get(a.secretaireToken)).statusCode).toBe(200);
  });

  it('records when a device was last seen, at most once a minute', async () => {
    const old = new Date(Date.now() - 5 * 60_000).toISOString();
    await hub.db.updateTable('devices').set({ last_seen_at: old }).where('id', '=', a.maireDeviceId).execute();
    await get(a.maireToken);
    const seen = (await hub.db.selectFrom('devices').select('last_seen_at').where('id', '=', a.maireDeviceId).executeTakeFirstOrThrow())
      .last_seen_at!;
    expect(Date.parse(seen)).toBeGreaterThan(Date.parse(old) + 4 * 60_000);
    await get(a.maireToken);
    const again = (await hub.db.selectFrom('devices').select('last_seen_at').where('id', '=', a.maireDeviceId).executeTakeFirstOrThrow())
      .last_seen_at;
    expect(again).toBe(seen);
  });
});
