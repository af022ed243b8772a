import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import type { PushResult } from '../../shared/sync/protocol.js';
import { randomUUID } from 'node:crypto';
import { nowIso } from '../db/dialect.js';
import { openHubDb } from '../db/open.js';
import { startPrefectureSim, type PrefectureSim } from '../prefecture-sim/prefecture-sim.js';
import { createTestHub, createTestSchema, TEST_BACKENDS, TEST_PG_URL, type SeededCommune } from '../test-support.js';
import { tiers } from './actes-format/test-fixtures.js';
import { spawnHub, startRelay, type HubProcess } from './hub-process.js';
import { createTransmissionsStore, type TransmissionRow } from './transmissions-store.js';
import { actRecord, call, command, freePort, pulledStatus, push, uniquePdf, upload, upsertAct, waitFor } from './test-support.js';

/**
 * Two hub processes on one PostgreSQL schema (the département past one
 * machine), both running the forwarder against the prefecture simulator.
 * The transmit requests alternate between them; one instance SIGKILLs
 * itself right after a POST (GUICHET_ACTES_FAULT=after-post). The relay
 * hands every return mail to BOTH instances' mailboxes (the killed one gets
 * them once restarted). Each act must reach the simulator exactly once, end
 * acknowledged, and its acknowledgment be applied once.
 */
async function pgAbsence(): Promise<string | null> {
  if (!TEST_BACKENDS.includes('postgres')) return 'PostgreSQL désactivé pour ces tests (GUICHET_TEST_PG=off)';
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return null;
  } catch {
    return `PostgreSQL injoignable à ${TEST_PG_URL.replace(/\/\/[^@]*@/, '//')}`;
  } finally {
    await client.end().catch(() => {});
  }
}
const PG_ABSENT = await pgAbsence();
const ACTS = 6;

describe.skipIf(PG_ABSENT !== null)(`two hub instances on one PostgreSQL schema${PG_ABSENT ? ` — ignoré : ${PG_ABSENT}` : ''}`, () => {
  let sim: PrefectureSim;
  let simDir: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  const procs: HubProcess[] = [];

  beforeAll(async () => {
    schema = await createTestSchema();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await sim?.close();
    await relay?.close();
    if (simDir) rmSync(simDir, { recursive: true, force: true });
    await schema?.drop();
  });

  it('a transmission claimed by both instances at the same instant goes to one of them only', async () => {
    const own = await createTestSchema();
    const one = await createTestHub('postgres', { schema: own.schema });
    const other = await openHubDb({ url: TEST_PG_URL, schema: own.schema }); // its own connection pool, as another process has
    try {
      const { communeId } = await one.seedCommune({ insee: '10033', services: ['acts'] });
      const now = nowIso();
      const rows: TransmissionRow[] = Array.from({ length: 40 }, (_, i) => ({
        id: randomUUID(),
        commune_id: communeId,
        act_id: null,
        kind: 'classification',
        payload: '{}',
        state: i % 2 === 0 ? 'queued' : 'built',
        attempts: 0,
        next_attempt_at: now,
        claimed_by: null,
        claimed_at: null,
        serial: null,
        archive_name: null,
        archive_size: null,
        archive: null,
        id_acte: null,
        error: null,
        uncertain_since: null,
        created_at: now,
        sent_at: null,
        updated_at: now,
      }));
      await one.db.insertInto('actes_transmissions').values(rows).execute();
      const stores = [createTransmissionsStore(one.db, 'instance-1'), createTransmissionsStore(other, 'instance-2')];
      const won = await Promise.all(
        rows.map((row) => Promise.all(stores.map((st) => (row.state === 'queued' ? st.claimBuild(row) : st.claimSend(row))))),
      );
      for (const pair of won) expect(pair.filter(Boolean)).toHaveLength(1);
      const after = await one.db.selectFrom('actes_transmissions').select(['state', 'claimed_by', 'attempts']).execute();
      expect(after.filter((r) => r.state === 'building')).toHaveLength(20);
      expect(after.filter((r) => r.state === 'sending' && r.attempts === 1)).toHaveLength(20);
      expect(after.every((r) => r.claimed_by === 'instance-1' || r.claimed_by === 'instance-2')).toBe(true);
    } finally {
      await other.destroy();
      await one.close();
      await own.drop();
    }
  });

  it('sends each act once across both instances, one killed mid-send, and applies each return mail once', async () => {
    // Seed the shared schema in-process, then hand it to two real hub processes.
    const seed = await createTestHub('postgres', { schema: schema.schema });
    const commune: SeededCommune = await seed.seedCommune({ insee: '10387', services: ['acts'] });
    const actIds: string[] = [];
    for (let i = 0; i < ACTS; i++) {
      const content = uniquePdf(`two-hubs-${i}`);
      const act = actRecord({ numero: `DEUX_${i}`, actFile: content });
      expect(await upload(seed.app, commune.secretaireToken, content)).toBe(204);
      expect((await push(seed.app, commune.maireToken, [upsertAct(act)]))[0].status).toBe('applied');
      actIds.push(act.id);
    }
    await seed.close();

    const mailboxes = [await freePort(), await freePort()];
    relay = await startRelay(mailboxes);
    simDir = mkdtempSync(join(tmpdir(), 'guichet-sim-two-'));
    // Unused on PostgreSQL (files are in the database), but every hub has a data folder.
    const hubDir = join(simDir, 'hub');
    sim = await startPrefectureSim({ dataDir: simDir, smtp: { host: '127.0.0.1', port: relay.port } });
    const ports = [await freePort(), await freePort()];
    const config = (i: number) =>
      JSON.stringify({
        dataDir: hubDir,
        port: ports[i],
        dbUrl: TEST_PG_URL,
        dbSchema: schema.schema,
        actes: {
          prefectureUrl: `${sim.url}/actes`,
          prefectureCertPem: sim.caCertPem,
          mailboxPort: mailboxes[i],
          tiers,
          // Instance 0 polls fast and takes big batches, so it surely claims sends before it dies.
          pollMs: i === 0 ? 50 : 300,
          batch: i === 0 ? 16 : 2,
          postTimeoutMs: 2000,
          sendLeaseMs: 1000,
          buildLeaseMs: 1000,
          uncertainWaitMs: 6000,
        },
      });
    const doomed = spawnHub({ GUICHET_TEST_HUB: config(0), GUICHET_ACTES_FAULT: 'after-post' });
    const steady = spawnHub({ GUICHET_TEST_HUB: config(1) });
    procs.push(doomed, steady);
    const urls = await Promise.all([doomed.url, steady.url]);

    // Transmit requests alternate between the instances; one whose instance is gone already goes to the
    // other with the same mutation id (what a load balancer's retry does): applied once either way.
    for (const [i, actId] of actIds.entries()) {
      const mutation = { mutationId: 1000 + i, ...command(TRANSMIT_COMMAND, { actId }) };
      let result: PushResult | undefined;
      for (const url of [urls[i % 2], urls[(i + 1) % 2]]) {
        try {
          const res = await call(url, {
            method: 'POST',
            url: HUB_ROUTES.syncPush.path,
            headers: { authorization: `Bearer ${commune.maireToken}` },
            payload: { mutations: [mutation] },
          });
          if (res.statusCode !== 200) continue;
          result = (res.json() as { results: PushResult[] }).results[0];
          break;
        } catch {
          // instance down: the other one answers
        }
      }
      expect(result?.status).toBe('applied');
    }

    // The fast instance claimed a send, posted it and died before recording the 201.
    expect((await doomed.exited).signal).toBe('SIGKILL');
    for (const [i, id] of actIds.entries()) {
      const status = await waitFor(
        `act ${i} acquitte`,
        async () => {
          const s = await pulledStatus(urls[1], commune.consultationToken, id);
          return s?.state === 'acquitte' ? s : null;
        },
        30_000,
      );
      expect(status.idActe).toMatch(/-DEUX_\d-DE$/);
    }
    await sim.idle();

    // The killed instance comes back on its ports: its mailbox now receives every return mail the other one
    // already applied, a second delivery of each.
    const back = spawnHub({ GUICHET_TEST_HUB: config(0) });
    procs.push(back);
    urls[0] = await back.url;
    await waitFor('every return mail delivered to both mailboxes', async () => relay.pending() === 0, 20_000);

    const received = readdirSync(join(simDir, 'received')).map((n) => n.replace(/^\d+-/, ''));
    expect(received).toHaveLength(ACTS);
    expect(new Set(received).size).toBe(ACTS);
    expect(sim.stats().anomalieActe).toBe(0);
    for (const [i, id] of actIds.entries()) {
      // Read through each instance in turn: both answer the same, one acknowledgment each.
      const status = await pulledStatus(urls[i % 2], commune.consultationToken, id);
      expect(status?.state).toBe('acquitte');
      expect(status?.timeline.filter((t) => t.state === 'acquitte')).toHaveLength(1);
      expect(await pulledStatus(urls[(i + 1) % 2], commune.consultationToken, id)).toEqual(status);
    }
  }, 60_000);
});
