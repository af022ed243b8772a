/**
 * The list read in pages for the prints: keyset pages (never OFFSET) in
 * display order (`rid` follows birth name, first names: elector-store.ts) or
 * by numéro d'ordre, so a 35 000-elector print holds one page of rows at a
 * time and other work on the connection runs between pages. Read only; the
 * elector store stays the only writer.
 */
import type Database from 'better-sqlite3';
import type { Elector } from '../../../shared/electoral/types.js';
import { electorOf, type ElectorRow } from '../elector-store.js';

export type PrintOrder = 'alpha' | 'numero';
const NO_NUMBER = 2_147_483_647;

export interface ElectorPager {
  /** Next page after the cursor (null = from the start); empty when done. */
  next(): Elector[];
  total: number;
}

/** Electors of one bureau (or of the commune with null), page by page. */
export function electorPager(db: Database.Database, bureauCode: string | null, order: PrintOrder, pageSize = 400): ElectorPager {
  const where = bureauCode === null ? '1 = 1' : 'bureau_code = @bureau';
  const total = db
    .prepare<{ bureau: string | null }, number>(`SELECT count(*) FROM electors WHERE ${where}`)
    .pluck()
    .get({ bureau: bureauCode })!;
  const numero = `COALESCE(numero_ordre, ${NO_NUMBER})`;
  const stmt =
    order === 'alpha'
      ? db.prepare(`SELECT * FROM electors WHERE ${where} AND rid > @rid ORDER BY rid LIMIT @limit`)
      : db.prepare(
          `SELECT * FROM electors WHERE ${where} AND (${numero} > @num OR (${numero} = @num AND rid > @rid))
           ORDER BY ${numero}, rid LIMIT @limit`,
        );
  let cursor = { rid: -1, num: -1 };
  return {
    total,
    next() {
      const rows = stmt.all({ bureau: bureauCode, rid: cursor.rid, num: cursor.num, limit: pageSize }) as ElectorRow[];
      const last = rows.at(-1);
      if (last) cursor = { rid: last.rid, num: last.numero_ordre ?? NO_NUMBER };
      return rows.map(electorOf);
    },
  };
}

export interface BureauCount {
  code: string;
  label: string | null;
  electors: number;
}

export function bureauCounts(db: Database.Database): BureauCount[] {
  return db
    .prepare<[], BureauCount>(
      `SELECT bureau_code AS code, max(bureau_label) AS label, count(*) AS electors FROM electors GROUP BY bureau_code ORDER BY bureau_code`,
    )
    .all();
}
