import { type ConsultPayload, OWNERS_CONSULT_COMMAND, ownersDomain } from '../../shared/owners/domain.js';
import type { JournalEntry } from '../../shared/owners/types.js';
import type { HubDomain } from '../domain/hub-domain.js';
import type { CommandContext, CommandOutcome } from '../sync/commands.js';
import { ownersRoutes } from './routes.js';

/** `owners.consult`: a consultation logged by a PC; the hub stamps who (from the token) and when (its clock). */
async function applyConsult(ctx: CommandContext, payload: ConsultPayload): Promise<CommandOutcome> {
  const user = await ctx.trx.selectFrom('users').select('display_name').where('id', '=', ctx.userId).executeTakeFirstOrThrow();
  const entry: JournalEntry = { ...payload, at: new Date().toISOString(), userId: ctx.userId, userName: user.display_name };
  const version = await ctx.writeRecord('owners.journal', payload.id, entry);
  return { versions: [{ collection: 'owners.journal', id: payload.id, version }] };
}

/** Owners (MAJIC) on the hub: the import is an admin verb (import.ts); routes for communications and the log. */
export const ownersHub = {
  spec: ownersDomain,
  routes: ownersRoutes,
  commands: { [OWNERS_CONSULT_COMMAND]: applyConsult },
} satisfies HubDomain;
