import type { Kysely, Transaction } from 'kysely';
import type { HubDatabase } from '../db/schema.js';

/** Hub tables of the cadastre plan (migration 008). */
export interface CadastreObjectsTable {
  /** `cadastre.parcels` or `cadastre.features`. */
  collection: string;
  id: string;
  insee: string;
  /** JSON text of the synced record, exactly as sent to PCs. */
  data: string;
}

export interface CadastreVintagesTable {
  insee: string;
  vintage: string;
  source: string;
  imported_at: string;
  /** JSON of the `cadastre.vintages` record (with its diff). */
  record: string;
}

export interface CadastreTables {
  cadastre_objects: CadastreObjectsTable;
  cadastre_vintages: CadastreVintagesTable;
}

/**
 * The hub database seen by the cadastre: its tables beside the core's. Kept
 * here rather than in db/schema.ts, so that file lists no domain.
 */
export type CadastreDb = HubDatabase & CadastreTables;

export function cadastreDb(db: Kysely<HubDatabase>): Kysely<CadastreDb> {
  return db as unknown as Kysely<CadastreDb>;
}

/** The core's view of a cadastre transaction (for the sync store's functions). */
export function coreTrx(trx: Transaction<CadastreDb>): Transaction<HubDatabase> {
  return trx as unknown as Transaction<HubDatabase>;
}
