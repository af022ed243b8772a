import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_KEY_SECRET } from '../../electron/accounts/session.js';
import { TEMPORARY_PASSWORD_MESSAGE } from '../../shared/accounts/types.js';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { call, openCore, refusal } from './core-harness.js';
import { startFlakyProxy } from './flaky-proxy.js';
import { parisDay } from '../../shared/calendar.js';
import { syntheticDepositInput } from '../../shared/electoral/synthetic-demand.js';

/**
 * One PC, one device on the hub, whoever logs in (issue 7): the PC keeps a device key in its
 * data folder, the hub reuses that PC's device row, and the sync's (device, mutation) history
 * stays exact when users take turns on it. Real hub over HTTP, real client cores.
 */
let hub: TestHub;
let hubUrl: string;
let troyes: SeededCommune;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  troyes = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
}, 60_000);
afterAll(async () => hub?.close());

const login = (username: string, password = TEST_PASSWORD, url = hubUrl) => ({
  hubUrl: url,
  insee: '10387',
  username,
  password,
  deviceName: 'PC accueil',
});
const demand = (birthName: string) => ({
  kind: 'inscription',
  electorId: null,
  applicant: { birthName, usageName: null, firstNames: 'Léa', birthDate: '2001-05-04' },
  newAddress: null,
  newBureauCode: null,
  comment: null,
  ...syntheticDepositInput(parisDay(new Date())),
});

async function hubDemands(): Promise<{ id: string; version: number; name: string }[]> {
  const rows = await hub.db
    .selectFrom('sync_records')
    .select(['id', 'version', 'data'])
    .where('commune_id', '=', troyes.communeId)
    .where('collection', '=', 'electoral.demands')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    name: (JSON.parse(r.data ?? '{}') as { applicant: { birthName: string } }).applicant.birthName,
  }));
}

describe('one device per PC across logins', () => {
  it('two users taking turns on one PC: one device, every change applied once, none lost, « ce poste » marked', async () => {
    const proxy = await startFlakyProxy(hubUrl);
    const core = await openCore();
    try {
      const devicesBefore = await hub.db.selectFrom('devices').select('id').where('commune_id', '=', troyes.communeId).execute();
      const made: string[] = [];
      const deviceIds = new Set<string>();
      for (let turn = 0; turn < 4; turn++) {
        const user = turn % 2 === 0 ? 'maire' : 'secretaire';
        await call(core, 'session:login', login(user, TEST_PASSWORD, proxy.url));
        made.push((await call(core, 'electoral:create-demand', demand(`TOUR${turn}`))).id);
        if (turn === 1) {
          // The hub applies the secretary's push but the answers are lost; the next user's session re-sends it.
          proxy.dropResponses(3, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
          expect(await call(core, 'sync:now', null)).toMatchObject({ pending: 1 });
        } else {
          expect(await call(core, 'sync:now', null)).toMatchObject({ pending: 0, rejected: [], lastError: null });
        }
        const session = await hub.db
          .selectFrom('sessions')
          .select('device_id')
          .where('commune_id', '=', troyes.communeId)
          .orderBy('created_at', 'desc')
          .executeTakeFirstOrThrow();
        deviceIds.add(session.device_id);
        await call(core, 'session:logout', null);
      }
      expect(deviceIds.size).toBe(1);
      const [deviceId] = [...deviceIds];
      const devicesAfter = await hub.db.selectFrom('devices').select('id').where('commune_id', '=', troyes.communeId).execute();
      expect(devicesAfter.length - devicesBefore.length).toBe(1);

      // Every demand once on the hub, each written once (a second application would have bumped its version or been refused).
      const onHub = await hubDemands();
      expect(
        onHub
          .filter((d) => made.includes(d.id))
          .map((d) => d.name)
          .sort(),
      ).toEqual(['TOUR0', 'TOUR1', 'TOUR2', 'TOUR3']);
      const applied = await hub.db.selectFrom('device_mutations').select(['mutation_id']).where('device_id', '=', deviceId).execute();
      const ids = applied.map((a) => Number(a.mutation_id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(4);
      const versions = new Map(onHub.map((d) => [d.id, d.version]));
      await call(core, 'session:login', login('maire'));
      expect(await call(core, 'sync:now', null)).toMatchObject({ pending: 0, rejected: [] });
      for (const id of made) expect((await hubDemands()).find((d) => d.id === id)?.version).toBe(versions.get(id));

      // The devices list marks this PC.
      const devices = await call(core, 'accounts:devices', null);
      expect(devices.filter((d) => d.current).map((d) => d.id)).toEqual([deviceId]);
      const key = JSON.parse(readFileSync(join(core.dataDir, 'secrets.json'), 'utf8'))[DEVICE_KEY_SECRET] as string;
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = await hub.db.selectFrom('devices').select('key_hash').where('id', '=', deviceId).executeTakeFirstOrThrow();
      expect(stored.key_hash).not.toContain(key);
    } finally {
      await core.close();
      await proxy.close();
    }
  }, 120_000);

  it('the key lives in the data folder: reopened, the PC is the same device; another data folder is another', async () => {
    const core = await openCore();
    await call(core, 'session:login', login('secretaire'));
    const first = await hub.db
      .selectFrom('sessions')
      .select('device_id')
      .where('user_id', '=', troyes.secretaireUserId)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    await core.close();
    const reopened = await openCore(core.dataDir);
    const other = await openCore();
    try {
      await call(reopened, 'session:login', login('maire'));
      await call(other, 'session:login', login('maire'));
      const devices = await call(reopened, 'accounts:devices', null);
      const mine = devices.find((d) => d.current)!;
      const theirs = (await call(other, 'accounts:devices', null)).find((d) => d.current)!;
      expect(mine.id).toBe(first.device_id);
      expect(theirs.id).not.toBe(mine.id);
    } finally {
      await reopened.close();
      await other.close();
    }
  });

  it('a temporary password: the PC shows the change first, refuses the rest, then works; the mayor resets and revokes', async () => {
    const mayor = await openCore();
    const agent = await openCore();
    try {
      await call(mayor, 'session:login', login('maire'));
      const created = await call(mayor, 'accounts:create-user', {
        username: 'agent',
        displayName: 'Agent accueil',
        role: 'secretaire',
        password: 'ruisseau-violon-tuile-9',
      });
      expect(created.mustChangePassword).toBe(true);

      const state = await call(agent, 'session:login', login('agent', 'ruisseau-violon-tuile-9'));
      expect(state).toMatchObject({ status: 'logged_in', mustChangePassword: true });
      expect(await refusal(agent, 'electoral:demands', { status: null })).toMatchObject({
        code: 'password_change_required',
        message: TEMPORARY_PASSWORD_MESSAGE,
      });
      const weak = await refusal(agent, 'session:change-password', {
        currentPassword: 'ruisseau-violon-tuile-9',
        newPassword: 'motdepasse123',
      });
      expect(weak).toMatchObject({ code: 'invalid_input' });
      expect(weak.message).toMatch(/^Ce mot de passe est trop facile à deviner\./);
      const changed = await call(agent, 'session:change-password', {
        currentPassword: 'ruisseau-violon-tuile-9',
        newPassword: 'lavoir-cerise-tambour-ocre',
      });
      expect(changed).toMatchObject({ status: 'logged_in', mustChangePassword: false });
      expect(await call(agent, 'electoral:demands', { status: null })).toEqual(expect.any(Array));
      expect(await call(agent, 'sync:now', null)).toMatchObject({ lastError: null });

      // The mayor resets it: shown once; the agent's session ends.
      const reset = await call(mayor, 'accounts:reset-password', { id: created.id });
      expect(reset.temporaryPassword).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){4}$/);
      const s = await call(agent, 'sync:now', null);
      expect(s.lastError?.code).toBe('unauthenticated');

      // A stolen PC: revoked with its users' passwords reset.
      await call(agent, 'session:login', login('agent', reset.temporaryPassword));
      await call(agent, 'session:change-password', { currentPassword: reset.temporaryPassword, newPassword: 'lavoir-cerise-tambour-ocre' });
      const devices = await hub.db
        .selectFrom('sessions')
        .select('device_id')
        .where('user_id', '=', created.id)
        .where('revoked_at', 'is', null)
        .execute();
      const revoked = await call(mayor, 'accounts:revoke-device', { id: devices[0].device_id, resetPasswords: true });
      expect(revoked.device.revoked).toBe(true);
      expect(revoked.passwordResets.map((p) => p.user.username)).toEqual(['agent']);
    } finally {
      await mayor.close();
      await agent.close();
    }
  }, 120_000);
});
