import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';

/**
 * `guichet bench` (`npm run bench`): every benchmark of the project, each
 * against a baseline measured in the same run, written as one JSON file.
 * Benchmarks live beside the code they measure; this only runs and collects.
 */
const BENCHES: Record<string, () => Promise<Record<string, unknown>>> = {
  electoral: async () => (await import('../../electron/electoral/bench.js')).benchElectoral(),
  sync: async () => (await import('../bench/sync-bench.js')).benchSync(),
  signing: async () => (await import('../../electron/signing/bench.js')).benchSigning(),
  actes: async () => (await import('../../hub-server/acts/bench.js')).benchActesForwarding(),
  'actes-worker': async () => (await import('../../hub-server/acts/bench-worker.js')).benchActesWorker(),
  load: async () => (await import('../bench/load-bench.js')).benchLoad(),
  prints: async () => (await import('../bench/prints-bench.js')).benchPrints(),
  assistance: async () => (await import('../bench/assistance-bench.js')).benchAssistance(),
  cadastre: async () => (await import('../bench/cadastre-bench.js')).benchCadastre(),
};

export function register(program: Command): void {
  program
    .command('bench')
    .description(
      'Mesure les performances (JSON) : import et recherche électorale, synchronisation, signature PAdES, transmission ACTES, charge du hub à l’échelle du département, impressions électorales, assistance à distance, recherche et import du cadastre',
    )
    .option('--only <names>', `liste séparée par des virgules parmi : ${Object.keys(BENCHES).join(', ')}`)
    .option('--out <dir>', 'dossier des résultats', 'bench-results')
    .action(async (opts: { only?: string; out: string }) => {
      const names = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(BENCHES);
      const unknown = names.filter((n) => !(n in BENCHES));
      if (unknown.length) {
        console.error(`Benchmark inconnu : ${unknown.join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const results: Record<string, unknown> = {};
      let failed = false;
      for (const name of names) {
        process.stderr.write(`bench ${name}…\n`);
        try {
          results[name] = await BENCHES[name]!();
        } catch (err) {
          failed = true;
          results[name] = { error: err instanceof Error ? err.message : String(err) };
        }
      }
      const doc = {
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
        results,
      };
      mkdirSync(opts.out, { recursive: true });
      const json = JSON.stringify(doc, null, 2);
      writeFileSync(join(opts.out, 'latest.json'), json);
      writeFileSync(join(opts.out, `bench-${doc.date.replace(/[:.]/g, '-')}.json`), json);
      console.log(json);
      if (failed) process.exitCode = 1;
    });
}
