import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionGrant, UserInfo } from '../shared/accounts/types.js';
import { hashPassword } from './accounts/passwords.js';
import { insertUser } from './accounts/store.js';
import { buildHub } from './app.js';
import { createHubLogger } from './log.js';
import { startHub, type RunningHub } from './server.js';
import { createTestHub, openTestDb, TEST_PASSWORD } from './test-support.js';

function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createHubLogger({ level: 'debug', destination: stream }), text: () => lines.join('') };
}

describe('hub over real loopback HTTP', () => {
  let dir: string;
  let hub: RunningHub;
  let captured: ReturnType<typeof captureLog>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-hub-http-'));
    mkdirSync(join(dir, 'updates'));
    writeFileSync(join(dir, 'updates', 'latest.yml'), 'version: 0.2.0\npath: Guichet-Setup-0.2.0.exe\n');
    captured = captureLog();
    hub = await startHub({ port: 0, dataDir: join(dir, 'data'), log: captured.log, updatesDir: join(dir, 'updates') });
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1, answers health, gzip both ways, never logs secrets', async () => {
    expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${hub.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'sqlite', protocol: 1 });

    // A commune with enough accounts for the user list to be worth compressing.
    const communeId = (
      await hub.db
        .insertInto('collectivites')
        .values({
          id: 'c-1',
          kind: 'commune',
          insee: '10387',
          siren: '211003744',
          name: 'Troyes',
          arrondissement: '103',
          services: '[]',
          created_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const hash = await hashPassword(TEST_PASSWORD, { N: 1024, r: 8, p: 1 });
    await insertUser(hub.db, { communeId, username: 'maire', displayName: 'Maire', role: 'maire', passwordHash: hash });
    for (let i = 0; i < 30; i++)
      await insertUser(hub.db, {
        communeId,
        username: `agent${i}`,
        displayName: `Agent numéro ${i}`,
        role: 'secretaire',
        passwordHash: hash,
      });

    // Request body sent gzip-compressed, as the client does for pushes.
    const login = await fetch(`${hub.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ insee: '10387', username: 'maire', password: TEST_PASSWORD, deviceName: 'PC accueil' })),
    });
    expect(login.status).toBe(200);
    const grant = (await login.json()) as SessionGrant;

    const users = await fetch(`${hub.url}/api/v1/users`, {
      headers: { authorization: `Bearer ${grant.token}`, 'accept-encoding': 'gzip' },
    });
    expect(users.status).toBe(200);
    expect(users.headers.get('content-encoding')).toBe('gzip');
    expect(((await users.json()) as UserInfo[]).length).toBe(31);

    const bad = await fetch(`${hub.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ insee: '10387', username: 'maire', password: 'faux-mot-de-passe', deviceName: 'PC' }),
    });
    expect(bad.status).toBe(401);

    const log = captured.text();
    expect(log).toContain('"url":"/api/v1/login"');
    for (const secret of [TEST_PASSWORD, 'faux-mot-de-passe', grant.token, 'Agent numéro']) expect(log).not.toContain(secret);
  });

  it('accepts the bearer scheme in any case, and logs query strings with their values masked but the sync cursor', async () => {
    const communeId = (await hub.db.selectFrom('collectivites').select('id').where('insee', '=', '10387').executeTakeFirstOrThrow()).id;
    const login = await fetch(`${hub.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ insee: '10387', username: 'maire', password: TEST_PASSWORD, deviceName: 'PC mairie' }),
    });
    const { token } = (await login.json()) as SessionGrant;
    expect(communeId).toBeTruthy();
    // RFC 9110 §11.1: the authentication scheme is case-insensitive.
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const me = await fetch(`${hub.url}/api/v1/me`, { headers: { authorization: `${scheme} ${token}` } });
      expect([scheme, me.status]).toEqual([scheme, 200]);
    }
    // A misconfigured proxy or a curious script puts secrets and names in the query string.
    const pull = await fetch(`${hub.url}/api/v1/sync/pull?cursor=0&limit=10&access_token=${token}&nom=DUPONTEL`, {
      headers: { authorization: `bearer ${token}` },
    });
    expect(pull.status).toBe(200);
    const lost = await fetch(`${hub.url}/api/v1/nulle-part?password=secret-dans-url&q=Jeanne%20MARTINEAU`);
    expect(lost.status).toBe(404);
    const log = captured.text();
    for (const secret of [token, 'DUPONTEL', 'secret-dans-url', 'MARTINEAU']) expect(log).not.toContain(secret);
    expect(log).toContain('"url":"/api/v1/sync/pull?cursor=0&limit=10&access_token=[masqué]&nom=[masqué]"');
  });

  it('serves the update feed without path traversal, and answers unknown addresses in French', async () => {
    const feed = await fetch(`${hub.url}/updates/latest.yml`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('version: 0.2.0');
    for (const url of ['/updates/..%2Fdata%2Fhub.sqlite', '/updates/.hidden', '/updates/absent.yml']) {
      const res = await fetch(`${hub.url}${url}`);
      expect(res.status, url).toBe(404);
    }
    const nowhere = await fetch(`${hub.url}/api/v1/nulle-part`);
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ code: 'not_found', message: "Cette adresse n'existe pas sur le hub." });
  });

  it('stops listening once closed', async () => {
    const other = await startHub({ port: 0, dataDir: join(dir, 'other'), log: createHubLogger({ level: 'silent' }) });
    await other.close();
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});

describe('hub error handling', () => {
  it('answers an unexpected failure with a generic French 500 and logs the stack', async () => {
    const t = await openTestDb('sqlite');
    const captured = captureLog();
    const app = await buildHub({ db: t.db, log: captured.log });
    app.get('/boom', { config: { public: true } }, async () => {
      throw new Error('détail interne à ne pas montrer');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'internal', message: expect.stringMatching(/erreur inattendue/) });
    expect(res.body).not.toContain('détail interne');
    expect(captured.text()).toContain('détail interne à ne pas montrer');
    expect(captured.text()).toContain('"stack"');
    await app.close();
    await t.dispose();
  });

  it('lets a hub restart on the same SQLite file keep accounts and sessions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-restart-'));
    const file = join(dir, 'hub.sqlite');
    const first = await createTestHub('sqlite', { file });
    const a = await first.seedCommune({ insee: '10387', services: ['electoral'] });
    await first.close();
    const second = await createTestHub('sqlite', { file });
    const me = await second.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${a.maireToken}` } });
    expect(me.statusCode).toBe(200);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
