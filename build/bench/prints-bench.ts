/**
 * `guichet bench --only prints`: émargement lists and refonte cards of every
 * bureau of a synthetic commune, at the target size (35 000 electors) and at
 * the baseline (3 500), each printed in a fresh process on a database filled
 * beforehand. Prints stream page by page, so the peak memory of the big
 * commune should stay near the small one's: target ratio ≤ 1.3 (peak RSS).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateReuRows, renderReuCsv } from '../../shared/electoral/synthetic.js';
import { createStandaloneContext } from '../../electron/core/test-context.js';
import { createElectoralModule } from '../../electron/electoral/module.js';
import { utf8Bytes } from '../../electron/electoral/reu-variants.js';

interface PrintRun {
  electors: number;
  bureaux: number;
  emargement: { pages: number; bytes: number; ms: number; pagesPerSecond: number };
  cards: { pages: number; bytes: number; ms: number; pagesPerSecond: number };
  memory: { peakRssMiB: number; peakHeapMiB: number; startRssMiB: number; maxRssMiB: number };
}

/** Fills a PC database with `count` synthetic electors through the real import. */
async function fill(dataDir: string, count: number): Promise<void> {
  const sc = createStandaloneContext({ dataDir, logLevel: 'silent' });
  try {
    const h = createElectoralModule(sc.ctx).handlers;
    const csv = renderReuCsv(generateReuRows({ seed: 35, count, inseeCode: '10387', communeName: 'TROYES' }));
    const preview = await h['electoral:import-preview']({ fileName: 'com10387_electeurs_actifs_02-12-2026.csv', content: utf8Bytes(csv) });
    await h['electoral:import-commit']({ previewId: preview.previewId });
  } finally {
    sc.close();
  }
}

function printIn(dataDir: string): Promise<PrintRun> {
  const entry = fileURLToPath(new URL('./prints-entry.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as PrintRun) : reject(new Error(`prints child exited ${code}`)),
    );
  });
}

export async function benchPrints(opts: { target?: number; baseline?: number } = {}): Promise<Record<string, unknown>> {
  const target = opts.target ?? 35_000;
  const baseline = opts.baseline ?? 3_500;
  const root = mkdtempSync(join(tmpdir(), 'guichet-bench-prints-'));
  try {
    const runs: Record<string, PrintRun> = {};
    for (const [name, count] of [
      ['baseline', baseline],
      ['target', target],
    ] as const) {
      const dir = join(root, name);
      await fill(dir, count);
      runs[name] = await printIn(dir);
    }
    const ratio = +(runs.target.memory.peakRssMiB / runs.baseline.memory.peakRssMiB).toFixed(2);
    const heapRatio = +(runs.target.memory.peakHeapMiB / runs.baseline.memory.peakHeapMiB).toFixed(2);
    return {
      what: `liste d’émargement et cartes (refonte, A4×4) de chaque bureau, ${target} électeurs contre ${baseline}`,
      baseline: runs.baseline,
      target: runs.target,
      peakMemoryRatio: {
        ratio,
        heapRatio,
        target: 1.3,
        met: ratio <= 1.3,
        measure: 'peak RSS of the printing process (sampled every 20 ms)',
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
