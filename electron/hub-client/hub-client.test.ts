import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { CLIENT_SCHEMA_HEADER, PROTOCOL_HEADER } from '../../shared/sync/protocol.js';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { newDemand } from '../../test/sync/demand-replica.js';
import { startFlakyProxy, type FlakyProxy } from '../../test/sync/flaky-proxy.js';
import { createHubClient, MALFORMED_ANSWER_MESSAGE, OFFLINE_MESSAGE } from './hub-client.js';

const log = pino({ level: 'silent' });
const fastRetry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
let hub: TestHub;
let proxy: FlakyProxy;
let seeded: SeededCommune;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  proxy = await startFlakyProxy(await hub.listen());
  seeded = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
});
afterAll(async () => {
  await proxy.close();
  await hub.close();
});

async function caught(p: Promise<unknown>): Promise<GuichetError> {
  try {
    await p;
  } catch (err) {
    return err as GuichetError;
  }
  throw new Error('expected a failure');
}

describe('hub client', () => {
  it('sends protocol headers and the bearer token, and gzips a large push the hub accepts', async () => {
    const client = createHubClient({
      baseUrl: proxy.url,
      token: () => seeded.maireToken,
      clientSchema: 'core=7',
      log,
      retry: fastRetry,
      gzipThresholdBytes: 4096,
    });
    const mutations = Array.from({ length: 60 }, (_, i) => {
      const d = newDemand({ comment: 'x'.repeat(500) });
      return {
        mutationId: i + 1,
        kind: 'upsert' as const,
        collection: 'electoral.demands' as const,
        recordId: d.id,
        baseVersion: null,
        data: d,
      };
    });
    const res = await client.push({ mutations });
    expect(res.results.every((r) => r.status === 'applied')).toBe(true);
    const sent = proxy.requests.at(-1)!;
    expect(sent.headers['content-encoding']).toBe('gzip');
    expect(sent.bytes).toBeLessThan(JSON.stringify({ mutations }).length / 4);
    expect(sent.headers[PROTOCOL_HEADER]).toBe('1');
    expect(sent.headers[CLIENT_SCHEMA_HEADER]).toBe('core=7');
    expect(sent.headers.authorization).toBe(`Bearer ${seeded.maireToken}`);
    const pulled = await client.pull({ cursor: 0 });
    expect(pulled.changes).toHaveLength(60);
  });

  it('answers the hub refusal as the same GuichetError, without retrying a 4xx', async () => {
    const client = createHubClient({ baseUrl: proxy.url, clientSchema: 'core=1', log, retry: fastRetry });
    const before = proxy.stats.forwarded;
    const err = await caught(client.login({ insee: '10387', username: 'maire', password: 'pas-le-bon-mot', deviceName: 'PC' }));
    expect(err).toBeInstanceOf(GuichetError);
    expect(err.code).toBe('unauthenticated');
    expect(err.message).toMatch(/[a-zé]/);
    expect(proxy.stats.forwarded - before).toBe(1);
    const ok = await client.login({ insee: '10387', username: 'maire', password: TEST_PASSWORD, deviceName: 'PC' });
    expect(ok.commune.insee).toBe('10387');
  });

  it('maps an unreachable hub to offline with the French message, after retrying', async () => {
    // A port nobody listens on.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const client = createHubClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: () => seeded.maireToken,
      clientSchema: 'core=1',
      log,
      retry: fastRetry,
    });
    const err = await caught(client.pull({ cursor: 0 }));
    expect(err.code).toBe('offline');
    expect(err.message).toBe(OFFLINE_MESSAGE);
    expect(err.detail).toMatch(/ECONNREFUSED/);

    const before = proxy.stats.refused;
    proxy.refuse = true;
    try {
      const viaProxy = createHubClient({
        baseUrl: proxy.url,
        token: () => seeded.maireToken,
        clientSchema: 'core=1',
        log,
        retry: fastRetry,
      });
      expect((await caught(viaProxy.pull({ cursor: 0 }))).code).toBe('offline');
      expect(proxy.stats.refused - before).toBeGreaterThanOrEqual(3);
    } finally {
      proxy.refuse = false;
    }
  });

  it('maps a hub that never answers to offline after the timeout', async () => {
    // A listener that accepts and stays silent (a hung hub or a dead proxy).
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as AddressInfo).port;
      const client = createHubClient({
        baseUrl: `http://127.0.0.1:${port}`,
        token: () => 't',
        clientSchema: 'core=1',
        log,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
        timeoutMs: 150,
      });
      const started = Date.now();
      const err = await caught(client.pull({ cursor: 0 }));
      expect(err.code).toBe('offline');
      expect(err.detail).toMatch(/ETIMEDOUT|timeout/i);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      silent.close();
    }
  });

  it('answers a success the contract does not describe (a proxy page, another hub version) with a French error, sent once', async () => {
    let calls = 0;
    const odd = createHttpServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ epoch: 'e', changes: 'pas une liste', cursor: 3 }));
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (odd.address() as AddressInfo).port;
      const client = createHubClient({
        baseUrl: `http://127.0.0.1:${port}`,
        token: () => 't',
        clientSchema: 'core=1',
        log,
        retry: fastRetry,
      });
      const err = await caught(client.pull({ cursor: 0 }));
      expect(err).toBeInstanceOf(GuichetError);
      expect(err.code).toBe('hub_unavailable');
      expect(err.message).toBe(MALFORMED_ANSWER_MESSAGE);
      expect(err.detail).toMatch(/sync\/pull → malformed answer at changes/);
      expect(calls).toBe(1);
    } finally {
      odd.close();
    }
  });
});
