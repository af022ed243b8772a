import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTestHub } from '../test-support.js';
import { tiers } from './actes-format/test-fixtures.js';
import { spawnSimulator } from './bench.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { startActesService } from './service.js';
import { actRecord, command, freePort, push, uniquePdf, upload, upsertAct } from './test-support.js';

/**
 * Acts forwarded per second by the hub's own worker, end to end: acts
 * already transmitted by the commune (queued rows), then the worker builds,
 * validates, stores and POSTs each archive to the simulator (own process) and
 * records it; the round trip ends when every ARActe came back by mail and
 * the status says `acquitte`. SQLite backend, one hub instance.
 */
export async function benchActesWorker(opts: { acts?: number } = {}): Promise<Record<string, unknown>> {
  // Baseline in the same run: the same worker handling one row at a time.
  const baseline = await runWorker(Math.min(60, opts.acts ?? 300), 1);
  const main = await runWorker(opts.acts ?? 300, undefined);
  return {
    ...main,
    cores: availableParallelism(),
    loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
    baselineOneAtATimeForwardedActsPerSecond: baseline.workerForwardedActsPerSecond,
  };
}

async function runWorker(
  total: number,
  batch: number | undefined,
): Promise<{ acts: number; workerForwardedActsPerSecond: number; workerRoundTripActsPerSecond: number; forwardedSeconds: number }> {
  const hub = await createTestHub('sqlite');
  const simDir = await mkdtemp(path.join(tmpdir(), 'bench-worker-sim-'));
  const mailboxPort = await freePort();
  const sim = await spawnSimulator(simDir, mailboxPort);
  try {
    const c = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    for (let i = 0; i < total; i++) {
      const content = uniquePdf(`bench-${i}`);
      const act = actRecord({ numero: `W${String(i).padStart(6, '0')}`, actFile: content });
      await upload(hub.app, c.secretaireToken, content);
      await push(hub.app, c.maireToken, [upsertAct(act)]);
      const [r] = await push(hub.app, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]);
      if (r.status !== 'applied') throw new Error(JSON.stringify(r));
    }
    const count = async (state: 'transmis') =>
      Number(
        (
          await hub.db
            .selectFrom('actes_transmissions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('state', '=', state)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const acknowledged = async () =>
      (
        await hub.db
          .selectFrom('sync_records')
          .select('data')
          .where('commune_id', '=', c.communeId)
          .where('collection', '=', 'acts.status')
          .execute()
      ).filter((r) => r.data?.includes('"state":"acquitte"')).length;
    const t0 = performance.now();
    const service = await startActesService(hub.db, {
      prefectureUrl: `${sim.url}/actes`,
      prefectureCertPem: sim.caCertPem,
      mailboxPort,
      tiers,
      pollMs: 20,
      batch,
    });
    let forwardedMs = 0;
    let roundTripMs = 0;
    try {
      for (;;) {
        if (!forwardedMs && (await count('transmis')) === total) forwardedMs = performance.now() - t0;
        if ((await acknowledged()) === total) {
          roundTripMs = performance.now() - t0;
          if (!forwardedMs) forwardedMs = roundTripMs;
          break;
        }
        if (performance.now() - t0 > 300_000) throw new Error('bench: timeout');
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await sim.close();
      await service.close();
    }
    return {
      acts: total,
      workerForwardedActsPerSecond: Math.round((total / forwardedMs) * 1000 * 10) / 10,
      workerRoundTripActsPerSecond: Math.round((total / roundTripMs) * 1000 * 10) / 10,
      forwardedSeconds: Math.round(forwardedMs) / 1000,
    };
  } finally {
    await hub.close();
    await rm(simDir, { recursive: true, force: true });
  }
}

// `npx tsx hub-server/acts/bench-worker.ts [acts]` prints the numbers.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  benchActesWorker({ acts: process.argv[2] ? Number(process.argv[2]) : undefined }).then((r) => console.log(JSON.stringify(r, null, 2)));
}
