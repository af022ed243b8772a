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
