import type { FastifyInstance } from 'fastify';
import { foldName } from '../../shared/electoral/normalize.js';
import { GuichetError } from '../../shared/errors.js';
import { communicationRefusal, usageOf } from '../../shared/owners/communication-limit.js';
import { OWNERS_HUB_ROUTES } from '../../shared/owners/hub-routes.js';
import type { Communication, Compte, JournalEntry } from '../../shared/owners/types.js';
import { requireAuth } from '../accounts/auth.js';
import { parseRequest } from '../contract.js';
import { assertMayUse } from '../domain/access.js';
import type { HubDomainContext } from '../domain/hub-domain.js';
import { lockCommune, readAllRecords, readRecord, writeRecords } from '../sync/store.js';
import { journalCsv } from '../../shared/owners/journal-csv.js';

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

/** The owners' hub routes: every one checks the `majic` service and the caller's permission before the body is read. */
export async function ownersRoutes(app: FastifyInstance, ctx: HubDomainContext): Promise<void> {
  const { db, registry } = ctx;
  const guard = (permission: string) => ({
    onRequest: async (request: Parameters<typeof requireAuth>[0]) => assertMayUse(registry, requireAuth(request), 'majic', permission),
  });

  app.post(OWNERS_HUB_ROUTES.ownersCommunicate.path, guard('owners.read'), async (request) => {
    const auth = requireAuth(request);
    const input = parseRequest(OWNERS_HUB_ROUTES.ownersCommunicate, request).body;
    return db.transaction().execute(async (trx) => {
      // The commune's lock serialises communications from all its PCs: the count cannot be overtaken.
      await lockCommune(trx, auth.communeId);
      const all = (await readAllRecords(trx, auth.communeId, 'owners.communications'))
        .map((r) => parsed<Communication>(r.json))
        .filter((c): c is Communication => c !== null);
      const requesterKey = foldName(input.requesterName);
      const again = all.find((c) => c.id === input.id);
      if (again) return { communication: again, usage: usageOf(all, again.requesterKey, new Date()) };
      const compte = parsed<Compte>((await readRecord(trx, auth.communeId, 'owners.comptes', input.compteId))?.json ?? null);
      if (!compte) throw new GuichetError('not_found', 'Ce compte communal est inconnu du hub.', 'unknown compte');
      if (input.requesterKind === 'proprietaire' && !compte.owners.some((o) => o.dnuper === input.ownerDnuper))
        throw new GuichetError(
          'invalid_input',
          'Le demandeur n’est pas l’un des propriétaires de ce compte : la demande compte comme celle d’un tiers.',
          'owner not in compte',
        );
      const counted = input.requesterKind === 'tiers';
      const now = new Date();
      const refusal = communicationRefusal(all, { requesterKey, counted }, now);
      if (refusal) throw new GuichetError(refusal.code, refusal.message, refusal.detail);
      const user = await trx.selectFrom('users').select('display_name').where('id', '=', auth.userId).executeTakeFirstOrThrow();
      const communication: Communication = {
        ...input,
        at: now.toISOString(),
        userId: auth.userId,
        userName: user.display_name,
        requesterKey,
        counted,
      };
      const journal: JournalEntry = {
        id: input.id,
        at: communication.at,
        userId: auth.userId,
        userName: user.display_name,
        kind: 'releve-tiers',
        compteId: input.compteId,
        parcels: input.parcels,
        forWhom: input.requesterName,
        purpose: input.purpose,
      };
      await writeRecords(trx, auth.communeId, 'owners.communications', [{ id: input.id, json: JSON.stringify(communication) }]);
      await writeRecords(trx, auth.communeId, 'owners.journal', [{ id: input.id, json: JSON.stringify(journal) }]);
      request.log.info({ requesterKind: input.requesterKind, counted }, 'owners communication recorded');
      return { communication, usage: usageOf([...all, communication], requesterKey, now) };
    });
  });

  app.get(OWNERS_HUB_ROUTES.ownersJournal.path, guard('owners.log'), async (request, reply) => {
    const auth = requireAuth(request);
    const entries = (await readAllRecords(db, auth.communeId, 'owners.journal'))
      .map((r) => parsed<JournalEntry>(r.json))
      .filter((e): e is JournalEntry => e !== null)
      .sort((a, b) => a.at.localeCompare(b.at));
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="journal-proprietaires.csv"');
    return journalCsv(entries);
  });
}
