import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { createAssistanceSession } from '../../electron/assistance/session.js';
import { createStandaloneContext } from '../../electron/core/test-context.js';
import { createHubClient } from '../../electron/hub-client/hub-client.js';
import type { HubToAgent } from '../../shared/assistance/protocol.js';
import { addCollectivite } from '../../hub-server/accounts/admin.js';
import { insertUser, openSession } from '../../hub-server/accounts/store.js';
import { seedStaff } from '../../hub-server/console/test-support.js';
import { createHubLogger } from '../../hub-server/log.js';
import { startHub } from '../../hub-server/server.js';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Remote assistance over loopback, with the real hub (SQLite, its audit writes
 * included), the real relay and the PC's real session module:
 * - input → applied → change seen: the agent sends an input; the PC's session
 *   hands it to the page (here a stand-in for the renderer that answers at once
 *   with a mutation batch of `mutationBytes`, the size rrweb emits for one typed
 *   character); the agent sees that batch. p50/p99 over `inputs`.
 *   Not in the figure: the page's own work (DOM, rrweb, the web host's or IPC hop).
 * - bytes per minute relayed to the agent while she types `inputsPerMinute`
 *   characters a minute on a page idle otherwise.
 * Baseline measured in the same run: a bare WebSocket echo on loopback.
 */
export async function benchAssistance(opts: { inputs?: number; mutationBytes?: number; inputsPerMinute?: number } = {}) {
  const inputs = opts.inputs ?? 300;
  const mutationBytes = opts.mutationBytes ?? 420;
  const inputsPerMinute = opts.inputsPerMinute ?? 120;
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-assist-'));
  const hub = await startHub({ port: 0, dataDir: join(dir, 'hub'), log: createHubLogger({ level: 'warn' }) });
  const echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  echo.on('connection', (s) => s.on('message', (m) => s.send(m)));
  const t = { current: null as ReturnType<typeof createStandaloneContext> | null };
  try {
    const commune = await addCollectivite(hub.db, { insee: '10387', services: ['assistance'] });
    const communeId = (await hub.db.selectFrom('collectivites').select('id').where('insee', '=', commune.insee).executeTakeFirstOrThrow())
      .id;
    const user = await insertUser(hub.db, {
      communeId,
      username: 'secretaire',
      displayName: 'Banc',
      role: 'secretaire',
      passwordHash: 'x',
    });
    const { token } = await openSession(hub.db, { communeId, userId: user.id, deviceName: 'banc' });
    const staff = await seedStaff(hub.db, { login: 'banc', role: 'assistance' });
    const client = createHubClient({ baseUrl: hub.url, token: () => token, clientSchema: 'core=1', log: pino({ level: 'silent' }) });
    t.current = createStandaloneContext({ dataDir: join(dir, 'pc'), hub: () => client, logLevel: 'warn' });
    const ctx = t.current;
    const session = createAssistanceSession(ctx.ctx);
    const mutation = JSON.stringify([
      { type: 3, data: { source: 0, texts: [{ id: 1, value: '*'.repeat(mutationBytes - 80) }] }, timestamp: 0 },
    ]);
    // The page: every input applied at once, answered by a mutation batch.
    const emit = ctx.ctx.emit;
    ctx.ctx.emit = (event, payload) => {
      emit(event, payload);
      if (event === 'assistance:input') {
        const { seq } = payload as { seq: number };
        session.applied(seq, true);
        session.frames(mutation.replace('"timestamp":0', `"timestamp":${seq}`));
      }
    };

    const { code } = await session.request();
    const agent = new WebSocket(`${hub.url.replace(/^http/, 'ws')}/console/api/assistance/socket`, { headers: staff.headers });
    const waiters = new Map<number, () => void>();
    let bytes = 0;
    agent.on('message', (raw) => {
      bytes += (raw as Buffer).length;
      const m = JSON.parse(raw.toString()) as HubToAgent;
      if (m.t === 'frames') {
        const seq = (JSON.parse(m.json) as { timestamp: number }[])[0]?.timestamp ?? -1;
        waiters.get(seq)?.();
      }
    });
    await new Promise((r) => agent.once('open', r));
    agent.send(JSON.stringify({ t: 'join', code }));
    for (let i = 0; i < 200 && session.state().status !== 'joined'; i++) await new Promise((r) => setTimeout(r, 10));
    session.accept();
    agent.send(JSON.stringify({ t: 'ask-control' }));
    for (let i = 0; i < 200 && !session.state().controlAsked; i++) await new Promise((r) => setTimeout(r, 10));
    session.grantControl();
    await new Promise((r) => setTimeout(r, 50));

    const latencies: number[] = [];
    bytes = 0;
    for (let seq = 1; seq <= inputs; seq++) {
      const seen = new Promise<void>((resolve) => waiters.set(seq, resolve));
      const started = performance.now();
      agent.send(JSON.stringify({ t: 'input', seq, input: { kind: 'text', id: 42, value: 'x'.repeat(seq % 20) } }));
      await seen;
      latencies.push(performance.now() - started);
    }
    const bytesPerInput = bytes / inputs;

    // Baseline: the same loopback, a WebSocket echo and nothing else.
    const port = (echo.address() as { port: number }).port;
    const bare = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((r) => bare.once('open', r));
    const baseline: number[] = [];
    for (let i = 0; i < inputs; i++) {
      const started = performance.now();
      const back = new Promise((r) => bare.once('message', r));
      bare.send(mutation);
      await back;
      baseline.push(performance.now() - started);
    }
    bare.close();
    agent.close();
    session.end();
    latencies.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    return {
      inputs,
      inputToChangeSeenMs: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
      baselineWebSocketEchoMs: { p50: round(quantile(baseline, 0.5)), p99: round(quantile(baseline, 0.99)) },
      bytesToAgentPerInput: Math.round(bytesPerInput),
      bytesPerMinuteTyping: Math.round(bytesPerInput * inputsPerMinute),
      assumptions: { mutationBytes, inputsPerMinute, page: 'stand-in (no DOM): see test/e2e/assistance.mjs for a real page' },
    };
  } finally {
    t.current?.close();
    echo.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
