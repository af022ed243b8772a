import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPassword } from '../../shared/accounts/password-policy.js';
import type { DeviceInfo, PasswordReset, RevokeDeviceResponse, SessionGrant, UserInfo } from '../../shared/accounts/types.js';
import { TEMPORARY_PASSWORD_MESSAGE } from '../../shared/accounts/types.js';
import { createTestHub, TEST_BACKENDS, TEST_PASSWORD, type SeededCommune, type TestHub } from '../test-support.js';
import { createAdmin, issueEnrollmentCode, resetUserPassword, revokeDevice } from './admin.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const STRONG = 'lavoir-cerise-tambour-ocre';
const deviceKey = () => randomBytes(32).toString('base64url');

describe.each(TEST_BACKENDS)('passwords and devices (%s)', (backend) => {
  let hub: TestHub;
  let bar: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub(backend, { rateLimit: { max: 1000, windowMs: 60_000 } });
    bar = await hub.seedCommune({ insee: '10034', services: ['electoral'] });
  }, 60_000);
  afterAll(async () => hub?.close());

  const post = (url: string, token: string | null, payload: object = {}) =>
    hub.app.inject({ method: 'POST', url, payload, headers: token ? bearer(token) : {} });
  const get = (url: string, token: string) => hub.app.inject({ method: 'GET', url, headers: bearer(token) });
  const login = (username: string, password: string, extra: object = {}) =>
    post('/api/v1/login', null, { insee: '10034', username, password, deviceName: 'PC accueil', ...extra });
  async function createUser(username: string, role: 'secretaire' | 'consultation' | 'maire', password = STRONG): Promise<UserInfo> {
    const res = await post('/api/v1/users', bar.maireToken, { username, displayName: `Compte ${username}`, role, password });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<UserInfo>();
  }
  /** Logs in with a temporary password and changes it, answering the session. */
  async function loginAndChange(username: string, temporary: string, extra: object = {}): Promise<SessionGrant> {
    const grant = (await login(username, temporary, extra)).json<SessionGrant>();
    const changed = await post('/api/v1/me/password', grant.token, { currentPassword: temporary, newPassword: `${STRONG}-${username}` });
    expect(changed.statusCode, changed.body).toBe(200);
    return grant;
  }

  it.each(['aaaaaaaaaa', '1234567890', 'motdepasse123', 'bar-sur-seine2026'])(
    'refuses %s everywhere a password is chosen, with the shared rule’s French reason',
    async (weak) => {
      const reason = checkPassword(weak, { username: 'agent', displayName: 'Compte agent', collectiviteName: 'Bar-sur-Seine' }).reason;
      expect(reason).not.toBeNull();
      const created = await post('/api/v1/users', bar.maireToken, {
        username: 'agent',
        displayName: 'Compte agent',
        role: 'secretaire',
        password: weak,
      });
      expect(created.statusCode).toBe(400);
      expect(created.json()).toMatchObject({ code: 'invalid_input', message: reason });

      const changed = await post('/api/v1/me/password', bar.secretaireToken, { currentPassword: TEST_PASSWORD, newPassword: weak });
      expect(changed.statusCode).toBe(400);
      expect(changed.json().message).toMatch(/^Ce mot de passe est trop facile à deviner\./);
      // Nothing changed: the old password still opens a session.
      expect((await login('secretaire', TEST_PASSWORD)).statusCode).toBe(200);
    },
  );

  it('refuses a weak password at enrollment (the commune’s name counts) and keeps the code usable', async () => {
    await hub.seedCommune({ insee: '10033', services: [] });
    await hub.db.deleteFrom('users').where('username', '=', 'j.martin').execute();
    const { code } = await issueEnrollmentCode(hub.db, '10034');
    const payload = { code, username: 'j.martin', displayName: 'Jeanne Martin', deviceName: 'PC' };
    const weak = await post('/api/v1/enroll', null, { ...payload, password: 'bar-sur-seine2026' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().message).toContain('données personnelles');
    const ok = await post('/api/v1/enroll', null, { ...payload, password: STRONG });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<SessionGrant>().user.mustChangePassword).toBe(false);
  });

  it('a password the mayor chose is temporary: the login says so and every other route waits for the change', async () => {
    await createUser('accueil', 'secretaire');
    const res = await login('accueil', STRONG);
    expect(res.statusCode).toBe(200);
    const grant = res.json<SessionGrant>();
    expect(grant.user.mustChangePassword).toBe(true);

    for (const [method, url] of [
      ['GET', '/api/v1/sync/pull?cursor=0'],
      ['POST', '/api/v1/sync/push'],
      ['GET', '/api/v1/users'],
    ] as const) {
      const refused = await hub.app.inject({
        method,
        url,
        headers: bearer(grant.token),
        payload: method === 'POST' ? { mutations: [] } : undefined,
      });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json(), url).toMatchObject({ code: 'password_change_required', message: TEMPORARY_PASSWORD_MESSAGE });
    }
    expect((await get('/api/v1/me', grant.token)).json<{ user: UserInfo }>().user.mustChangePassword).toBe(true);

    const same = await post('/api/v1/me/password', grant.token, { currentPassword: STRONG, newPassword: STRONG });
    expect(same.json().message).toBe("Le nouveau mot de passe doit être différent de l'actuel.");
    const changed = await post('/api/v1/me/password', grant.token, { currentPassword: STRONG, newPassword: 'ruisseau-violon-tuile-9' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<UserInfo>().mustChangePassword).toBe(false);
    expect((await get('/api/v1/sync/pull?cursor=0', grant.token)).statusCode).toBe(200);
  });

  it('every user changes their own password: the current one is checked, other sessions end, this one stays', async () => {
    await createUser('compta', 'consultation');
    const here = await loginAndChange('compta', STRONG);
    const elsewhere = (await login('compta', `${STRONG}-compta`)).json<SessionGrant>();
    const wrong = await post('/api/v1/me/password', here.token, {
      currentPassword: 'pas-le-bon-mot-de-passe',
      newPassword: 'ruisseau-violon-tuile-9',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('Le mot de passe actuel est incorrect.');

    const ok = await post('/api/v1/me/password', here.token, {
      currentPassword: `${STRONG}-compta`,
      newPassword: 'ruisseau-violon-tuile-9',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await get('/api/v1/me', here.token)).statusCode).toBe(200);
    expect((await get('/api/v1/me', elsewhere.token)).statusCode).toBe(401);
    expect((await login('compta', `${STRONG}-compta`)).statusCode).toBe(401);
    expect((await login('compta', 'ruisseau-violon-tuile-9')).statusCode).toBe(200);
  });

  it('the mayor resets a secretary’s password (shown once, sessions end), never another maire’s nor their own', async () => {
    const user = await createUser('etat-civil', 'secretaire');
    const session = await loginAndChange('etat-civil', STRONG);

    const res = await post(`/api/v1/users/${user.id}/reset-password`, bar.maireToken);
    expect(res.statusCode, res.body).toBe(200);
    const reset = res.json<PasswordReset>();
    expect(reset.user).toMatchObject({ id: user.id, mustChangePassword: true });
    expect(checkPassword(reset.temporaryPassword).ok).toBe(true);
    expect((await get('/api/v1/me', session.token)).statusCode).toBe(401);
    expect((await login('etat-civil', `${STRONG}-etat-civil`)).statusCode).toBe(401);
    expect((await login('etat-civil', reset.temporaryPassword)).json<SessionGrant>().user.mustChangePassword).toBe(true);

    const adjoint = await createUser('adjoint', 'maire');
    const other = await post(`/api/v1/users/${adjoint.id}/reset-password`, bar.maireToken);
    expect(other.statusCode).toBe(403);
    expect(other.json().message).toMatch(/compte de maire ne peut pas être réinitialisé/);
    const self = await post(`/api/v1/users/${bar.maireUserId}/reset-password`, bar.maireToken);
    expect(self.statusCode).toBe(409);
    const bySecretary = await post(`/api/v1/users/${user.id}/reset-password`, bar.secretaireToken);
    expect(bySecretary.statusCode).toBe(403);
    // Another commune's mayor cannot reach the account.
    const troyes = await hub.seedCommune({ insee: '10387', services: [] });
    expect((await post(`/api/v1/users/${user.id}/reset-password`, troyes.maireToken)).statusCode).toBe(404);
  });

  it('one PC keeps one device across logins of different users; « ce poste » is marked; a key never crosses tenants', async () => {
    const key = deviceKey();
    await createUser('poste-a', 'secretaire');
    await createUser('poste-b', 'consultation');
    const a = await loginAndChange('poste-a', STRONG, { deviceKey: key });
    const b = (await login('poste-b', STRONG, { deviceKey: key })).json<SessionGrant>();
    const a2 = (await login('poste-a', `${STRONG}-poste-a`, { deviceKey: key })).json<SessionGrant>();
    expect(b.device.id).toBe(a.device.id);
    expect(a2.device.id).toBe(a.device.id);
    expect(a2.device.current).toBe(true);
    // Without a key (an older PC): a device of its own.
    expect((await login('poste-a', `${STRONG}-poste-a`)).json<SessionGrant>().device.id).not.toBe(a.device.id);

    const devices = (await get('/api/v1/devices', bar.maireToken)).json<DeviceInfo[]>();
    expect(devices.filter((d) => d.current).map((d) => d.id)).toEqual([bar.maireDeviceId]);
    expect(devices.filter((d) => d.id === a.device.id)).toHaveLength(1);

    // The same key presented to another collectivité finds nothing there: a new device, the first untouched.
    const troyes = await hub.db.selectFrom('collectivites').select('id').where('insee', '=', '10387').executeTakeFirstOrThrow();
    const other = await post('/api/v1/login', null, {
      insee: '10387',
      username: 'maire',
      password: TEST_PASSWORD,
      deviceName: 'Intrus',
      deviceKey: key,
    });
    expect(other.statusCode).toBe(200);
    const otherDevice = other.json<SessionGrant>().device;
    expect(otherDevice.id).not.toBe(a.device.id);
    const row = await hub.db.selectFrom('devices').selectAll().where('id', '=', a.device.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ commune_id: bar.communeId, name: 'PC accueil' });
    expect(row.commune_id).not.toBe(troyes.id);

    // A revoked device is never revived by its key: the next login gets a new one.
    await revokeDevice(hub.db, a.device.id);
    const after = (await login('poste-a', `${STRONG}-poste-a`, { deviceKey: key })).json<SessionGrant>();
    expect(after.device.id).not.toBe(a.device.id);
    expect((await get('/api/v1/me', a2.token)).statusCode).toBe(401);
  });

  it('revoking a stolen PC resets the passwords of its users, except the mayor’s own and maire accounts', async () => {
    const key = deviceKey();
    await createUser('vol-a', 'secretaire');
    await createUser('vol-b', 'consultation');
    await createUser('vol-maire', 'maire');
    const a = await loginAndChange('vol-a', STRONG, { deviceKey: key });
    const b = await loginAndChange('vol-b', STRONG, { deviceKey: key });
    await loginAndChange('vol-maire', STRONG, { deviceKey: key });
    const bElsewhere = (await login('vol-b', `${STRONG}-vol-b`)).json<SessionGrant>();

    const res = await post(`/api/v1/devices/${a.device.id}/revoke`, bar.maireToken, { resetPasswords: true });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<RevokeDeviceResponse>();
    expect(r.device).toMatchObject({ id: a.device.id, revoked: true });
    expect(r.passwordResets.map((p) => p.user.username)).toEqual(['vol-a', 'vol-b']);
    expect(r.notReset.map((u) => u.username)).toEqual(['vol-maire']);
    // The thief's sessions, and the users' sessions elsewhere, end; the old passwords no longer open one.
    for (const token of [a.token, b.token, bElsewhere.token]) expect((await get('/api/v1/me', token)).statusCode).toBe(401);
    expect((await login('vol-a', `${STRONG}-vol-a`)).statusCode).toBe(401);
    const temp = r.passwordResets[0].temporaryPassword;
    expect((await login('vol-a', temp)).json<SessionGrant>().user.mustChangePassword).toBe(true);

    // Without the flag: revoked only.
    const plain = await loginAndChange('vol-a', temp, { deviceKey: deviceKey() });
    const only = (await post(`/api/v1/devices/${plain.device.id}/revoke`, bar.maireToken)).json<RevokeDeviceResponse>();
    expect(only).toMatchObject({ device: { revoked: true }, passwordResets: [], notReset: [] });
  });

  it('the département’s CLI functions: a reset for a mayor, a stolen PC resetting every account, strong admin passwords', async () => {
    const reset = await resetUserPassword(hub.db, '10034', 'maire');
    expect(reset.user).toMatchObject({ username: 'maire', mustChangePassword: true });
    expect((await get('/api/v1/me', bar.maireToken)).statusCode).toBe(401);
    const mayor = await loginAndChange('maire', reset.temporaryPassword, { deviceKey: deviceKey() });
    const r = await revokeDevice(hub.db, mayor.device.id, { resetPasswords: true });
    expect(r.passwordResets.map((p) => p.user.username)).toEqual(['maire']);
    await expect(createAdmin(hub.db, 'helpdesk', 'azertyuiop12')).rejects.toThrow(/trop facile à deviner/);
    await expect(resetUserPassword(hub.db, '10034', 'personne')).rejects.toThrow(/Aucun compte/);
  });
});
