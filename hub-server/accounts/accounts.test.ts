import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionGrant, UserInfo } from '../../shared/accounts/types.js';
import { createTestHub, TEST_BACKENDS, TEST_PASSWORD, type TestHub } from '../test-support.js';
import { addCollectivite, issueEnrollmentCode, listDevices } from './admin.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(TEST_BACKENDS)('accounts flows (%s)', (backend) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub(backend, { rateLimit: { max: 4, windowMs: 60_000 } });
  });
  afterAll(async () => hub?.close());

  const me = (token: string) => hub.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
  const login = (insee: string, username: string, password: string) =>
    hub.app.inject({ method: 'POST', url: '/api/v1/login', payload: { insee, username, password, deviceName: 'PC accueil' } });

  it('enrolls the maire once with a one-time code; a second use is refused in French', async () => {
    await hub.seedCommune({ insee: '10387', services: ['electoral'] });
    const { code } = await issueEnrollmentCode(hub.db, '10387');
    const payload = {
      code: code.toLowerCase(),
      username: 'j.dupont',
      displayName: 'Jeanne Dupont',
      password: 'un-mot-de-passe-solide',
      deviceName: 'PC mairie',
    };
    const first = await hub.app.inject({ method: 'POST', url: '/api/v1/enroll', payload });
    expect(first.statusCode).toBe(200);
    const grant = first.json<SessionGrant>();
    expect(grant.user).toMatchObject({ username: 'j.dupont', role: 'maire', disabled: false });
    expect(grant.commune).toMatchObject({ insee: '10387', name: 'Troyes', services: ['electoral'] });
    expect((await me(grant.token)).json()).toMatchObject({ user: { id: grant.user.id }, device: { id: grant.device.id } });

    const again = await hub.app.inject({ method: 'POST', url: '/api/v1/enroll', payload: { ...payload, username: 'autre' } });
    expect(again.statusCode).toBe(403);
    expect(again.json().message).toMatch(/code d'inscription n'est pas valable/);
    // The enrolled maire can then log in from another PC.
    expect((await login('10387', 'j.dupont', 'un-mot-de-passe-solide')).statusCode).toBe(200);
    // Only the hash of the code is stored.
    const rows = await hub.db.selectFrom('enrollment_codes').select('code_hash').execute();
    expect(rows.some((r) => r.code_hash.includes(code.replace(/-/g, '')))).toBe(false);
  });

  it("enrolls an EPCI's président by its SIREN code; its users log in with the SIREN", async () => {
    await addCollectivite(hub.db, { siren: '241000447', services: ['acts'] }); // CC du Pays d'Othe
    const { code } = await issueEnrollmentCode(hub.db, '241000447');
    const enrolled = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/enroll',
      payload: { code, username: 'president', displayName: 'M. le Président', password: 'un-mot-de-passe-solide', deviceName: 'PC' },
    });
    expect(enrolled.statusCode).toBe(200);
    const grant = enrolled.json<SessionGrant>();
    expect(grant.user.role).toBe('maire');
    expect(grant.commune).toMatchObject({ kind: 'epci', insee: null, siren: '241000447', name: "CC du Pays d'Othe", services: ['acts'] });
    expect(grant.commune.members).toHaveLength(14);

    const bySiren = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      payload: { siren: '241000447', username: 'president', password: 'un-mot-de-passe-solide', deviceName: 'PC 2' },
    });
    expect(bySiren.statusCode).toBe(200);
    expect(bySiren.json<SessionGrant>().commune.kind).toBe('epci');
    // A member commune's INSEE code is not the EPCI's: same generic refusal as a wrong password.
    const byMember = await login(grant.commune.members[0], 'president', 'un-mot-de-passe-solide');
    expect(byMember.statusCode).toBe(401);
    const both = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      payload: { insee: '10387', siren: '241000447', username: 'president', password: 'x', deviceName: 'PC' },
    });
    expect(both.statusCode).toBe(400);
  });

  it('refuses an expired enrollment code and an unknown one', async () => {
    await hub.seedCommune({ insee: '10033', services: [] });
    const { code } = await issueEnrollmentCode(hub.db, '10033', new Date(Date.now() - 31 * 86_400_000));
    const payload = { code, username: 'maire2', displayName: 'M. Martin', password: 'un-mot-de-passe-solide', deviceName: 'PC' };
    const expired = await hub.app.inject({ method: 'POST', url: '/api/v1/enroll', payload });
    expect(expired.statusCode).toBe(403);
    const unknown = await hub.app.inject({ method: 'POST', url: '/api/v1/enroll', payload: { ...payload, code: 'AAAA-BBBB-CCCC-DDDD' } });
    expect(unknown.statusCode).toBe(403);
    const users = await hub.db.selectFrom('users').select('username').where('username', '=', 'maire2').execute();
    expect(users).toHaveLength(0);
  });

  it('logs in with INSEE + username + password; a wrong password or unknown user gets the same generic answer', async () => {
    const c = await hub.seedCommune({ insee: '10362', services: ['electoral'] });
    const ok = await login('10362', 'secretaire', TEST_PASSWORD);
    expect(ok.statusCode).toBe(200);
    const grant = ok.json<SessionGrant>();
    expect(grant.user.role).toBe('secretaire');
    expect(grant.device.id).not.toBe(c.secretaireDeviceId); // each login is a new device
    expect((await me(grant.token)).statusCode).toBe(200);

    const wrong = await login('10362', 'maire', 'mauvais-mot-de-passe');
    const nobody = await login('10362', 'personne', 'mauvais-mot-de-passe');
    expect(wrong.statusCode).toBe(401);
    expect(nobody.statusCode).toBe(401);
    expect(wrong.json().message).toBe('Identifiant ou mot de passe incorrect.');
    expect(nobody.json().message).toBe(wrong.json().message);
    expect(wrong.body).not.toContain(TEST_PASSWORD);
  });

  it('rate-limits login attempts per IP and username with a French 429', async () => {
    await hub.seedCommune({ insee: '10323', services: [] });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login('10323', 'maire', `essai-numero-${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    const limited = await login('10323', 'maire', TEST_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Trop de tentatives/) });
    // Another account from the same address is not locked out.
    expect((await login('10323', 'secretaire', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('logout, device revocation and disabling a user end the session (401)', async () => {
    const c = await hub.seedCommune({ insee: '10081', services: [] });
    const logout = await hub.app.inject({ method: 'POST', url: '/api/v1/logout', headers: bearer(c.consultationToken) });
    expect(logout.statusCode).toBe(204);
    expect((await me(c.consultationToken)).statusCode).toBe(401);

    const revoke = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${c.secretaireDeviceId}/revoke`,
      headers: bearer(c.maireToken),
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({ device: { id: c.secretaireDeviceId, revoked: true }, passwordResets: [] });
    const after = await me(c.secretaireToken);
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toMatch(/Reconnectez-vous/);
    expect((await me(c.maireToken)).statusCode).toBe(200);
    const devices = await listDevices(hub.db, '10081');
    expect(devices.find((d) => d.id === c.secretaireDeviceId)?.revoked).toBe(true);

    // The secretary logs in again on a new device, then the maire disables the account.
    const relog = (await login('10081', 'secretaire', TEST_PASSWORD)).json<SessionGrant>();
    expect((await me(relog.token)).statusCode).toBe(200);
    const disable = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/users/${c.secretaireUserId}/disable`,
      headers: bearer(c.maireToken),
    });
    expect(disable.json<UserInfo>()).toMatchObject({ id: c.secretaireUserId, disabled: true });
    expect((await me(relog.token)).statusCode).toBe(401);
    const refused = await login('10081', 'secretaire', TEST_PASSWORD);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(/désactivé/);
    // The maire cannot lock himself out.
    const self = await hub.app.inject({ method: 'POST', url: `/api/v1/users/${c.maireUserId}/disable`, headers: bearer(c.maireToken) });
    expect(self.statusCode).toBe(409);
  });

  it("a maire cannot disable another maire's account (the screen hides it; the hub decides)", async () => {
    const c = await hub.seedCommune({ insee: '10034', services: ['electoral'] });
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(c.maireToken),
      payload: { username: 'adjoint', displayName: 'Premier adjoint', role: 'maire', password: 'un-mot-de-passe-solide' },
    });
    const other = created.json<UserInfo>();
    const res = await hub.app.inject({ method: 'POST', url: `/api/v1/users/${other.id}/disable`, headers: bearer(c.maireToken) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/compte d'un maire/) });
    const row = await hub.db.selectFrom('users').select('disabled').where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(Number(row.disabled)).toBe(0);
    expect((await login('10034', 'adjoint', 'un-mot-de-passe-solide')).statusCode).toBe(200);
  });

  it('only the maire manages users and devices; the secretary and consultation roles are refused', async () => {
    const c = await hub.seedCommune({ insee: '10042', services: ['electoral'] });
    for (const token of [c.secretaireToken, c.consultationToken]) {
      for (const req of [
        { method: 'GET' as const, url: '/api/v1/users' },
        { method: 'GET' as const, url: '/api/v1/devices' },
        {
          method: 'POST' as const,
          url: '/api/v1/users',
          payload: { username: 'intrus', displayName: 'X', role: 'maire', password: 'un-mot-de-passe-solide' },
        },
        { method: 'POST' as const, url: `/api/v1/users/${c.maireUserId}/disable` },
      ]) {
        const res = await hub.app.inject({ ...req, headers: bearer(token) });
        expect(res.statusCode, `${req.method} ${req.url}`).toBe(403);
        expect(res.json().code).toBe('forbidden');
      }
      // Everyone can read who they are.
      expect((await me(token)).statusCode).toBe(200);
    }
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(c.maireToken) });
    expect(list.json<UserInfo[]>().map((u) => u.username)).toEqual(['consultation', 'maire', 'secretaire']);
    expect(list.body).not.toContain('password');

    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(c.maireToken),
      payload: { username: 'Adjoint.1', displayName: 'Adjoint', role: 'consultation', password: 'un-mot-de-passe-solide' },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json<UserInfo>()).toMatchObject({ username: 'adjoint.1', role: 'consultation' });
    const dup = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(c.maireToken),
      payload: { username: 'adjoint.1', displayName: 'Adjoint', role: 'consultation', password: 'un-mot-de-passe-solide' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toMatch(/déjà pris/);
    const loggedIn = (await login('10042', 'adjoint.1', 'un-mot-de-passe-solide')).json<SessionGrant>();
    expect(loggedIn.user.role).toBe('consultation');
  });

  it('answers bad input with a French message and an outdated client with 426', async () => {
    const c = await hub.seedCommune({ insee: '10049', services: [] });
    const bad = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(c.maireToken),
      payload: { username: 'x', displayName: 'X', role: 'maire', password: 'un-mot-de-passe-solide' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/L'identifiant doit faire de 3 à 40 caractères/),
    });
    const notJson = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      headers: { 'content-type': 'application/json' },
      payload: '{pas du json',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().code).toBe('bad_request');
    const old = await hub.app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...bearer(c.maireToken), 'x-guichet-protocol': '0' } });
    expect(old.statusCode).toBe(426);
    expect(old.json()).toMatchObject({ code: 'upgrade_required', message: expect.stringMatching(/mettez Guichet à jour/) });
    const current = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { ...bearer(c.maireToken), 'x-guichet-protocol': '1' },
    });
    expect(current.statusCode).toBe(200);
  });
});
