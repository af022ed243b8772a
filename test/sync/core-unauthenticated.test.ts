import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { createClientCore } from '../../electron/core/client-core.js';
import { createHubClient } from '../../electron/hub-client/hub-client.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import { call } from './core-harness.js';

let hub: TestHub;
let hubUrl: string;
let commune: SeededCommune;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  commune = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
});
afterAll(async () => hub.close());

describe('client core: a refused token', () => {
  it('does not leave an unhandled rejection when the secret store cannot forget the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-core-'));
    const platform = createNodePlatform({ dataDir: dir, deviceName: 'PC clé', logLevel: 'silent' });
    const secrets = platform.secrets;
    let failDelete = false;
    platform.secrets = {
      ...secrets,
      get: (k) => secrets.get(k),
      set: (k, v) => secrets.set(k, v),
      delete: async (k) => (failDelete ? Promise.reject(new Error('keychain locked')) : secrets.delete(k)),
    };
    const core = await createClientCore({
      platform,
      backgroundSync: false,
      hub: { retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5000 },
      sync: { debounceMs: 3_600_000 },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await call(core, 'session:login', { hubUrl, insee: '10387', username: 'maire', password: TEST_PASSWORD, deviceName: 'PC clé' });
      const me = createHubClient({
        baseUrl: hubUrl,
        token: () => commune.maireToken,
        clientSchema: 'core=2',
        log: pino({ level: 'silent' }),
      });
      for (const d of (await me.listDevices()).filter((x) => x.name === 'PC clé' && !x.revoked)) await me.revokeDevice(d.id);
      failDelete = true;
      const s = await call(core, 'sync:now', null);
      expect(s.lastError?.code).toBe('unauthenticated');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      // The token is forgotten in memory all the same: the user is sent back to the login screen.
      expect((await call(core, 'session:get', null)).status).toBe('logged_out');
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await core.close();
    }
  });
});
