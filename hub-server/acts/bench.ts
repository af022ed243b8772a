import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPrefectureSim } from '../prefecture-sim/prefecture-sim.js';
import { buildActeMessage } from './actes-format/build-acte.js';
import { buildTransmissionArchive } from './actes-format/archive.js';
import { sampleActe, tiers, commune } from './actes-format/test-fixtures.js';
import { xsdValidatorStats } from './actes-format/xsd-validate.js';
import { startActesMailbox } from './mailbox/smtp-receiver.js';
import { closeEndpoint, postArchive } from './transport/post-archive.js';

/**
 * ACTES forwarding throughput over loopback: acts built, validated against
 * the XSD (one xmllint run per archive: envelope + message), packed as tar.gz
 * and POSTed over HTTPS to the simulator, which answers 201. Also measured:
 * the full round trip until every ARActe mail is back in the hub's mailbox
 * (the simulator validates in and out, so three xmllint runs per act in all).
 */
export async function benchActesForwarding(opts: { acts?: number; concurrency?: number } = {}): Promise<Record<string, unknown>> {
  const total = opts.acts ?? 300;
  const concurrency = opts.concurrency ?? 8;
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
  const sim = await startPrefectureSim({ dataDir, smtp: { host: '127.0.0.1', port: mailbox.port } });
  const endpoint = { url: `${sim.url}/actes`, caCertPem: sim.caCertPem };
  const latencies: number[] = [];
  try {
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

// `npx tsx hub-server/acts/bench.ts` prints the numbers.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  benchActesForwarding().then((r) => console.log(JSON.stringify(r, null, 2)));
}
