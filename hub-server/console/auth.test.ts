import { generate } from 'otplib';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import { CONSOLE_AUTH_ROUTES } from '../../shared/console/routes.js';
import type { ConsoleLoginResponse } from '../../shared/console/staff.js';
import { hashPassword } from '../accounts/passwords.js';
import { createTestHub, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { CSRF_HEADER, STAFF_COOKIE } from './staff-auth.js';
import { insertStaff } from './staff-store.js';
import { seedStaff, STAFF_TEST_PASSWORD } from './test-support.js';

const { consoleLogin, consoleMe, consoleLogout } = CONSOLE_AUTH_ROUTES;

describe.each(TEST_BACKENDS)('console sign-in (%s)', (backend) => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  const login = (h: TestHub, body: object) => h.app.inject({ method: 'POST', url: consoleLogin.path, payload: body });
  const cookieOf = (setCookie: string | string[] | undefined) => {
    const line = [setCookie ?? ''].flat()[0];
    return line.split(';')[0];
  };

  it('enrols the second factor on first sign-in, then asks for a fresh code every time', async () => {
    hub = await createTestHub(backend);
    await insertStaff(hub.db, {
      login: 'c.martin',
      displayName: 'Claire Martin',
      role: 'administrateur',
      passwordHash: await hashPassword(STAFF_TEST_PASSWORD, { N: 2 ** 12, r: 8, p: 1 }),
    });
    expect((await login(hub, { login: 'c.martin', password: 'mauvais' })).statusCode).toBe(401);

    const first = await login(hub, { login: 'c.martin', password: STAFF_TEST_PASSWORD });
    expect(first.statusCode).toBe(200);
    const enrolment = first.json<ConsoleLoginResponse>();
    if (enrolment.status !== 'totp_enrolment') throw new Error(`expected enrolment, got ${enrolment.status}`);
    expect(enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*c\.martin\?.*secret=/);
    expect(enrolment.qrSvg).toMatch(/^<svg/);
    expect(first.headers['set-cookie']).toBeUndefined();

    // Wrong code: no session; the right one enrols and signs in.
    expect((await login(hub, { login: 'c.martin', password: STAFF_TEST_PASSWORD, code: '000000' })).statusCode).toBe(401);
    const code = await generate({ secret: enrolment.secret });
    const signedIn = await login(hub, { login: 'c.martin', password: STAFF_TEST_PASSWORD, code });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toEqual({
      status: 'signed_in',
      staff: { id: expect.any(String), login: 'c.martin', displayName: 'Claire Martin', role: 'administrateur' },
    });
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${STAFF_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/console/);
    // Over plain HTTP (tests): not Secure; behind HTTPS it is.
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = cookieOf(signedIn.headers['set-cookie']);
    const me = await hub.app.inject({ method: 'GET', url: consoleMe.path, headers: { cookie } });
    expect(me.json()).toMatchObject({ login: 'c.martin', role: 'administrateur' });

    // Enrolled now: password alone asks for the code; the same code is never accepted twice.
    expect((await login(hub, { login: 'c.martin', password: STAFF_TEST_PASSWORD })).json()).toEqual({ status: 'totp_required' });
    const replay = await login(hub, { login: 'c.martin', password: STAFF_TEST_PASSWORD, code });
    expect(replay.statusCode).toBe(401);

    // Logout needs the CSRF header, then ends the session.
    expect((await hub.app.inject({ method: 'POST', url: consoleLogout.path, headers: { cookie } })).statusCode).toBe(403);
    const out = await hub.app.inject({ method: 'POST', url: consoleLogout.path, headers: { cookie, [CSRF_HEADER]: '1' } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await hub.app.inject({ method: 'GET', url: consoleMe.path, headers: { cookie } })).statusCode).toBe(401);

    const actions = await hub.db.selectFrom('console_audit').select(['action', 'staff_login']).orderBy('at').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'connexion.refusee',
      'connexion.refusee',
      'second-facteur.enregistre',
      'connexion.refusee',
      'deconnexion',
    ]);
  });

  it('keeps the two kinds of sessions apart: a bearer never opens the console, a console cookie never opens collectivité routes', async () => {
    hub = await createTestHub(backend);
    const commune = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    const agent = await seedStaff(hub.db, { login: 'agent', role: 'assistance' });
    const bearer = { authorization: `Bearer ${commune.maireToken}` };
    expect((await hub.app.inject({ method: 'GET', url: consoleMe.path, headers: bearer })).statusCode).toBe(401);
    // The console token presented as a bearer, or as a cookie, to a collectivité route.
    expect(
      (await hub.app.inject({ method: 'GET', url: HUB_ROUTES.me.path, headers: { authorization: `Bearer ${agent.token}` } })).statusCode,
    ).toBe(401);
    expect((await hub.app.inject({ method: 'GET', url: HUB_ROUTES.me.path, headers: agent.headers })).statusCode).toBe(401);
    // A collectivité token in the console cookie.
    expect(
      (await hub.app.inject({ method: 'GET', url: consoleMe.path, headers: { cookie: `${STAFF_COOKIE}=${commune.maireToken}` } }))
        .statusCode,
    ).toBe(401);
    expect((await hub.app.inject({ method: 'GET', url: consoleMe.path, headers: agent.headers })).json()).toMatchObject({
      role: 'assistance',
    });
  });

  it('limits sign-in attempts per address and login', async () => {
    hub = await createTestHub(backend, { rateLimit: { max: 3, windowMs: 60_000 } });
    await seedStaff(hub.db, { login: 'agent', role: 'assistance' });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login(hub, { login: 'agent', password: 'faux' })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });
});
