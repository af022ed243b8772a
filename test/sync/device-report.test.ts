import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { createOutbox } from '../../electron/sync/outbox.js';
import { call, openCore } from './core-harness.js';
import { startFlakyProxy } from './flaky-proxy.js';

/**
 * Issue 9: after each sync the PC tells the hub its version, system, queue and last error, so
 * the console's « Postes » shows them. Real hub over HTTP, real client core.
 */
let hub: TestHub;
let hubUrl: string;
let troyes: SeededCommune;
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  troyes = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
}, 60_000);
afterAll(async () => hub?.close());

async function reportOfLatestDevice() {
  const session = await hub.db
    .selectFrom('sessions')
    .select('device_id')
    .where('commune_id', '=', troyes.communeId)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return hub.db.selectFrom('device_reports').selectAll().where('device_id', '=', session.device_id).executeTakeFirst();
}

describe('the PC reports itself after each sync', () => {
  it('sends its version and queue; a failed push shows as pending changes and the last error', async () => {
    const proxy = await startFlakyProxy(hubUrl);
    const core = await openCore();
    try {
      await call(core, 'session:login', {
        hubUrl: proxy.url,
        insee: '10387',
        username: 'secretaire',
        password: TEST_PASSWORD,
        deviceName: 'PC accueil',
      });
      expect(await reportOfLatestDevice()).toBeUndefined();

      expect(await call(core, 'sync:now', null)).toMatchObject({ pending: 0, lastError: null });
      const first = await reportOfLatestDevice();
      expect(first).toMatchObject({ app_version: version, pending_changes: 0, last_error: null, update_status: null });
      expect(first?.last_sync_at).not.toBeNull();

      // The push's answers are lost: the change stays queued, and the report (which goes through) says so.
      // A change waiting in the queue (its content does not matter: the hub's answers never reach the PC).
      const outbox = createOutbox(core.db, () => new Date());
      core.db.transaction(() => outbox.enqueue({ kind: 'command', name: 'test.report', payload: {}, summary: 'Changement en attente' }))();
      proxy.dropResponses(3, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
      const state = await call(core, 'sync:now', null);
      expect(state.pending).toBe(1);
      const second = await reportOfLatestDevice();
      expect(second).toMatchObject({ app_version: version, pending_changes: 1, last_error: state.lastError?.message });
      expect(second?.last_error).toBeTruthy();
    } finally {
      await core.close();
      await proxy.close();
    }
  });
});
