import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';

/**
 * The console's audit log: every action of the département's staff, from the console or the
 * `guichet hub admin` CLI, who/when/what/target. `detail` is a small JSON object of ids, versions
 * and counts: never personal data of electors, owners or residents.
 */
export interface AuditActor {
  staffId: string | null;
  /** The agent's login, or `cli:<os user>` for the command line. */
  login: string;
}

export interface AuditEntry {
  action: string;
  target?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

export async function audit(db: Kysely<HubDatabase> | Transaction<HubDatabase>, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('console_audit')
    .values({
      id: randomUUID(),
      at: nowIso(),
      staff_id: actor.staffId,
      staff_login: actor.login,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute();
}
