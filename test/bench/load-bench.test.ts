import { describe, expect, it } from 'vitest';
import { benchLoad, canMeasureHubProcess } from '../../build/bench/load-bench.js';
import { TEST_BACKENDS } from '../../hub-server/db/test-backends.js';

/**
 * Smoke test of the load bench (`guichet bench --only load`) at a tiny size:
 * the real hub process, a handful of simulated PCs, a small import and a few
 * acts through the commands only. Checks the shape of what lands in
 * bench-results/latest.json and that failed requests are counted (one PC
 * polls with a token the hub does not know), never a timing.
 */
interface RouteFigures {
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}
/** The part of one backend's figures the test reads. */
interface LoadRun {
  error?: string;
  pcs: number;
  requests: number;
  errors: { total: number; byKind: Record<string, number> };
  routes: Record<string, RouteFigures>;
  import: unknown;
  acts: unknown;
  rejectedMutations: Record<string, number>;
  otherCommunes: object;
  targets: { routineP99Ms: object };
  hub: object;
}

describe.each(TEST_BACKENDS)('load bench, tiny size (%s)', (backend) => {
  it('reports per-route latency, errors, hub figures and the import window', { timeout: 120_000 }, async () => {
    const out = await benchLoad({
      backends: [backend],
      collectivites: 5,
      timeRatio: 30,
      loadSeconds: 2,
      maxSeconds: 30,
      importElectors: 300,
      transmitActs: 2,
      actsThrough: 'commands',
      unknownTokenPcs: 1,
    });
    expect(out).toMatchObject({ collectivites: 5, timeRatio: 30, targetP99Ms: 200 });
    const run = out[backend] as LoadRun;
    expect(run.error).toBeUndefined();
    expect(run.pcs).toBe(5 + 3 + 1); // round(5 × 1.5) PCs and the unknown one
    expect(run.requests).toBeGreaterThan(0);

    // Every request of the unknown PC is refused and counted, in the route figures and in the totals.
    expect(run.errors.byKind['HTTP 401']).toBeGreaterThan(0);
    expect(run.errors.total).toBeGreaterThanOrEqual(run.errors.byKind['HTTP 401']);
    const pull = run.routes['GET /sync/pull'];
    expect(pull).toMatchObject({
      count: expect.any(Number),
      errors: expect.any(Number),
      p50Ms: expect.any(Number),
      p99Ms: expect.any(Number),
    });
    expect(pull.errors).toBeGreaterThan(0);
    // Each cycle ends as the PC's does: a device report, and now and then what the session may do.
    expect(run.routes['POST /device/report']?.count).toBeGreaterThan(0);
    expect(run.routes['GET /me']?.count).toBeGreaterThan(0);

    // The import and the acts went through (the acts only queued: no simulator here).
    expect(run.import).toMatchObject({ electors: 300, status: 'applied' });
    expect(run.acts).toMatchObject({ acts: 2, through: 'commands', transmitApplied: 2 });
    expect(run.rejectedMutations).toEqual({});

    expect(run.otherCommunes).toHaveProperty('duringImport');
    expect(run.otherCommunes).toHaveProperty('outsideImport');
    expect(run.targets.routineP99Ms).toMatchObject({ target: 200, met: expect.any(Boolean) });
    if (canMeasureHubProcess()) expect(run.hub).toMatchObject({ cpuSeconds: expect.any(Number), peakRssMiB: expect.any(Number) });
  });
});
