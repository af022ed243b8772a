import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeParcelId } from '../../shared/cadastre/parcel-id.js';
import type { ParcelRecord } from '../../shared/cadastre/records.js';
import { ftsExpression, textTokens } from '../../shared/cadastre/search-query.js';
import { cadastreMigration } from '../../electron/cadastre/migrations/001-cadastre.js';
import { createPlanStore, SEARCH_SQL } from '../../electron/cadastre/plan-store.js';
import { readPlanFiles } from '../../hub-server/cadastre/read-files.js';

/**
 * `guichet bench --only cadastre`: search as you type on a synthetic commune
 * of 50 000 parcels in the PC's real SQLite schema (target p99 ≤ 5 ms), each
 * query kind measured through the store (parsing included) against the same
 * SQL run bare through better-sqlite3 in the same run; and the EDIGEO import
 * of the real Luxiol sheets (parcels/s) against GDAL's ogr2ogr converting the
 * same sheets to GeoJSON, when ogr2ogr is installed; then a 30 000-parcel
 * commune's first sync to a fresh PC and its map in Chromium (cadastre-sync-bench.ts).
 */
export interface CadastreBenchOptions {
  parcels?: number;
  iterations?: number;
  edigeo?: boolean;
  /** Parcels of the first-sync + map part (build/bench/cadastre-sync-bench.ts); 0 skips it. */
  syncParcels?: number;
  /** The built renderer for the map part (default dist/renderer, or GUICHET_RENDERER_DIR). */
  rendererDir?: string;
  browser?: boolean;
}

const LIEUX = [
  'Au Village',
  'Les Grands Prés',
  'Champ du Moulin',
  'La Côte',
  'Sous les Vignes',
  'Le Bois Brûlé',
  'Les Essarts',
  'La Fontaine',
];
const STREETS = ['Rue des Champs', 'Grande Rue', 'Rue de la Côte', 'Chemin du Moulin', 'Route de Verne', 'Rue de l’Église'];

function section(i: number): string {
  const letters = 'ABCDEFGHIKLMNOPRSTUVWXYZ';
  return i < 24 ? `0${letters[i]}` : `${letters[Math.floor(i / 24) % 24]}${letters[i % 24]}`;
}

/** A grid of square parcels, 400 per section, lieux-dits by block, an address on one parcel in three. */
export function syntheticParcels(n: number): ParcelRecord[] {
  const out: ParcelRecord[] = [];
  const side = Math.ceil(Math.sqrt(n));
  for (let i = 0; i < n; i++) {
    const [x, y] = [6.3 + (i % side) * 0.0005, 47.3 + Math.floor(i / side) * 0.0005];
    const sec = section(Math.floor(i / 400));
    const numero = (i % 400) + 1;
    out.push({
      id: makeParcelId({ insee: '25354', section: sec, numero }),
      insee: '25354',
      prefixe: '000',
      section: sec,
      numero: String(numero).padStart(4, '0'),
      feuille: '01',
      contenance: 1000 + (i % 9000),
      arpente: false,
      lieuDit: LIEUX[Math.floor(i / 97) % LIEUX.length] as string,
      addresses: i % 3 === 0 ? [`${(i % 120) + 1} ${STREETS[i % STREETS.length]}`] : [],
      subdivisions: [],
      created: null,
      updated: null,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + 0.0005, y],
            [x + 0.0005, y + 0.0005],
            [x, y + 0.0005],
            [x, y],
          ],
        ],
      },
    });
  }
  return out;
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] as number).toFixed(3));
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function benchCadastre(options: CadastreBenchOptions = {}): Promise<Record<string, unknown>> {
  const n = options.parcels ?? 50_000;
  const iterations = options.iterations ?? 300;
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-cadastre-'));
  try {
    const db = new Database(join(dir, 'client.sqlite'));
    db.pragma('journal_mode = WAL');
    cadastreMigration.up(db);
    const store = createPlanStore(db);
    const parcels = syntheticParcels(n);
    const loadMs = time(() =>
      db.transaction(() => {
        for (const [i, p] of parcels.entries()) store.writeParcel(p, i + 1);
      })(),
    );
    const raw = {
      id: db.prepare(SEARCH_SQL.id),
      idPrefix: db.prepare(SEARCH_SQL.idPrefix),
      section: db.prepare(SEARCH_SQL.section),
      text: db.prepare(SEARCH_SQL.text),
    };
    const pick = (i: number) => parcels[(i * 7919) % parcels.length] as ParcelRecord;
    // One parcel in three has an address (every third index): type one that exists.
    const addressOf = (i: number) => (parcels[((i * 7919) % Math.floor(n / 3)) * 3] as ParcelRecord).addresses[0] as string;
    const kinds: Record<string, { typed: (i: number) => string; bare: (i: number) => unknown }> = {
      'section-numero': {
        typed: (i) => `${pick(i).section.replace(/^0/, '').toLowerCase()} ${Number(pick(i).numero)}`,
        bare: (i) => {
          const p = pick(i);
          return raw.section.all({ section: p.section, numero: p.numero, trimmed: String(Number(p.numero)), prefixe: null, limit: 20 });
        },
      },
      id: { typed: (i) => pick(i).id, bare: (i) => raw.id.get(pick(i).id) },
      'id-prefix': {
        typed: (i) => pick(i).id.slice(0, 10),
        bare: (i) => raw.idPrefix.all(pick(i).id.slice(0, 10), `${pick(i).id.slice(0, 10)}~`, 20),
      },
      'lieu-dit': {
        typed: (i) => (LIEUX[i % LIEUX.length] as string).slice(0, 6),
        bare: (i) => raw.text.all(ftsExpression(textTokens((LIEUX[i % LIEUX.length] as string).slice(0, 6))), 20),
      },
      adresse: {
        typed: (i) => addressOf(i),
        bare: (i) => raw.text.all(ftsExpression(textTokens(addressOf(i))), 20),
      },
    };
    const search: Record<string, unknown> = {};
    let worstP99 = 0;
    for (const [name, k] of Object.entries(kinds)) {
      const ours: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < iterations; i++) {
        ours.push(time(() => store.search(k.typed(i), 20)));
        bare.push(time(() => k.bare(i)));
      }
      const o = percentiles(ours);
      worstP99 = Math.max(worstP99, o.p99Ms);
      search[name] = { store: o, bareSql: percentiles(bare), example: k.typed(1), hits: store.search(k.typed(1), 20).length };
    }
    db.close();
    return {
      parcels: n,
      iterations,
      localLoad: { ms: Math.round(loadMs), parcelsPerSecond: Math.round((n / loadMs) * 1000) },
      search,
      target: { p99Ms: 5, worstP99Ms: worstP99, met: worstP99 <= 5 },
      edigeo: options.edigeo === false ? null : await benchEdigeo(dir),
      syntheticCommune:
        options.syncParcels === 0
          ? null
          : await (await import('./cadastre-sync-bench.js')).benchCadastreSync({
              parcels: options.syncParcels ?? Number(process.env.GUICHET_BENCH_CADASTRE_SYNC_PARCELS ?? 30_000),
              rendererDir: options.rendererDir,
              browser: options.browser,
            }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parsing the 8 real sheets of Luxiol, against ogr2ogr converting them to GeoJSON in the same run. */
async function benchEdigeo(dir: string): Promise<Record<string, unknown>> {
  const sheetsDir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'cadastre', 'edigeo-25354');
  const sheets = readdirSync(sheetsDir).map((f) => join(sheetsDir, f));
  const t = process.hrtime.bigint();
  const plans = await readPlanFiles(sheets);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const parcels = plans.reduce((s, p) => s + p.parcels.length, 0);
  let ogr: Record<string, unknown> | null = null;
  if (spawnSync('ogr2ogr', ['--version']).status === 0) {
    const t2 = process.hrtime.bigint();
    for (const [i, sheet] of sheets.entries()) {
      const out = join(dir, `sheet-${i}`);
      execFileSync('mkdir', ['-p', out]);
      execFileSync('tar', ['xjf', sheet, '-C', out]);
      const thf = execFileSync('find', [out, '-name', '*.THF']).toString().trim();
      execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', join(out, 'parcelles.geojson'), thf, 'PARCELLE_id'], {
        stdio: 'ignore',
      });
    }
    const ogrMs = Number(process.hrtime.bigint() - t2) / 1e6;
    ogr = { ms: Math.round(ogrMs), ratio: Number((ms / ogrMs).toFixed(2)) };
  }
  return { sheets: sheets.length, parcels, ms: Math.round(ms), parcelsPerSecond: Math.round((parcels / ms) * 1000), ogr2ogr: ogr };
}
