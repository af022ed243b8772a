import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AssistanceHistoryEntry } from '../../shared/assistance/ipc.js';
import {
  type AuditAction,
  CODE_DIGITS,
  CODE_TTL_MS,
  CREATE_LIMIT,
  type EndReason,
  JOIN_LIMIT,
  SESSION_MAX_MS,
} from '../../shared/assistance/protocol.js';
import { GuichetError } from '../../shared/errors.js';
import type { AuthContext } from '../accounts/auth-context.js';
import { sha256Hex } from '../accounts/tokens.js';
import { toCount } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { AssistanceTables } from './tables.js';

/** The hub's database seen with this domain's tables (hub-server/db/schema.ts lists the core's). */
export type Db = Kysely<HubDatabase & AssistanceTables>;

export function assistanceDb(db: Kysely<HubDatabase>): Db {
  return db as unknown as Db;
}

export interface CreatedSession {
  id: string;
  code: string;
  codeExpiresAt: string;
  expiresAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const TOO_MANY_REQUESTS = new GuichetError(
  'rate_limited',
  "Trop de demandes d'aide depuis ce poste : patientez quelques minutes avant de redemander.",
  'assistance create rate limit',
);

/** Opens a session for the PC of `auth` and answers its single-use code (kept only as a hash). */
export async function createSession(db: Db, auth: AuthContext, now = Date.now()): Promise<CreatedSession> {
  const recent = await db
    .selectFrom('assistance_sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('device_id', '=', auth.deviceId)
    .where('created_at', '>', iso(now - CREATE_LIMIT.windowMs))
    .executeTakeFirstOrThrow();
  if (toCount(recent.n) >= CREATE_LIMIT.max) throw TOO_MANY_REQUESTS;
  let code = '';
  for (let attempt = 0; attempt < 20 && code === ''; attempt++) {
    const candidate = String(randomInt(10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    // Two live sessions never share a code: the agent's code names one session.
    const clash = await db
      .selectFrom('assistance_sessions')
      .select('id')
      .where('code_hash', '=', sha256Hex(candidate))
      .where('code_expires_at', '>', iso(now))
      .executeTakeFirst();
    if (!clash) code = candidate;
  }
  if (code === '')
    throw new GuichetError('hub_unavailable', 'Le hub ne peut pas donner de code pour le moment : réessayez.', 'no free code');
  const session: CreatedSession = { id: randomUUID(), code, codeExpiresAt: iso(now + CODE_TTL_MS), expiresAt: iso(now + SESSION_MAX_MS) };
  await db
    .insertInto('assistance_sessions')
    .values({
      id: session.id,
      commune_id: auth.communeId,
      device_id: auth.deviceId,
      user_id: auth.userId,
      code_hash: sha256Hex(code),
      code_expires_at: session.codeExpiresAt,
      expires_at: session.expiresAt,
      created_at: iso(now),
      agent_id: null,
      agent_name: null,
      joined_at: null,
      ended_at: null,
      end_reason: null,
    })
    .execute();
  await audit(db, session.id, 0, 'pc', 'created');
  return session;
}

export interface LiveSessionRow {
  id: string;
  communeId: string;
  deviceId: string;
  expiresAt: string;
  codeExpiresAt: string;
  joined: boolean;
  collectivite: string;
  device: string;
}

/** The PC's own open session (same collectivité and device as its token), or null. */
export async function sessionOfPc(db: Db, id: string, auth: AuthContext, now = Date.now()): Promise<LiveSessionRow | null> {
  const row = await db
    .selectFrom('assistance_sessions as s')
    .innerJoin('collectivites as c', 'c.id', 's.commune_id')
    .innerJoin('devices as d', 'd.id', 's.device_id')
    .select([
      's.id',
      's.commune_id',
      's.device_id',
      's.expires_at',
      's.code_expires_at',
      's.joined_at',
      'c.name as collectivite',
      'd.name as device',
    ])
    .where('s.id', '=', id)
    .where('s.commune_id', '=', auth.communeId)
    .where('s.device_id', '=', auth.deviceId)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', iso(now))
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    communeId: row.commune_id,
    deviceId: row.device_id,
    expiresAt: row.expires_at,
    codeExpiresAt: row.code_expires_at,
    joined: row.joined_at !== null,
    collectivite: row.collectivite,
    device: row.device,
  };
}

export const JOIN_REFUSED = 'Ce code ne correspond à aucune demande en cours (inconnu, expiré ou déjà utilisé).';
export const JOIN_LIMITED = 'Trop de codes erronés : patientez quelques minutes avant de réessayer.';

/**
 * The agent's code: claims the session it names, once (a conditional UPDATE:
 * two agents typing the same code, one gets it). Wrong codes are counted per
 * agent in the database and refused past JOIN_LIMIT.
 */
export async function claimByCode(
  db: Db,
  code: string,
  agent: { id: string; name: string },
  now = Date.now(),
): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
  const failures = await db
    .selectFrom('assistance_join_attempts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('agent_id', '=', agent.id)
    .where('ok', '=', 0)
    .where('at', '>', iso(now - JOIN_LIMIT.windowMs))
    .executeTakeFirstOrThrow();
  if (toCount(failures.n) >= JOIN_LIMIT.max) return { ok: false, message: JOIN_LIMITED };
  const hash = sha256Hex(code);
  const row = await db
    .selectFrom('assistance_sessions')
    .select('id')
    .where('code_hash', '=', hash)
    .where('code_expires_at', '>', iso(now))
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  const claimed = row
    ? await db
        .updateTable('assistance_sessions')
        .set({ code_hash: null, agent_id: agent.id, agent_name: agent.name, joined_at: iso(now) })
        .where('id', '=', row.id)
        .where('code_hash', '=', hash)
        .executeTakeFirst()
    : null;
  const ok = claimed !== null && Number(claimed.numUpdatedRows) === 1;
  await db
    .insertInto('assistance_join_attempts')
    .values({ id: randomUUID(), agent_id: agent.id, at: iso(now), ok: ok ? 1 : 0 })
    .execute();
  return ok && row ? { ok: true, id: row.id } : { ok: false, message: JOIN_REFUSED };
}

export async function audit(db: Db, sessionId: string, seq: number, actor: 'pc' | 'agent' | 'hub', action: AuditAction): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('assistance_actions')
    .values({ id, session_id: sessionId, seq, at: new Date().toISOString(), actor, action, count: 1 })
    .execute();
  return id;
}

/** Repeated inputs are one row with a count: the audit says what the agent did without holding what was typed. */
export async function bumpAction(db: Db, actionId: string): Promise<void> {
  await db
    .updateTable('assistance_actions')
    .set((eb) => ({ count: eb('count', '+', 1), at: new Date().toISOString() }))
    .where('id', '=', actionId)
    .execute();
}

export async function endSession(db: Db, id: string, reason: EndReason): Promise<void> {
  await db
    .updateTable('assistance_sessions')
    .set({ ended_at: new Date().toISOString(), end_reason: reason, code_hash: null })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

/** The last sessions with their actions: one collectivité's (the mayor's screen) or every one (the console). */
export async function historyOf(db: Db, communeId: string | 'all', now = Date.now()): Promise<AssistanceHistoryEntry[]> {
  const sessions = await db
    .selectFrom('assistance_sessions as s')
    .innerJoin('devices as d', 'd.id', 's.device_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('collectivites as c', 'c.id', 's.commune_id')
    .select([
      'c.name as collectivite',
      's.id',
      'd.name as device',
      'u.display_name as user',
      's.agent_name',
      's.created_at',
      's.ended_at',
      's.end_reason',
      's.expires_at',
      's.code_expires_at',
      's.joined_at',
    ])
    .$if(communeId !== 'all', (q) => q.where('s.commune_id', '=', communeId))
    .orderBy('s.created_at', 'desc')
    .limit(200)
    .execute();
  if (sessions.length === 0) return [];
  const actions = await db
    .selectFrom('assistance_actions')
    .select(['session_id', 'at', 'actor', 'action', 'count'])
    .where(
      'session_id',
      'in',
      sessions.map((s) => s.id),
    )
    .orderBy('session_id')
    .orderBy('seq')
    .execute();
  return sessions.map((s) => {
    // A session nobody closed (hub restarted) is over once its code or its time ran out.
    const lapsed = s.expires_at <= iso(now) || (s.joined_at === null && s.code_expires_at <= iso(now));
    return {
      id: s.id,
      collectivite: s.collectivite,
      device: s.device,
      user: s.user,
      agentName: s.agent_name,
      createdAt: s.created_at,
      endedAt: s.ended_at,
      endReason: (s.end_reason as EndReason | null) ?? (lapsed ? 'expired' : null),
      actions: actions
        .filter((a) => a.session_id === s.id)
        .slice(0, 2000)
        .map((a) => ({ at: a.at, actor: a.actor as 'pc' | 'agent' | 'hub', action: a.action as AuditAction, count: toCount(a.count) })),
    };
  });
}
