import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { addCollectivite } from '../../hub-server/accounts/admin.js';
import { parisDay } from '../../shared/calendar.js';
import { syntheticDepositInput } from '../../shared/electoral/synthetic-demand.js';
import { generateReuExtract } from '../../shared/electoral/synthetic.js';
import { call, round, startBenchPcs, withGzipDownload } from './bench-pcs.js';
import { startCountingProxy } from './counting-proxy.js';

const execFileP = promisify(execFile);

/**
 * Sync figures over real loopback HTTP against a real hub (SQLite):
 * - first full sync of a 35 000-elector commune onto a fresh PC: bytes on the
 *   wire (counted by a TCP relay) and seconds (targets ≤ 2 MB, ≤ 3 s);
 * - one-change round trip: a demand created on PC A, pushed, then pulled by
 *   PC B (p50/p95 over 20 changes).
 */
export async function benchSync(opts: { electors?: number; roundTrips?: number } = {}): Promise<Record<string, unknown>> {
  const electors = opts.electors ?? 35_000;
  const roundTrips = opts.roundTrips ?? 20;
  const pcs = await startBenchPcs('guichet-bench-sync-');
  const { dir, hub } = pcs;
  try {
    const commune = await addCollectivite(hub.db, { insee: '10034', services: ['electoral'] });

    // PC A: the mayor enrolls, imports the extract, pushes it.
    const a = await pcs.enrolMayor('10034', 'poste-a');
    const extract = generateReuExtract({ seed: 35, count: electors, inseeCode: '10034', communeName: commune.name });
    const preview = await call(a, 'electoral:import-preview', {
      fileName: extract.fileName,
      content: new TextEncoder().encode(extract.csv),
    });
    await call(a, 'electoral:import-commit', { previewId: preview.previewId });
    const pushStart = performance.now();
    const pushed = await call(a, 'sync:now', null);
    const pushSeconds = (performance.now() - pushStart) / 1000;
    if (pushed.pending !== 0) throw new Error(`import not pushed: ${JSON.stringify(pushed.lastError)}`);

    // PC B: a fresh install, through the counting relay.
    const proxy = await startCountingProxy(new URL(hub.url));
    try {
      const b = await pcs.loginMayor('10034', 'poste-b', proxy.url);
      proxy.reset();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const bState = await call(b, 'sync:now', null);
      const cpu = process.cpuUsage(cpu0);
      const firstSyncCpuSeconds = (cpu.user + cpu.system) / 1e6;
      if (bState.lastError)
        throw new Error(`first sync failed: ${bState.lastError.code} ${bState.lastError.detail ?? bState.lastError.message}`);
      const firstSyncSeconds = (performance.now() - t0) / 1000;
      const firstSyncBytes = proxy.bytesToClient + proxy.bytesToServer;
      const bCount = await call(b, 'electoral:search', { query: '', listType: null, offset: 0, limit: 1 });
      if (bCount.total !== preview.total) throw new Error(`PC B has ${bCount.total} electors, expected ${preview.total}`);

      // Baseline in the same run, same loopback and same relay: HTTP GET of the gzipped CSV extract, then `sqlite3 .import`.
      const baseline = await csvDownloadAndImport(dir, extract.csv);

      const samples: number[] = [];
      const first = await call(a, 'electoral:search', { query: '', listType: null, offset: 0, limit: 1 });
      const elector = first.items[0]!;
      for (let i = 0; i < roundTrips; i++) {
        const t = performance.now();
        const demand = await call(a, 'electoral:create-demand', {
          kind: 'changement_adresse',
          electorId: elector.id,
          applicant: {
            birthName: elector.birthName,
            usageName: elector.usageName,
            firstNames: elector.firstNames || 'X',
            birthDate: elector.birthDate,
          },
          newAddress: `${i + 1} rue de la Mairie`,
          newBureauCode: null,
          comment: null,
          depositDate: parisDay(new Date()),
          files: syntheticDepositInput(parisDay(new Date())).files.filter((f) => f.piece === 'attache'),
        });
        await call(a, 'sync:now', null);
        await call(b, 'sync:now', null);
        const demands = await call(b, 'electoral:demands', { status: null });
        if (!demands.some((d) => d.id === demand.id)) throw new Error('round trip: demand not on PC B');
        samples.push(performance.now() - t);
      }
      samples.sort((x, y) => x - y);
      const pct = (p: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]! * 10) / 10;
      return {
        electors: preview.total,
        importPushSeconds: round(pushSeconds),
        firstFullSync: {
          bytesOnWire: firstSyncBytes,
          megabytes: round(firstSyncBytes / 1e6),
          seconds: round(firstSyncSeconds),
          // Hub and PC run in this one process: its CPU time is the work of both (the machine may be shared, wall time is not steady).
          cpuSeconds: round(firstSyncCpuSeconds),
          encoding: 'snapshot format=columns (shared/sync/columns.ts), gzip by the hub, derived elector ids left out, bulk load on the PC',
          targets: { maxMegabytes: 2, maxSeconds: 3 },
          baselineCsvGetAndSqliteImport: baseline,
          ratioTimeVsBaseline: (() => {
            const ratio = round(firstSyncSeconds / baseline.seconds);
            return { ratio, target: 2, met: ratio <= 2 };
          })(),
          ratioCpuVsBaseline: round(firstSyncCpuSeconds / baseline.cpuSeconds),
          ratioBytesVsBaseline: (() => {
            const ratio = round(firstSyncBytes / baseline.bytesOnWire);
            return { ratio, target: 1.2, met: ratio <= 1.2 };
          })(),
        },
        oneChangeRoundTripMs: { p50: pct(0.5), p95: pct(0.95), samples: samples.length },
      };
    } finally {
      await proxy.close();
    }
  } finally {
    await pcs.close();
  }
}

/**
 * The baseline of a first sync: the list as the REU CSV, gzipped, served over loopback HTTP through a
 * counting relay, fetched with curl and loaded with the sqlite3 CLI (`.import` into a plain table).
 */
async function csvDownloadAndImport(
  dir: string,
  csv: string,
): Promise<{ seconds: number; cpuSeconds: number; bytesOnWire: number; note: string }> {
  const db = join(dir, 'baseline.sqlite');
  const file = join(dir, 'baseline.csv');
  const { result, bytesOnWire } = await withGzipDownload(gzipSync(csv), 'text/csv; charset=utf-8', async (url) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { stdout } = await execFileP('bash', [
      '-c',
      'curl -sf --compressed -o "$2" "$1" && sqlite3 -cmd ".mode csv" -cmd ".separator ;" "$3" ".import $2 t" && times',
      'baseline',
      `${url}/extrait.csv`,
      file,
      db,
    ]);
    const seconds = round((performance.now() - t0) / 1000);
    // Children's user+sys (bash `times`, second line) plus this process serving the file.
    const [user, sys] = stdout.trim().split('\n').at(-1)!.split(/\s+/).map(minutesSeconds);
    const served = process.cpuUsage(cpu0);
    return { seconds, cpuSeconds: round(user! + sys! + (served.user + served.system) / 1e6) };
  });
  return {
    ...result,
    bytesOnWire,
    note: 'curl --compressed GET of the gzipped CSV through the same counting relay, then sqlite3 .import into a plain table',
  };
}

function minutesSeconds(s: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(s.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}
