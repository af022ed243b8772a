import { readFileSync } from 'node:fs';
import { parisDay } from '../../shared/calendar.js';
import { syntheticDepositInput } from '../../shared/electoral/synthetic-demand.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type SeededGrouping, type TestHub } from '../../hub-server/test-support.js';
import { createHubClient } from '../../electron/hub-client/hub-client.js';
import pino from 'pino';
import { call, openCore, refusal } from './core-harness.js';
import { startFlakyProxy } from './flaky-proxy.js';

let hub: TestHub;
let hubUrl: string;
let troyes: SeededCommune;
let nogent: SeededCommune;
let epci: SeededGrouping;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  troyes = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
  nogent = await hub.seedCommune({ insee: '10268', services: ['electoral'] });
  epci = await hub.seedGrouping({ kind: 'epci', siren: '200069250', members: ['10387', '10268'], services: ['acts'] });
});
afterAll(async () => hub.close());

const login = (insee: string, username = 'maire') => ({ hubUrl, insee, username, password: TEST_PASSWORD, deviceName: 'PC accueil' });
const demand = {
  kind: 'inscription',
  electorId: null,
  applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Léa', birthDate: '2001-05-04' },
  newAddress: null,
  newBureauCode: null,
  comment: null,
  ...syntheticDepositInput(parisDay(new Date())),
};

describe('client core: session and dispatcher', () => {
  it('refuses domain channels before login and invalid input with a French message', async () => {
    const core = await openCore();
    try {
      expect(await call(core, 'session:get', null)).toMatchObject({ status: 'not_enrolled', user: null });
      expect(await refusal(core, 'electoral:demands', { status: null })).toMatchObject({
        code: 'unauthenticated',
        message: 'Connectez-vous pour continuer.',
      });
      const bad = await refusal(core, 'session:login', { ...login('10387'), hubUrl: 'pas une adresse' });
      expect(bad).toMatchObject({ code: 'invalid_input', message: "L'adresse du hub n'est pas valide." });
      const wrongType = await refusal(core, 'session:login', { ...login('10387'), password: 12 });
      expect(wrongType.code).toBe('invalid_input');
      expect(wrongType.message).toMatch(/attendu/);
      expect(await refusal(core, 'nope:nothing' as never, null)).toMatchObject({ code: 'bad_request' });
      const wrong = await refusal(core, 'session:login', { ...login('10387'), password: 'mauvais-mot-de-passe' });
      expect(wrong.code).toBe('unauthenticated');
    } finally {
      await core.close();
    }
  });

  it('logs in, keeps the token out of SQLite, works offline from the stored session, logs out on the hub', async () => {
    const proxy = await startFlakyProxy(hubUrl);
    const core = await openCore();
    const viaProxy = { ...login('10387'), hubUrl: proxy.url };
    const state = await call(core, 'session:login', viaProxy);
    expect(state).toMatchObject({
      status: 'logged_in',
      hubUrl: proxy.url,
      deviceName: 'PC accueil',
      user: { username: 'maire', role: 'maire' },
      commune: { insee: '10387' },
    });
    expect(state.permissions).toContain('electoral.read');
    expect(state.services).toEqual(['electoral']);
    const token = JSON.parse(readFileSync(join(core.dataDir, 'secrets.json'), 'utf8'))['hub-session-token'] as string;
    expect(token.length).toBeGreaterThan(10);
    await core.close();
    const dbBytes =
      readFileSync(join(core.dataDir, 'guichet.sqlite')).toString('latin1') +
      readFileSync(join(core.dataDir, 'logs', 'guichet.log'), 'utf8');
    expect(dbBytes).not.toContain(token);
    const hubAsk = (t: string) =>
      createHubClient({
        baseUrl: hubUrl,
        token: () => t,
        clientSchema: 'core=2',
        log: pino({ level: 'silent' }),
        retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      });

    // Reopened with the hub unreachable: the session is still known and local data usable.
    proxy.refuse = true;
    const offline = await openCore(core.dataDir);
    try {
      expect(await call(offline, 'session:get', null)).toMatchObject({ status: 'logged_in', commune: { insee: '10387' } });
      await call(offline, 'electoral:create-demand', demand);
      expect(await call(offline, 'electoral:demands', { status: null })).toHaveLength(1);
      expect(await call(offline, 'sync:now', null)).toMatchObject({ online: false, pending: 1 });
      // Logging out offline still forgets the token on this PC (the hub could not be told).
      expect(await call(offline, 'session:logout', null)).toMatchObject({
        status: 'logged_out',
        hubUrl: proxy.url,
        user: { username: 'maire' },
      });
      expect(JSON.parse(readFileSync(join(core.dataDir, 'secrets.json'), 'utf8'))['hub-session-token']).toBeUndefined();
      expect((await refusal(offline, 'sync:now', null)).code).toBe('unauthenticated');

      // Online again: log in, the queued demand goes out, logout revokes the token on the hub.
      proxy.refuse = false;
      await call(offline, 'session:login', viaProxy);
      expect(await call(offline, 'sync:now', null)).toMatchObject({ online: true, pending: 0 });
      const token2 = JSON.parse(readFileSync(join(core.dataDir, 'secrets.json'), 'utf8'))['hub-session-token'] as string;
      await expect(hubAsk(token2).me()).resolves.toMatchObject({ commune: { insee: '10387' } });
      await call(offline, 'session:logout', null);
      await expect(hubAsk(token2).me()).rejects.toMatchObject({ code: 'unauthenticated' });
    } finally {
      await offline.close();
      await proxy.close();
    }
  });

  it('logs an EPCI in with its SIREN; a session stored before collectivités reads as a commune', async () => {
    const core = await openCore();
    try {
      const state = await call(core, 'session:login', login(epci.siren));
      expect(state.commune).toMatchObject({ kind: 'epci', insee: null, siren: '200069250', members: ['10268', '10387'] });
      expect(state.services).toEqual(['acts']);
      expect(state.permissions).toContain('acts.read');
      await call(core, 'session:logout', null);
      // Back to a commune: another scope, nothing queued, so the replica is simply cleared.
      await call(core, 'session:login', login('10387'));
    } finally {
      await core.close();
    }
    // What a PC of the previous version kept: a commune without kind nor members.
    const db = new Database(join(core.dataDir, 'guichet.sqlite'));
    const row = db.prepare<[], { value: string }>("SELECT value FROM sync_state WHERE key = 'session'").get();
    const old = JSON.parse(row?.value ?? '{}');
    delete old.commune.kind;
    delete old.commune.members;
    db.prepare("UPDATE sync_state SET value = ? WHERE key = 'session'").run(JSON.stringify(old));
    db.close();
    const reopened = await openCore(core.dataDir);
    try {
      expect((await call(reopened, 'session:get', null)).commune).toMatchObject({ kind: 'commune', insee: '10387', members: [] });
    } finally {
      await reopened.close();
    }
  });

  it('never mixes communes: refuses while changes are queued, clears the replica otherwise', async () => {
    const core = await openCore();
    try {
      await call(core, 'session:login', login('10387'));
      const made = await call(core, 'electoral:create-demand', demand);
      expect((await call(core, 'sync:state', null)).pending).toBe(1);
      await call(core, 'session:logout', null);
      const refused = await refusal(core, 'session:login', login('10268'));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toMatch(/pas encore été envoyées/);

      await call(core, 'session:login', login('10387'));
      expect((await call(core, 'sync:now', null)).pending).toBe(0);
      expect((await call(core, 'electoral:demands', { status: null })).map((d) => d.id)).toContain(made.id);
      await call(core, 'session:login', login('10268'));
      expect(await call(core, 'electoral:demands', { status: null })).toEqual([]);
      const s = await call(core, 'sync:now', null);
      expect(s).toMatchObject({ pending: 0, lastError: null });
      expect(await call(core, 'electoral:demands', { status: null })).toEqual([]);
    } finally {
      await core.close();
    }
  });

  it('a role without electoral.read gets forbidden, and a revoked device drops to logged_out', async () => {
    const core = await openCore();
    try {
      await call(core, 'session:login', login('10387', 'consultation'));
      expect((await refusal(core, 'electoral:demands', { status: null })).code).toBe('forbidden');
      expect((await refusal(core, 'accounts:users', null)).code).toBe('forbidden');
      const me = createHubClient({
        baseUrl: hubUrl,
        token: () => troyes.maireToken,
        clientSchema: 'core=2',
        log: pino({ level: 'silent' }),
      });
      const devices = await me.listDevices();
      const mine = devices.filter((d) => d.name === 'PC accueil' && !d.revoked);
      for (const d of mine) await me.revokeDevice(d.id);
      const s = await call(core, 'sync:now', null);
      expect(s.lastError?.code).toBe('unauthenticated');
      await new Promise((r) => setTimeout(r, 20));
      expect((await call(core, 'session:get', null)).status).toBe('logged_out');
    } finally {
      await core.close();
    }
    expect(nogent.insee).toBe('10268');
  });

  it('a change that landed before a re-login (new device) is not shown as a conflict when re-sent', async () => {
    const proxy = await startFlakyProxy(hubUrl);
    const core = await openCore();
    try {
      const viaProxy = { ...login('10387'), hubUrl: proxy.url };
      await call(core, 'session:login', viaProxy);
      const made = await call(core, 'electoral:create-demand', demand);
      // The hub applies the push, every answer is lost.
      proxy.dropResponses(3, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
      expect(await call(core, 'sync:now', null)).toMatchObject({ pending: 1, online: false });
      await call(core, 'session:logout', null);
      await call(core, 'session:login', viaProxy);
      const s = await call(core, 'sync:now', null);
      expect(s).toMatchObject({ pending: 0, rejected: [], lastError: null });
      expect((await call(core, 'electoral:demands', { status: null })).find((d) => d.id === made.id)).toMatchObject({ pending: false });
    } finally {
      await core.close();
      await proxy.close();
    }
  });

  it('lets the maire manage accounts and devices through the hub', async () => {
    const core = await openCore();
    try {
      await call(core, 'session:login', login('10268'));
      const users = await call(core, 'accounts:users', null);
      expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['maire', 'secretaire', 'consultation']));
      const created = await call(core, 'accounts:create-user', {
        username: 'Agent.Etat-Civil',
        displayName: 'Agent État civil',
        role: 'secretaire',
        password: 'un-mot-de-passe-long',
      });
      expect(created).toMatchObject({ username: 'agent.etat-civil', role: 'secretaire', disabled: false });
      expect(await call(core, 'accounts:disable-user', { id: created.id })).toMatchObject({ disabled: true });
      const devices = await call(core, 'accounts:devices', null);
      expect(devices.some((d) => d.name === 'PC accueil' && !d.revoked)).toBe(true);
      const short = await refusal(core, 'accounts:create-user', { username: 'x', displayName: 'X', role: 'secretaire', password: 'court' });
      expect(short.code).toBe('invalid_input');
      expect(short.message).toMatch(/identifiant|caractères/i);
    } finally {
      await core.close();
    }
  });
});
