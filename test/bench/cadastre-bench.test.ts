import { describe, expect, it } from 'vitest';
import { benchCadastre } from '../../build/bench/cadastre-bench.js';

/**
 * Smoke test of `guichet bench --only cadastre` at a tiny size: every query
 * kind is measured through the store and bare, and finds something; never a timing.
 */
describe('cadastre bench (smoke)', () => {
  it('measures each kind of search against the bare SQL, and finds what it types', async () => {
    const r = (await benchCadastre({ parcels: 2_000, iterations: 5, edigeo: false })) as {
      parcels: number;
      search: Record<string, { store: { p99Ms: number }; bareSql: { p99Ms: number }; hits: number }>;
      target: { p99Ms: number; worstP99Ms: number };
    };
    expect(r.parcels).toBe(2_000);
    expect(Object.keys(r.search).sort()).toEqual(['adresse', 'id', 'id-prefix', 'lieu-dit', 'section-numero']);
    for (const [name, k] of Object.entries(r.search)) {
      expect(k.hits, name).toBeGreaterThan(0);
      expect(k.store.p99Ms).toBeGreaterThanOrEqual(0);
      expect(k.bareSql.p99Ms).toBeGreaterThanOrEqual(0);
    }
    expect(r.target.p99Ms).toBe(5);
  });
});
