import { describe, expect, it } from 'vitest';
import { parseMajic } from './majic-parse.js';
import { generateMajic } from './synthetic-majic.js';

describe('synthetic MAJIC on a given plan (the demo)', () => {
  it('gives the comptes only parcels of the plan, each to one compte, and still parses whole', () => {
    // A plan's ids as the cadastre keys them (sections with a padding zero, prefix 000).
    const plan = Array.from({ length: 300 }, (_, i) => `25354000${['0A', 'ZB', 'ZC'][i % 3]}${String(10 + i).padStart(4, '0')}`);
    const { files } = generateMajic({ insee: '25354', communeName: 'LUXIOL', seed: 3, comptes: 30, parcels: plan });
    const comptes = parseMajic(
      Object.entries(files).map(([name, text]) => ({ name, text })),
      { insee: '25354', millesime: 2026 },
    );
    const held = comptes.flatMap((c) => c.parcels.map((p) => p.id));
    expect(held.length).toBeGreaterThan(30);
    expect(held.every((id) => plan.includes(id))).toBe(true);
    // The copropriété's parcel is held through lots; every other parcel belongs to exactly one compte.
    expect(new Set(held).size).toBe(held.length);
  });
});
