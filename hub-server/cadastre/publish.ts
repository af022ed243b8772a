import type { Kysely } from 'kysely';
import { GuichetError } from '../../shared/errors.js';
import { collectiviteByCode } from '../accounts/admin.js';
import { membersOf } from '../accounts/store.js';
import type { HubDatabase } from '../db/schema.js';
import { publishTerritory } from './import.js';

/**
 * Sends a collectivité the plan of every loaded commune of its territory: a collectivité that
 * opts into the Cadastre service after an import would otherwise wait for the next vintage.
 * Idempotent (only what differs from the hub's copy is written), so `set-services` may call it
 * each time the service is kept or added.
 */
export async function publishCadastreFor(
  db: Kysely<HubDatabase>,
  code: string,
): Promise<{ name: string; communes: number; written: number }> {
  const row = await collectiviteByCode(db, code);
  const services = JSON.parse(row.services) as string[];
  if (!services.includes('cadastre'))
    throw new GuichetError(
      'invalid_input',
      `${row.name} n'a pas le service Cadastre : ajoutez-le d'abord (set-services), le plan est alors envoyé.`,
      'no cadastre service',
    );
  const members = row.insee ? [] : await membersOf(db, row.id);
  const written = await publishTerritory(db, { id: row.id, insee: row.insee, members });
  return { name: row.name, communes: row.insee ? 1 : members.length, written };
}
