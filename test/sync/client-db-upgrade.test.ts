import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaVersionsOf, knownVersions } from '../../electron/db/migrations/runner.js';
import { CLIENT_MIGRATIONS } from '../../electron/domains.js';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { call, openCore } from './core-harness.js';

/**
 * A PC upgraded from the build now in the field (commit 1a6efef, global user_version 3, acts still
 * named `actes`): its real database file opens with the per-domain migrations, keeps everything,
 * and the change it had queued reaches a current hub. See test/fixtures/README.md.
 */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'client-db-v1a6efef.sqlite');
let hub: TestHub;
let hubUrl: string;
const dirs: string[] = [];

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts'] });
});
afterAll(async () => {
  await hub.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function copyOfFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-upgrade-'));
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  copyFileSync(FIXTURE, join(dir, 'guichet.sqlite'));
  return dir;
}

const login = (username: string) => ({ hubUrl, insee: '10387', username, password: TEST_PASSWORD, deviceName: `PC ${username}` });

describe('a PC database written by build 1a6efef', () => {
  it('is migrated without losing anything, and its queued demand is applied by a current hub', async () => {
    const core = await openCore(copyOfFixture(), 'PC accueil');
    try {
      expect(schemaVersionsOf(core.db)).toEqual(knownVersions(CLIENT_MIGRATIONS));
      // The session (the token was in the old PC's secret store: logged out here) with the renamed service.
      expect(await call(core, 'session:get', null)).toMatchObject({
        status: 'logged_out',
        user: { username: 'secretaire', role: 'secretaire' },
        commune: { insee: '10387', services: ['electoral', 'acts'] },
      });
      const count = (table: string) => core.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
      expect([count('electors'), count('electoral_demands'), count('acts'), count('acts_files')]).toEqual([12, 2, 1, 1]);
      const queued = core.db.prepare('SELECT collection, record_id, summary FROM outbox').all() as { record_id: string }[];
      expect(queued).toEqual([
        { collection: 'electoral.demands', record_id: expect.any(String), summary: 'Demande : radiation (création)' },
      ]);

      // Same account, same commune, same collections: the replica and the queue stay.
      await call(core, 'session:login', login('secretaire'));
      expect(await call(core, 'sync:state', null)).toMatchObject({ pending: 1, rejected: [{ collection: 'electoral.demands' }] });
      expect((await call(core, 'electoral:search', { query: '', listType: null, offset: 0, limit: 5 })).total).toBe(12);
      const acts = await call(core, 'acts:list', { state: null });
      expect(acts.map((a) => a.numeroInterne)).toEqual(['DEL2026_001']);

      expect(await call(core, 'sync:now', null)).toMatchObject({ pending: 0 });
      const mayor = await openCore(undefined, 'PC maire');
      try {
        await call(mayor, 'session:login', login('maire'));
        await call(mayor, 'sync:now', null);
        const demands = await call(mayor, 'electoral:demands', { status: null });
        expect(demands.find((d) => d.id === queued[0]!.record_id)).toMatchObject({
          kind: 'radiation',
          status: 'deposee',
          comment: 'Déménagement signalé en mairie',
        });
      } finally {
        await mayor.close();
      }
    } finally {
      await core.close();
    }
  });
});
