import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import { ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import { ELECTORAL_HUB_ROUTES } from '../../shared/electoral/justificatif-files.js';
import type { MeResponse } from '../../shared/accounts/types.js';
import { actRecord, upsertAct } from '../acts/test-support.js';
import { importCadastre } from '../cadastre/import.js';
import { makeDemand } from '../electoral/test-fixtures.js';
import { live, pullAll, syntheticParcel, writeParcelLayer } from '../cadastre/test-support.js';
import { hubRoutes, type HubRouteInfo } from '../app.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type SeededGrouping, type TestHub } from '../test-support.js';
import { seedStaff } from '../console/test-support.js';
import { openSession, revokeDeviceById } from './store.js';

/**
 * Rule 7 of the architecture: the collectivité comes from the token, never
 * from the request. Every route registered on the hub is walked (collected
 * with onRoute, so routes added later by other domains are covered too), with
 * a token of another commune and with a token of an EPCI A belongs to.
 */
const PUBLIC_ROUTES = new Set([
  'GET /health',
  'HEAD /health',
  'POST /api/v1/enroll',
  'POST /api/v1/login',
  'GET /api/v1/openapi.json',
  'HEAD /api/v1/openapi.json',
  'GET /updates/:file',
  'HEAD /updates/:file',
  'GET /api/v1/trust-list',
  'HEAD /api/v1/trust-list',
  // The console's sign-in and its web app's files (no data: the data is behind the staff session).
  'POST /console/api/session',
  'GET /console',
  'HEAD /console',
  'GET /console/*',
  'HEAD /console/*',
]);
const MARKER = 'ZZSECRETACOMMUNEA';
/** Inside the bytes of A's justificatif (files module): no other collectivité may read them. */
const PIECE_MARKER = 'ZZPIECEDELACOMMUNEA';
const EPCI_MARKER = 'ZZACTEDELEPCI';

function upsertDemand(mutationId: number, birthName = 'AUTRECOMMUNE') {
  const id = randomUUID();
  return {
    mutationId,
    kind: 'upsert',
    collection: 'electoral.demands',
    recordId: id,
    baseVersion: null,
    data: makeDemand({ id, createdBy: 'maire', applicant: { birthName, usageName: null, firstNames: 'Camille', birthDate: '1990-01-02' } }),
  };
}

/** Concrete URLs for a route: every `:param` replaced by each of A's identifiers, wildcards by a plain segment. */
function urlsFor(route: HubRouteInfo, ids: string[]): string[] {
  const url = route.url.replace(/\*$/, 'latest.yml');
  if (!url.includes(':')) return [url];
  return ids.map((id) => url.replace(/:[A-Za-z_]+/g, id));
}

describe.each(TEST_BACKENDS)('isolation between communes (%s)', (backend) => {
  let hub: TestHub;
  let a: SeededCommune;
  let b: SeededCommune;
  let c: SeededCommune;
  let e: SeededGrouping;
  let routes: HubRouteInfo[];
  let updatesDir: string;
  let aIds: string[];
  let aPiece: string | undefined;
  const has = (r: { method: string; path: string }) => routes.some((x) => x.method === r.method && x.url === r.path);

  beforeAll(async () => {
    updatesDir = mkdtempSync(join(tmpdir(), 'guichet-updates-'));
    writeFileSync(join(updatesDir, 'latest.yml'), 'version: 0.1.0\n');
    hub = await createTestHub(backend, { updatesDir });
    await hub.app.ready();
    routes = [...hubRoutes(hub.app)];
    a = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts'], name: 'Commune A' });
    b = await hub.seedCommune({ insee: '10033', services: ['electoral', 'acts'], name: 'Commune B' });
    c = await hub.seedCommune({ insee: '10362', services: ['acts'], name: 'Commune C' });
    // An EPCI A and B belong to. Its row claims the electoral service, as a hand-edited database could: the hub must not grant it.
    e = await hub.seedGrouping({
      kind: 'epci',
      siren: '200069250',
      members: ['10387', '10033'],
      services: ['electoral', 'acts'],
      name: 'Agglomération E',
    });
    aIds = [a.communeId, a.maireUserId, a.secretaireUserId, a.maireDeviceId, a.secretaireDeviceId, a.insee];
    if (has(HUB_ROUTES.syncPush)) {
      // Personal data in A, so there is something for B to (not) see.
      const res = await hub.app.inject({
        method: 'POST',
        url: HUB_ROUTES.syncPush.path,
        headers: { authorization: `Bearer ${a.secretaireToken}` },
        payload: { mutations: [upsertDemand(1, MARKER)] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().results[0].status).toBe('applied');
      aIds.push(MARKER);
    }
    if (has({ method: 'PATCH', path: ELECTORAL_HUB_ROUTES.justificatifUpload.path })) {
      // A justificatif of A on the hub: its hash is walked as an id of every route, its content is a secret.
      const piece = Buffer.from(`%PDF-1.4\n% ${PIECE_MARKER}\n`);
      const sha = createHash('sha256').update(piece).digest('hex');
      const up = await hub.app.inject({
        method: 'PATCH',
        url: ELECTORAL_HUB_ROUTES.justificatifUpload.path.replace(':sha256', sha),
        headers: {
          authorization: `Bearer ${a.secretaireToken}`,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
          'upload-length': String(piece.byteLength),
        },
        payload: piece,
      });
      expect(up.statusCode).toBe(204);
      aPiece = sha;
      aIds.push(sha, PIECE_MARKER);
    }
  });
  afterAll(async () => {
    await hub?.close();
    if (updatesDir) rmSync(updatesDir, { recursive: true, force: true });
  });

  it('collects the routes of every domain and only the expected ones are public', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const name of ['me', 'listUsers', 'revokeDevice'] as const) expect(has(HUB_ROUTES[name])).toBe(true);
    const publicOnes = routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    for (const p of publicOnes) expect(PUBLIC_ROUTES, p).toContain(p);
  });

  it('answers 401 on every non-public route without a token or with a malformed one', async () => {
    for (const route of routes) {
      for (const url of urlsFor(route, aIds.slice(0, 4))) {
        for (const headers of [{}, { authorization: 'Bearer pas-un-jeton' }, { authorization: `Basic ${a.maireToken}` }]) {
          const res = await hub.app.inject({
            method: route.method as 'GET',
            url,
            headers,
            payload: route.method === 'POST' ? {} : undefined,
          });
          if (PUBLIC_ROUTES.has(`${route.method} ${route.url}`)) {
            expect(res.statusCode, `${route.method} ${url}`).not.toBe(500);
          } else {
            expect(res.statusCode, `${route.method} ${url}`).toBe(401);
            if (route.method !== 'HEAD') expect(res.json().code).toBe('unauthenticated');
          }
        }
      }
    }
  });

  it.each([
    ['another commune', () => b],
    ['an EPCI A belongs to', () => e],
  ])("never lets the maire of %s read or change A's resources", async (_who, caller) => {
    const other = caller();
    // An EPCI knows its member communes' INSEE codes (its territory, public data): nothing else of A's.
    const known = new Set('members' in other ? other.members : []);
    const secrets = aIds.filter((id) => !known.has(id));
    const bodies: Record<string, unknown> = {
      [`POST ${HUB_ROUTES.createUser.path}`]: {
        username: 'nouveau',
        displayName: 'Nouveau',
        role: 'secretaire',
        password: 'un-mot-de-passe-solide',
      },
    };
    let mutationId = 100;
    for (const route of routes) {
      // Console routes never take a collectivité's token: walked by the console test below.
      if (route.public || route.console) continue;
      for (const url of urlsFor(route, aIds)) {
        // A fresh session each time: the walk includes logout, which ends the session it is called with.
        const session = await openSession(hub.db, { communeId: other.communeId, userId: other.maireUserId, deviceName: 'walk' });
        let payload = route.method === 'POST' ? (bodies[`POST ${route.url}`] ?? {}) : undefined;
        if (route.url === HUB_ROUTES.syncPush.path) payload = { mutations: [upsertDemand(mutationId++)] };
        const res = await hub.app.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization: `Bearer ${session.token}` },
          payload: payload as object | undefined,
        });
        const label = `${route.method} ${url} → ${res.statusCode}`;
        expect(res.statusCode, label).toBeLessThan(500);
        if (route.url.includes(':')) expect([400, 403, 404], label).toContain(res.statusCode);
        // An error may echo the id the caller sent; nothing else of A's may appear.
        for (const secret of secrets) if (!url.includes(secret)) expect(res.body, label).not.toContain(secret);
        expect(res.body, label).not.toContain('Commune A');
      }
    }
    // A is untouched: its accounts and devices still work.
    for (const token of [a.maireToken, a.secretaireToken, a.consultationToken]) {
      expect(
        (await hub.app.inject({ method: 'GET', url: HUB_ROUTES.me.path, headers: { authorization: `Bearer ${token}` } })).statusCode,
      ).toBe(200);
    }
    const aUsers = await hub.db
      .selectFrom('users')
      .select(['username'])
      .where('commune_id', '=', a.communeId)
      .orderBy('username')
      .execute();
    expect(aUsers.map((u) => u.username)).toEqual(['consultation', 'maire', 'secretaire']);
  });

  it("serves A's justificatif to A's electoral roles only: not to another commune, an EPCI, nor A's consultation role", async () => {
    if (!aPiece) return; // electoral routes not registered on this hub build
    const get = (token: string, path = ELECTORAL_HUB_ROUTES.justificatifDownload.path) =>
      hub.app.inject({ method: 'GET', url: path.replace(':sha256', aPiece!), headers: { authorization: `Bearer ${token}` } });
    const own = await get(a.maireToken);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain(PIECE_MARKER);
    for (const [token, status] of [
      [b.maireToken, 404],
      [e.maireToken, 403],
      [a.consultationToken, 403],
    ] as const) {
      const res = await get(token);
      expect(res.statusCode).toBe(status);
      expect(res.body).not.toContain(PIECE_MARKER);
    }
    // Sent as a justificatif, it is not an act's file: the acts' route of A answers like an unknown file.
    const asAct = await get(a.maireToken, ACTS_HUB_ROUTES.fileDownload.path);
    expect(asAct.statusCode).toBe(404);
  });

  it('keeps personal data away from roles and communes without the electoral service', async () => {
    if (!has(HUB_ROUTES.syncPull)) return; // sync routes not registered on this hub build
    const pull = (token: string) =>
      hub.app.inject({ method: 'GET', url: `${HUB_ROUTES.syncPull.path}?cursor=0`, headers: { authorization: `Bearer ${token}` } });
    // Sanity: A's secretary does receive A's demands.
    expect((await pull(a.secretaireToken)).body).toContain(MARKER);
    expect((await pull(b.maireToken)).body).not.toContain(MARKER);
    // Consultation role (no electoral.read) and commune C (no electoral service) receive no electoral record at all.
    for (const token of [a.consultationToken, c.maireToken]) {
      const res = await pull(token);
      expect(res.body).not.toContain(MARKER);
      if (res.statusCode === 200)
        expect((res.json() as { changes: { collection: string }[] }).changes.filter((x) => x.collection.startsWith('electoral.'))).toEqual(
          [],
        );
    }
    // C has no electoral service: pushing an electoral demand is refused.
    const push = await hub.app.inject({
      method: 'POST',
      url: HUB_ROUTES.syncPush.path,
      headers: { authorization: `Bearer ${c.maireToken}` },
      payload: { mutations: [upsertDemand(1)] },
    });
    if (push.statusCode === 200)
      expect(push.json().results[0]).toMatchObject({ status: 'rejected', reason: { code: 'service_not_enabled' } });
    else expect(push.json().code).toBe('service_not_enabled');
  });

  it("never gives an EPCI token its member communes' electoral records, and keeps its own acts to itself", async () => {
    const me = await hub.app.inject({ method: 'GET', url: HUB_ROUTES.me.path, headers: { authorization: `Bearer ${e.maireToken}` } });
    expect(me.json<MeResponse>().commune).toMatchObject({
      kind: 'epci',
      insee: null,
      siren: '200069250',
      members: ['10033', '10387'],
      services: ['acts'],
    });
    if (!has(HUB_ROUTES.syncPull)) return;
    const pull = (token: string) =>
      hub.app.inject({ method: 'GET', url: `${HUB_ROUTES.syncPull.path}?cursor=0`, headers: { authorization: `Bearer ${token}` } });
    for (const token of [e.maireToken, e.secretaireToken]) {
      const res = await pull(token);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(MARKER);
      expect((res.json() as { changes: { collection: string }[] }).changes.filter((x) => x.collection.startsWith('electoral.'))).toEqual(
        [],
      );
    }
    const demand = await hub.app.inject({
      method: 'POST',
      url: HUB_ROUTES.syncPush.path,
      headers: { authorization: `Bearer ${e.secretaireToken}` },
      payload: { mutations: [upsertDemand(1)] },
    });
    if (demand.statusCode === 200)
      expect(demand.json().results[0]).toMatchObject({ status: 'rejected', reason: { code: 'service_not_enabled' } });
    else expect(demand.json().code).toBe('service_not_enabled');

    // The EPCI sends its own acts: they stay in its replica, never in its members'.
    const act = actRecord({ actFile: null, signed: false });
    act.draft.objet = `Délibération ${EPCI_MARKER}`;
    act.transmitRequested = false;
    const pushed = await hub.app.inject({
      method: 'POST',
      url: HUB_ROUTES.syncPush.path,
      headers: { authorization: `Bearer ${e.secretaireToken}` },
      payload: { mutations: [{ mutationId: 2, ...upsertAct(act) }] },
    });
    expect(pushed.json().results[0].status).toBe('applied');
    expect((await pull(e.consultationToken)).body).toContain(EPCI_MARKER);
    for (const token of [a.maireToken, b.maireToken, c.maireToken]) expect((await pull(token)).body).not.toContain(EPCI_MARKER);
  });

  it('keeps console routes and collectivité routes apart: neither session opens the other', async () => {
    const agent = await seedStaff(hub.db, { login: `agent-${backend}`, role: 'administrateur' });
    const staffWays = [agent.headers, { authorization: `Bearer ${agent.token}` }];
    for (const route of routes) {
      if (route.public) continue;
      for (const url of urlsFor(route, aIds.slice(0, 4))) {
        const payload = route.method === 'POST' || route.method === 'PUT' ? {} : undefined;
        const ask = (headers: Record<string, string>) => hub.app.inject({ method: route.method as 'GET', url, headers, payload });
        if (route.console) {
          // Every collectivité token, with and without the CSRF header.
          for (const token of [a.maireToken, e.maireToken])
            for (const headers of [
              { authorization: `Bearer ${token}` },
              { authorization: `Bearer ${token}`, 'x-guichet-console': '1' },
            ] as Record<string, string>[]) {
              const res = await ask(headers);
              expect(res.statusCode, `${route.method} ${url}`).toBe(401);
            }
        } else {
          for (const headers of staffWays) {
            const res = await ask(headers);
            expect(res.statusCode, `${route.method} ${url} (agent)`).toBe(401);
          }
        }
      }
    }
  });

  it("sends a commune's cadastre plan to that commune and the EPCI it belongs to, never to another commune or EPCI", async () => {
    if (!has(HUB_ROUTES.syncPull)) return;
    const own = await hub.seedCommune({ insee: '25057', services: ['cadastre'] });
    const neighbour = await hub.seedCommune({ insee: '25001', services: ['cadastre'] });
    const epci = await hub.seedGrouping({ kind: 'epci', siren: '200041887', members: ['25057'], services: ['cadastre'] });
    const otherEpci = await hub.seedGrouping({ kind: 'epci', siren: '242504496', members: ['25001'], services: ['cadastre'] });
    const dir = mkdtempSync(join(tmpdir(), 'guichet-cadastre-iso-'));
    try {
      await importCadastre(hub.db, [writeParcelLayer(dir, '25057', [syntheticParcel('25057', 1, 0, 1, 100)])], { vintage: '2026-10' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const parcels = async (token: string) => live(await pullAll(hub, token), 'cadastre.parcels').map((r) => r.id);
    expect(await parcels(own.consultationToken)).toEqual(['250570000A0001']);
    expect(await parcels(epci.secretaireToken)).toEqual(['250570000A0001']);
    for (const token of [neighbour.maireToken, otherEpci.maireToken, a.maireToken, e.maireToken]) expect(await parcels(token)).toEqual([]);
  });

  it('answers 401 everywhere once the device is revoked', async () => {
    const session = await openSession(hub.db, { communeId: a.communeId, userId: a.maireUserId, deviceName: 'à révoquer' });
    const ok = await hub.app.inject({ method: 'GET', url: HUB_ROUTES.me.path, headers: { authorization: `Bearer ${session.token}` } });
    expect(ok.statusCode).toBe(200);
    await revokeDeviceById(hub.db, session.device.id, a.communeId);
    for (const route of routes) {
      if (route.public) continue;
      for (const url of urlsFor(route, [a.maireUserId])) {
        const res = await hub.app.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization: `Bearer ${session.token}` },
          payload: route.method === 'POST' ? {} : undefined,
        });
        expect(res.statusCode, `${route.method} ${url}`).toBe(401);
      }
    }
  });
});
