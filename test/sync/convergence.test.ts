import { mkdtempSync, rmSync } from 'node:fs';
import { parisDay } from '../../shared/calendar.js';
import { syntheticDepositInput } from '../../shared/electoral/synthetic-demand.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestHub, createTestSchema, TEST_BACKENDS, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import type { ClientCore } from '../../electron/core/client-core.js';
import { createHubClient } from '../../electron/hub-client/hub-client.js';
import { DEMAND_STATUSES, type DemandStatus } from '../../shared/electoral/types.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import { call, openCore } from './core-harness.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';
import { seededRandom } from '../../shared/electoral/synthetic.js';

/**
 * Three PCs of one commune edit demands at random through the real client
 * core (electoral module included) while the line to the hub cuts, loses
 * answers and duplicates pushes, and the hub restarts on its SQLite file.
 * Afterwards: all replicas equal the hub, nothing acknowledged is lost, and
 * a PC of another commune saw none of it.
 * Run against one hub on SQLite, and against two hub instances on one
 * PostgreSQL schema with every PC's requests alternating between them (the
 * département past one machine), one instance restarting mid-run.
 */
const SEED = Number(process.env.GUICHET_CONVERGENCE_SEED ?? 20260301);
const STEPS = 120;

// A seeded PRNG, so a failing run can be replayed with its seed.
const prng = seededRandom;

const isPush = (m: string, p: string) => m === 'POST' && p.endsWith('/sync/push');
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

function demandInput(n: number) {
  return {
    kind: 'inscription' as const,
    electorId: null,
    applicant: { birthName: `NOM${n}`, usageName: null, firstNames: `Prénom ${n}`, birthDate: '1980-02-03' },
    newAddress: null,
    newBureauCode: null,
    comment: `demande ${n}`,
    ...syntheticDepositInput(parisDay(new Date())),
  };
}

async function demandsOf(core: ClientCore) {
  const list = await call(core, 'electoral:demands', { status: null });
  return list.map(({ pending: _pending, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id));
}

type Deployment = 'one hub on SQLite' | 'two hub instances on one PostgreSQL schema';
const DEPLOYMENTS: Deployment[] = [
  'one hub on SQLite',
  ...(TEST_BACKENDS.includes('postgres') ? (['two hub instances on one PostgreSQL schema'] as const) : []),
];

/** The hub side of a run: its instances' URLs, and a restart of (the first) one on the same database. */
async function openDeployment(deployment: Deployment): Promise<{ hubs: TestHub[]; urls: string[]; restart(): Promise<string[]> }> {
  const hubs: TestHub[] = [];
  // Cleanup runs in reverse: the hubs close before their database goes.
  const closeHubs = async () => {
    for (const h of hubs) await h.close();
  };
  if (deployment === 'one hub on SQLite') {
    const hubDir = mkdtempSync(join(tmpdir(), 'guichet-conv-hub-'));
    cleanup.push(() => rmSync(hubDir, { recursive: true, force: true }));
    const hubFile = join(hubDir, 'hub.sqlite');
    cleanup.push(closeHubs);
    hubs.push(await createTestHub('sqlite', { file: hubFile }));
    const urls = [await hubs[0].listen()];
    return {
      hubs,
      urls,
      async restart() {
        await hubs[0].close();
        hubs[0] = await createTestHub('sqlite', { file: hubFile });
        urls[0] = await hubs[0].listen();
        return urls;
      },
    };
  }
  const schema = await createTestSchema();
  cleanup.push(() => schema.drop());
  cleanup.push(closeHubs);
  for (let i = 0; i < 2; i++) hubs.push(await createTestHub('postgres', { schema: schema.schema }));
  const urls = [await hubs[0].listen(), await hubs[1].listen()];
  return {
    hubs,
    urls,
    async restart() {
      // One instance restarts; the other keeps serving meanwhile.
      await hubs[0].close();
      hubs[0] = await createTestHub('postgres', { schema: schema.schema });
      urls[0] = await hubs[0].listen();
      return urls;
    },
  };
}

describe.each(DEPLOYMENTS)('convergence of three replicas under a bad network and a hub restart (%s)', (deployment) => {
  it(`converges (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const deployed = await openDeployment(deployment);
    const hub = deployed.hubs[0];
    // One line per PC: each town-hall PC has its own outages and lost answers.
    const proxies: FlakyProxy[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await startFlakyProxy(deployed.urls);
      cleanup.push(() => p.close());
      proxies.push(p);
    }
    const a = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
    const b = await hub.seedCommune({ insee: '10033', services: ['electoral'] });

    const clients: ClientCore[] = [];
    for (const [i, username] of (['maire', 'secretaire', 'maire'] as const).entries()) {
      const core = await openCore(undefined, `PC ${i + 1}`);
      cleanup.push(() => core.close());
      await call(core, 'session:login', {
        hubUrl: proxies[i].url,
        insee: a.insee,
        username,
        password: TEST_PASSWORD,
        deviceName: `PC ${i + 1}`,
      });
      clients.push(core);
    }
    const other = await openCore(undefined, 'PC autre commune');
    cleanup.push(() => other.close());
    await call(other, 'session:login', {
      hubUrl: proxies[3].url,
      insee: b.insee,
      username: 'secretaire',
      password: TEST_PASSWORD,
      deviceName: 'PC autre commune',
    });
    const otherDemand = await call(other, 'electoral:create-demand', demandInput(9999));
    await call(other, 'sync:now', null);

    const created = new Set<string>();
    let statusChanges = 0;
    let restarted = false;
    for (let step = 0; step < STEPS; step++) {
      const index = Math.floor(random() * clients.length);
      const client = clients[index];
      const proxy = proxies[index];
      const r = random();
      if (step === Math.floor(STEPS / 2)) {
        // Hub restart on the same database, on a new port, while clients hold queued changes.
        const urls = await deployed.restart();
        for (const p of proxies) p.setTargets(urls);
        restarted = true;
      }
      if (r < 0.05)
        proxy.refuse = !proxy.refuse; // start or end an outage
      else if (r < 0.1)
        proxy.dropResponses(1 + Math.floor(random() * 3), isPush); // lost answers (sometimes every retry)
      else if (r < 0.13) proxy.duplicateRequests(1, isPush);
      else if (r < 0.42) {
        const d = await call(client, 'electoral:create-demand', demandInput(step));
        created.add(d.id);
      } else if (r < 0.85) {
        // Open demands: closed ones refuse any change locally, which would test nothing.
        const local = (await call(client, 'electoral:demands', { status: null })).filter(
          (d) => d.status === 'deposee' || d.status === 'instruction',
        );
        if (local.length > 0) {
          const env = await client.invoke('electoral:set-demand-status', {
            id: pick(local).id,
            status: pick(DEMAND_STATUSES) as DemandStatus,
          });
          if (env.ok) statusChanges++;
        }
      } else {
        await call(client, 'sync:now', null);
      }
    }

    // Back online for good: sync everyone until nothing moves.
    for (const p of proxies) p.refuse = false;
    for (let round = 0; round < 6; round++) {
      const states = [];
      for (const c of clients) states.push(await call(c, 'sync:now', null));
      if (states.every((s) => s.pending === 0 && s.lastError === null && s.massDeletion === null) && round >= 1) break;
    }
    for (const c of clients) expect(await call(c, 'sync:state', null)).toMatchObject({ pending: 0, lastError: null, online: true });

    // 1. All replicas are identical.
    const replicas = await Promise.all(clients.map(demandsOf));
    expect(replicas[1]).toEqual(replicas[0]);
    expect(replicas[2]).toEqual(replicas[0]);

    // 2. They equal the hub, and every demand a PC created is there (creations are never refused).
    const hubClient = createHubClient({
      baseUrl: proxies[0].url,
      token: () => a.maireToken,
      clientSchema: 'core=2',
      log: pino({ level: 'silent' }),
    });
    const onHub: SyncRecord[] = [];
    for (let cursor = 0; ; ) {
      const page = await hubClient.pull({ cursor });
      onHub.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const hubDemands = onHub.filter((r) => r.collection === 'electoral.demands' && !r.deleted);
    expect(new Set(hubDemands.map((r) => r.id))).toEqual(created);
    expect(replicas[0].map((d) => [d.id, d.version, d.status])).toEqual(
      hubDemands
        .map((r) => [r.id, r.version, (r.data as { status: string }).status])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    // Refusals are only stale status changes (concurrent edits), each shown with its reason.
    let refusals = 0;
    for (const c of clients) {
      for (const rej of (await call(c, 'sync:state', null)).rejected) {
        refusals++;
        expect(rej.reason.code).toBe('stale_version');
        expect(rej.reason.message.length).toBeGreaterThan(10);
      }
    }

    // 3. The other commune saw none of it, and none of its data leaked here.
    await call(other, 'sync:now', null);
    expect((await demandsOf(other)).map((d) => d.id)).toEqual([otherDemand.id]);
    expect(replicas[0].some((d) => d.id === otherDemand.id)).toBe(false);

    // The run really exercised the faults.
    expect(restarted).toBe(true);
    expect(created.size).toBeGreaterThan(20);
    expect(statusChanges).toBeGreaterThan(10);
    expect(refusals).toBeGreaterThan(0);
    const total = (k: keyof FlakyProxy['stats']) => proxies.reduce((n, p) => n + p.stats[k], 0);
    expect(total('dropped')).toBeGreaterThan(0);
    expect(total('duplicated')).toBeGreaterThan(0);
    expect(total('refused')).toBeGreaterThan(0);
    if (deployed.hubs.length > 1)
      // Every PC's line really alternated between the instances (the first one on both sides of its restart).
      for (const p of proxies.slice(0, 3)) expect(p.forwardedTo.size).toBe(3);
  });
});
