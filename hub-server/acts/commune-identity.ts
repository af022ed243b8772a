import type { Kysely, Transaction } from 'kysely';
import { GuichetError } from '../../shared/errors.js';
import type { HubDatabase } from '../db/schema.js';
import type { CommuneIdentity } from './actes-format/identities.js';

/**
 * The commune as @CTES knows it (`IDCL`), from the hub's commune row:
 * département on 3 characters (`010`, `02A`, `974`) from the INSEE code,
 * arrondissement digit from the COG code (`103` → `3`, `9741` → `1`).
 */
type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;

/** Code nature of a commune in @CTES registrations (S²LOW's samples use 31 for communes); unverified list. */
export const COMMUNE_NATURE = '31';

export function departementOf(insee: string): string {
  return insee.startsWith('97') || insee.startsWith('98') ? insee.slice(0, 3) : `0${insee.slice(0, 2)}`;
}

export function identityFromRow(row: { insee: string; siren: string; arrondissement: string | null }): CommuneIdentity {
  const arr = row.arrondissement?.slice(-1) ?? '';
  return {
    siren: row.siren,
    departement: departementOf(row.insee),
    arrondissement: /^[0-9]$/.test(arr) ? arr : '0',
    nature: COMMUNE_NATURE,
  };
}

export async function communeIdentity(db: Db, communeId: string): Promise<CommuneIdentity> {
  const row = await db.selectFrom('communes').select(['insee', 'siren', 'arrondissement']).where('id', '=', communeId).executeTakeFirst();
  if (!row) throw new GuichetError('not_found', 'Commune inconnue du hub.', `commune ${communeId}`);
  return identityFromRow(row);
}

/** Communes whose services include ACTES. */
export async function communesWithActes(
  db: Db,
): Promise<Array<{ id: string; insee: string; siren: string; arrondissement: string | null }>> {
  const rows = await db.selectFrom('communes').select(['id', 'insee', 'siren', 'arrondissement', 'services']).execute();
  return rows.filter((r) => (JSON.parse(r.services) as string[]).includes('acts')).map(({ services: _s, ...r }) => r);
}
