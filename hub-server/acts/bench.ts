import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startPrefectureSim } from '../prefecture-sim/prefecture-sim.js';
import { buildActeMessage } from './actes-format/build-acte.js';
import { buildTransmissionArchive } from './actes-format/archive.js';
import { sampleActe, tiers, commune } from './actes-format/test-fixtures.js';
import { actesXsdDir, xsdValidatorStats } from './actes-format/xsd-validate.js';
import { buildEnvelope } from './actes-format/build-envelope.js';
import { startActesMailbox } from './mailbox/smtp-receiver.js';
import { closeEndpoint, postArchive } from './transport/post-archive.js';

const execFileP = promisify(execFile);

/**
 * ACTES forwarding throughput over loopback: acts built, validated against
 * the XSD (one xmllint run per archive: envelope + message), packed as tar.gz
 * and POSTed over HTTPS to the simulator, which answers 201. Also measured:
 * the full round trip until every ARActe mail is back in the hub's mailbox
 * (the simulator validates in and out, so three xmllint runs per act in all).
 */
export async function benchActesForwarding(
  opts: { acts?: number; concurrency?: number; simulator?: 'separate-process' | 'in-process' } = {},
): Promise<Record<string, unknown>> {
  const total = opts.acts ?? 300;
  const concurrency = opts.concurrency ?? 8;
  const simulator = opts.simulator ?? 'separate-process';
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-actes-'));
  let arReceived = 0;
  let otherReturns = 0;
  let allBack: () => void = () => {};
  const done = new Promise<void>((resolve) => (allBack = resolve));
  const mailbox = await startActesMailbox({
    onReturn: (e) => {
      if (e.type === 'ARActe') arReceived++;
      else otherReturns++;
      if (arReceived + otherReturns === total) allBack();
    },
  });
  const sim =
    simulator === 'in-process'
      ? await startPrefectureSim({ dataDir, smtp: { host: '127.0.0.1', port: mailbox.port } })
      : await spawnSimulator(dataDir, mailbox.port);
  const endpoint = { url: `${sim.url}/actes`, caCertPem: sim.caCertPem };
  const latencies: number[] = [];
  try {
    // Baseline, same work done naively: one xmllint spawned from the hub per file, one archive at a time.
    const baselineActs = Math.min(60, total);
    const b0 = performance.now();
    for (let i = 0; i < baselineActs; i++) {
      const msg = buildActeMessage(sampleActe({ numeroInterne: `BASE_${String(i).padStart(6, '0')}`, annexes: [] }));
      const env = buildEnvelope({ tiers, commune, date: '2026-11-28', serial: i + 1, formulaires: [msg.fileName] });
      const dir = await mkdtemp(path.join(tmpdir(), 'bench-base-'));
      for (const f of [
        { n: env.fileName, c: env.xml },
        { n: msg.fileName, c: msg.xml },
        ...msg.documents.map((d) => ({ n: d.fileName, c: d.content })),
      ])
        await writeFile(path.join(dir, f.n), f.c);
      for (const n of [env.fileName, msg.fileName])
        await execFileP('xmllint', ['--noout', '--schema', path.join(actesXsdDir(), 'actesv1_1.xsd'), n], { cwd: dir });
      await tar.c({ gzip: true, cwd: dir, portable: true, file: path.join(dir, 'a.tar.gz') }, [
        env.fileName,
        msg.fileName,
        ...msg.documents.map((d) => d.fileName),
      ]);
      await rm(dir, { recursive: true, force: true });
    }
    const baselinePerSecond = Math.round((baselineActs / (performance.now() - b0)) * 1000 * 10) / 10;

    // Phase 1, hub side only: build + XSD validation + tar.gz, nothing posted.
    const p0 = performance.now();
    let k = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (k < total) {
          const i = k++;
          const msg = buildActeMessage(sampleActe({ numeroInterne: `PREP_${String(i).padStart(6, '0')}`, annexes: [] }));
          await buildTransmissionArchive({ tiers, commune, date: '2026-11-28', serial: i + 1, messages: [msg] });
        }
      }),
    );
    const builtPerSecond = Math.round((total / (performance.now() - p0)) * 1000 * 10) / 10;
    // Phase 2: the same, posted over HTTPS to the simulator, which answers each act by mail.
    const v0 = xsdValidatorStats();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const s = performance.now();
          const msg = buildActeMessage(sampleActe({ numeroInterne: `BENCH_${String(i).padStart(6, '0')}`, annexes: [] }));
          const t = await buildTransmissionArchive({ tiers, commune, date: '2026-11-28', serial: i + 1, messages: [msg] });
          await postArchive(endpoint, t.archiveName, t.archive);
          latencies.push(performance.now() - s);
        }
      }),
    );
    const postedMs = performance.now() - t0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 120_000)))]);
    clearTimeout(timer);
    const roundTripMs = performance.now() - t0;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10;
    return {
      acts: total,
      concurrency,
      simulator,
      cores: availableParallelism(),
      loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
      baselineSpawnPerFileSequentialPerSecond: baselinePerSecond,
      builtValidatedArchivedPerSecond: builtPerSecond,
      postedActsPerSecond: Math.round((total / postedMs) * 1000 * 10) / 10,
      postedSeconds: Math.round(postedMs) / 1000,
      roundTripActsPerSecond: Math.round((arReceived / roundTripMs) * 1000 * 10) / 10,
      arActeReceived: arReceived,
      otherReturns,
      latencyMsP50: pct(0.5),
      latencyMsP95: pct(0.95),
      // Hub (envelope + act), simulator in (same) and out (envelope + ARActe): 6 files per act.
      xmllintFilesPerAct: Math.round(((xsdValidatorStats().files - v0.files) / total) * 10) / 10,
      xmllintRuns: xsdValidatorStats().runs - v0.runs,
    };
  } finally {
    closeEndpoint(endpoint);
    await sim.close();
    await mailbox.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The simulator as deployed: its own process (`guichet prefecture-sim serve`), so it does not share the hub's event loop. */
export async function spawnSimulator(
  dataDir: string,
  smtpPort: number,
): Promise<{ url: string; caCertPem: string; close(): Promise<void> }> {
  const guichet = fileURLToPath(new URL('../../build/guichet.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [guichet, 'prefecture-sim', 'serve', '--port', '0', '--data', dataDir, '--smtp', `127.0.0.1:${smtpPort}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 600 && !/https:\/\/\S+\/actes/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
  const url = /(https:\/\/\S+)\/actes/.exec(out)?.[1];
  if (!url) {
    child.kill('SIGTERM');
    throw new Error(`le simulateur n'a pas démarré: ${out}`);
  }
  return {
    url,
    caCertPem: await readFile(path.join(dataDir, 'sim-cert.pem'), 'utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// `npx tsx hub-server/acts/bench.ts [in-process]` prints the numbers.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  benchActesForwarding({ simulator: process.argv[2] === 'in-process' ? 'in-process' : 'separate-process' }).then((r) =>
    console.log(JSON.stringify(r, null, 2)),
  );
}
