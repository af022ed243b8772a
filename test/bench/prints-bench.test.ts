import { describe, expect, it } from 'vitest';
import { benchPrints } from '../../build/bench/prints-bench.js';

/**
 * Smoke test of `guichet bench --only prints` at a tiny size: the real import,
 * the printing child process, the JSON shape (pages counted, memory sampled,
 * ratio against the target); never a timing or a memory figure.
 */
describe('prints bench (tiny)', () => {
  it('prints both sizes in child processes and reports pages, speed and the memory ratio', async () => {
    const r = (await benchPrints({ target: 600, baseline: 200 })) as {
      baseline: { electors: number; emargement: { pages: number }; cards: { pages: number }; memory: { peakRssMiB: number } };
      target: { electors: number; emargement: { pages: number; pagesPerSecond: number }; cards: { pages: number } };
      peakMemoryRatio: { ratio: number; target: number; met: boolean };
    };
    expect(r.baseline.electors).toBe(200);
    expect(r.target.electors).toBe(600);
    // Cards: 4 per A4 sheet, per bureau.
    expect(r.target.cards.pages).toBeGreaterThanOrEqual(600 / 4);
    expect(r.target.emargement.pages).toBeGreaterThan(r.baseline.emargement.pages);
    expect(r.target.emargement.pagesPerSecond).toBeGreaterThan(0);
    expect(r.baseline.memory.peakRssMiB).toBeGreaterThan(0);
    expect(r.peakMemoryRatio.target).toBe(1.3);
    expect(r.peakMemoryRatio.met).toBe(r.peakMemoryRatio.ratio <= 1.3);
  }, 120_000);
});
