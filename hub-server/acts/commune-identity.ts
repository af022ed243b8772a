import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { GuichetError } from '../../shared/errors.js';
import { grantedServices } from '../accounts/store.js';
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

/** Row of a collectivité sending acts; `territory` is a grouping's first member (its département), unused for a commune. */
export function identityFromRow(row: {
  insee: string | null;
  siren: string;
  arrondissement: string | null;
  territory?: string;
}): CommuneIdentity {
  const arr = row.arrondissement?.slice(-1) ?? '';
  return {
    siren: row.siren,
    departement: departementOf(row.insee ?? row.territory ?? ''),
    arrondissement: /^[0-9]$/.test(arr) ? arr : '0',
    nature: COMMUNE_NATURE,
  };
}

export async function communeIdentity(db: Db, communeId: string): Promise<CommuneIdentity> {
  const row = await db
    .selectFrom('collectivites')
    .select(['insee', 'siren', 'arrondissement', firstMember])
    .where('id', '=', communeId)
    .executeTakeFirst();
  if (!row) throw new GuichetError('not_found', 'Collectivité inconnue du hub.', `commune ${communeId}`);
  return identityFromRow({ ...row, territory: row.territory ?? undefined });
}

/** A grouping has no INSEE code: its département is its members' (an EPCI lies within one, barring rare exceptions). */
const firstMember = (eb: ExpressionBuilder<HubDatabase, 'collectivites'>) =>
  eb
    .selectFrom('collectivite_members as m')
    .select('m.insee')
    .whereRef('m.collectivite_id', '=', 'collectivites.id')
    .orderBy('m.insee')
    .limit(1)
    .as('territory');

/** Collectivités (communes and groupings) whose services include ACTES. */
export async function communesWithActes(
  db: Db,
): Promise<Array<{ id: string; insee: string | null; siren: string; arrondissement: string | null; territory?: string }>> {
  const rows = await db
    .selectFrom('collectivites')
    .select(['id', 'kind', 'insee', 'siren', 'arrondissement', 'services', firstMember])
    .execute();
  return rows
    .filter((r) => grantedServices(r).includes('acts'))
    .map(({ services: _s, kind: _k, territory, ...r }) => ({ ...r, territory: territory ?? undefined }));
}
