import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { call, openCore } from './core-harness.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';

/**
 * kill -9 of a client at the worst moments: the hub has applied its push but
 * the answer is not recorded; a pull is on the wire. On restart nothing is lost
 * and nothing is applied twice.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
let hub: TestHub;
let proxy: FlakyProxy;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  proxy = await startFlakyProxy(await hub.listen());
  await hub.seedCommune({ insee: '10387', services: ['electoral'] });
});
afterAll(async () => {
  await proxy.close();
  await hub.close();
});

async function loggedInDir(): Promise<string> {
  const core = await openCore();
  await call(core, 'session:login', {
    hubUrl: proxy.url,
    insee: '10387',
    username: 'maire',
    password: TEST_PASSWORD,
    deviceName: 'PC crash',
  });
  await core.close();
  return core.dataDir;
}

/** Runs the child and SIGKILLs it once the hub has answered a request matching `at`. */
async function runAndKill(dataDir: string, creates: number, at: (method: string, path: string) => boolean): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/sync/crash-child.ts'), dataDir, String(creates)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  proxy.beforeReply = async (method, path) => {
    if (!at(method, path)) return;
    proxy.beforeReply = null;
    child.kill('SIGKILL');
    await exited;
  };
  const signal = await exited;
  proxy.beforeReply = null;
  expect(signal, out).toBe('SIGKILL');
  return out;
}

describe('crash safety (kill -9)', () => {
  it('a push applied by the hub but whose answer died with the client is settled once on restart; a killed pull loses nothing', {
    timeout: 60_000,
  }, async () => {
    const writer = await loggedInDir();
    const out = await runAndKill(writer, 5, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
    expect(out).toContain('ready');
    expect(out).not.toContain('synced');

    const reopened = await openCore(writer);
    try {
      // The five demands and their queued changes survived the crash.
      expect(await call(reopened, 'electoral:demands', { status: null })).toHaveLength(5);
      expect((await call(reopened, 'sync:state', null)).pending).toBe(5);
      // Re-sent: the hub answers its stored results, nothing is refused as a duplicate.
      expect(await call(reopened, 'sync:now', null)).toMatchObject({ pending: 0, rejected: [], lastError: null });
    } finally {
      await reopened.close();
    }

    const reader = await loggedInDir();
    // A PC that never synced reads a snapshot first (a later one, pull pages): killed while reading it.
    await runAndKill(reader, 0, (m, p) => m === 'GET' && (p.endsWith('/sync/pull') || p.endsWith('/sync/snapshot')));
    const again = await openCore(reader);
    try {
      expect(await call(again, 'electoral:demands', { status: null })).toHaveLength(0);
      expect(await call(again, 'sync:now', null)).toMatchObject({ pending: 0, lastError: null });
      const names = (await call(again, 'electoral:demands', { status: null })).map((d) => d.applicant.birthName).sort();
      expect(names).toEqual(['CRASH0', 'CRASH1', 'CRASH2', 'CRASH3', 'CRASH4']);
    } finally {
      await again.close();
    }
  });
});
