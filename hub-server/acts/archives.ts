import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';

/**
 * The archive last built for an act's transmission (kind `acte`), kept for
 * audit: exactly the bytes POSTed to @CTES. `communeId` scopes the lookup for
 * commune routes; the admin CLI passes null.
 */
export async function readActArchive(
  db: Kysely<HubDatabase>,
  actId: string,
  communeId: string | null,
): Promise<{ name: string; archive: Buffer; communeId: string } | null> {
  let q = db
    .selectFrom('actes_transmissions')
    .select(['archive_name', 'archive', 'commune_id'])
    .where('act_id', '=', actId)
    .where('kind', '=', 'acte')
    .where('archive', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1);
  if (communeId !== null) q = q.where('commune_id', '=', communeId);
  const row = await q.executeTakeFirst();
  return row?.archive && row.archive_name ? { name: row.archive_name, archive: Buffer.from(row.archive), communeId: row.commune_id } : null;
}
