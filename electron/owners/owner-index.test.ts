import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { foldName } from '../../shared/electoral/normalize.js';
import { parseMajic } from '../../shared/owners/majic-parse.js';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import { type Compte, communicationSchema, compteSchema, journalEntrySchema, majicImportRecordSchema } from '../../shared/owners/types.js';
import { openClientDb } from '../db/open.js';
import { CLIENT_MIGRATIONS } from '../domains.js';
import { createFileSecretStore } from '../platform/node-platform.js';
import { createOwnersStore } from './store.js';
import { buildOwnerIndex } from './owner-index.js';

function comptesOf(seed: number, n: number): { comptes: Compte[]; majic: ReturnType<typeof generateMajic> } {
  const majic = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed, comptes: n });
  const comptes = parseMajic(
    Object.entries(majic.files).map(([name, text]) => ({ name, text })),
    { insee: '10034', millesime: 2026 },
  );
  return { comptes, majic };
}

describe('the owners search (in memory)', () => {
  const { comptes, majic } = comptesOf(3, 60);
  const index = buildOwnerIndex(comptes);
  const people = comptes.flatMap((c) => c.owners.map((o) => ({ c, o }))).filter(({ o }) => !o.legalPerson);

  it('finds an owner by a prefix of the birth name, accents and case ignored, and with the first name', () => {
    const accented = people.find(({ o }) => foldName(o.birthName) !== o.birthName.toLowerCase())!;
    const typed = foldName(accented.o.birthName).slice(0, 4).toUpperCase();
    const hits = index.search(typed, 200).hits;
    expect(hits.map((h) => h.compteId)).toContain(accented.c.id);
    const withFirst = index.search(`${foldName(accented.o.birthName)} ${foldName(accented.o.birthFirstNames).slice(0, 2)}`, 50).hits;
    expect(withFirst.some((h) => h.dnuper === accented.o.dnuper)).toBe(true);
    expect(withFirst.every((h) => foldName(`${h.birthName} ${h.usageName}`).includes(foldName(accented.o.birthName).split(' ')[0]!))).toBe(
      true,
    );
  });

  it('finds a married owner by usage name and by birth name', () => {
    const married = people.find(({ o }) => o.dnuper === majic.traps.usageName.dnuper)!;
    expect(married.o.usageName).not.toBe(married.o.birthName);
    for (const name of [married.o.usageName, married.o.birthName])
      expect(index.search(name.toLowerCase(), 200).hits.some((h) => h.dnuper === married.o.dnuper)).toBe(true);
  });

  it('reads a parcel reference (ZB 12, the 14-character id) and a compte number', () => {
    const parcel = majic.traps.copropriete.parcelId;
    const section = parcel.slice(8, 10).replace(/^0/, '');
    const numero = String(Number(parcel.slice(10)));
    for (const q of [`${section} ${numero}`, `${section.toLowerCase()}${numero}`, parcel]) {
      const r = index.search(q, 50);
      expect(r.kind).toBe('parcelle');
      expect(r.parcel?.id).toBe(parcel);
      expect(r.hits.length).toBeGreaterThan(1); // a copropriété: several comptes hold lots of it
    }
    const sci = comptes.find((c) => c.id === majic.traps.privateBody.compte)!;
    expect(sci.dnupro).toMatch(/^\*/);
    const r = index.search(`*${Number(sci.dnupro.slice(1))}`, 50);
    expect(r.kind).toBe('compte');
    expect(r.hits.map((h) => h.compteId)).toEqual([sci.id]);
    expect(index.search('12', 50).hits.every((h) => h.dnupro === '000012')).toBe(true);
    expect(index.search('ZZ 9999', 50)).toMatchObject({ kind: 'parcelle', hits: [] });
  });

  it('decrypts and indexes 10 000 comptes once, then answers a keystroke fast (measured)', async () => {
    // The generator numbers parcels per section up to 999: widen a real parse to 10 000 comptes, names mixed.
    const seed = comptesOf(9, 300).comptes.filter((c) => c.owners.every((o) => !o.legalPerson));
    const big: Compte[] = Array.from({ length: 10_000 }, (_, i) => {
      const base = seed[i % seed.length]!;
      const other = seed[(i * 7 + 3) % seed.length]!.owners[0]!;
      const dnupro = String(i + 1).padStart(6, '0');
      return {
        ...base,
        id: `${base.id.slice(0, 6)}${dnupro}`,
        dnupro,
        owners: base.owners.map((o, k) => (k === 0 ? { ...o, birthFirstNames: other.birthFirstNames, usageName: other.birthName } : o)),
      };
    });
    const dir = mkdtempSync(join(tmpdir(), 'owners-bench-'));
    try {
      const db = openClientDb(join(dir, 'guichet.sqlite'), CLIENT_MIGRATIONS);
      const store = createOwnersStore(db, createFileSecretStore(join(dir, 'secrets.json')), pino({ level: 'silent' }));
      await store.unlock();
      const [comptesCollection] = store.collections({
        'owners.comptes': compteSchema,
        'owners.communications': communicationSchema,
        'owners.journal': journalEntrySchema,
        'owners.imports': majicImportRecordSchema,
      });
      db.transaction(() => {
        for (const c of big) comptesCollection!.apply({ collection: 'owners.comptes', id: c.id, version: 1, deleted: false, data: c });
      })();
      const t0 = performance.now();
      const decrypted = store.readAll('owners.comptes', compteSchema);
      const t1 = performance.now();
      const idx = buildOwnerIndex(decrypted);
      const t2 = performance.now();
      const queries = ['m', 'ma', 'mar', 'mart', 'martin j', 'dupon', 'le', 'ZB 12', '000123'];
      for (const q of queries) idx.search(q, 50);
      const perQuery = (performance.now() - t2) / queries.length;
      console.log(
        `owners: ${big.length} comptes decrypted+parsed in ${(t1 - t0).toFixed(0)} ms, indexed in ${(t2 - t1).toFixed(0)} ms, ${perQuery.toFixed(2)} ms per query`,
      );
      expect(idx.size()).toBe(big.length);
      expect(t2 - t0).toBeLessThan(10_000);
      expect(perQuery).toBeLessThan(50);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
