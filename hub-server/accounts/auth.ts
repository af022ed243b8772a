import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Service } from '../../shared/accounts/roles.js';
import { TEMPORARY_PASSWORD_MESSAGE } from '../../shared/accounts/types.js';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import { GuichetError, roleRefused } from '../../shared/errors.js';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol.js';
import { isPostgres, nowIso } from '../db/dialect.js';
import { serviceNotEnabled } from '../domain/access.js';
import type { HubDatabase } from '../db/schema.js';
import type { AuthContext } from './auth-context.js';
import { grantedServices, membersOf, territoryOf } from './store.js';
import { sha256Hex } from './tokens.js';

export type { AuthContext } from './auth-context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answered without a bearer token (health, enroll, login, update feed). Every other route requires one. */
    public?: boolean;
    /** Open to a session whose password is temporary (me, logout, change password); every other route waits for the change. */
    withTemporaryPassword?: boolean;
  }
}

/** last_seen_at is written at most this often per device: a sync loop must not turn every pull into a write. */
const LAST_SEEN_THROTTLE_MS = 60_000;

const NOT_LOGGED_IN = 'Vous devez vous connecter pour utiliser ce service.';
const SESSION_ENDED = 'Votre session a pris fin (appareil révoqué, compte désactivé ou déconnexion). Reconnectez-vous.';

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  // RFC 9110 §11.1: the scheme is case-insensitive (`bearer …` from some HTTP clients and proxies).
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header);
  return m ? m[1] : '';
}

/**
 * The user's grants, read on every request (a grant the mayor withdraws holds from the next request of any
 * session), as a JSON array aggregated in the token's own query: one round trip per request, not two.
 */
function grantsColumn(db: Kysely<HubDatabase>) {
  return isPostgres(db)
    ? sql<unknown>`(select coalesce(json_agg(g.permission order by g.permission), '[]'::json) from user_grants g where g.user_id = u.id)`
    : sql<unknown>`(select json_group_array(g.permission) from user_grants g where g.user_id = u.id)`;
}

/** pg hands json back parsed; SQLite as text. Sorted here, as grantsOf answers them. */
function grantsFrom(value: unknown): string[] {
  const list = (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as string[];
  return [...list].sort();
}

export async function resolveToken(
  db: Kysely<HubDatabase>,
  token: string,
): Promise<(Omit<AuthContext, 'permissions'> & { lastSeenAt: string | null; mustChangePassword: number; grants: string[] }) | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('devices as d', 'd.id', 's.device_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('collectivites as c', 'c.id', 's.commune_id')
    .select([
      's.id as sessionId',
      's.commune_id as communeId',
      's.user_id as userId',
      's.device_id as deviceId',
      'u.role as role',
      'c.kind as kind',
      'c.siren as siren',
      'c.insee as insee',
      'c.services as services',
      'd.last_seen_at as lastSeenAt',
      'u.must_change_password as mustChangePassword',
      grantsColumn(db).as('grants'),
    ])
    .where('s.token_hash', '=', sha256Hex(token))
    .where('s.revoked_at', 'is', null)
    .where('d.revoked_at', 'is', null)
    .where('u.disabled', '=', 0)
    // The three ids must agree: a session can never reach another collectivité's device or user.
    .whereRef('d.commune_id', '=', 's.commune_id')
    .whereRef('u.commune_id', '=', 's.commune_id')
    .executeTakeFirst();
  if (!row) return null;
  // A commune's territory is itself: the members query is only paid by groupings.
  const members = row.insee === null ? await membersOf(db, row.communeId) : [];
  return {
    ...row,
    grants: grantsFrom(row.grants),
    role: row.role as AuthContext['role'],
    territory: territoryOf(row, members),
    // Checked here, for every route: a hand-edited row cannot open a commune-only service to a grouping.
    services: grantedServices(row),
  };
}

/**
 * Install the protocol check and the authentication hook on the root
 * instance: every route not marked `config: { public: true }` requires a
 * valid bearer token, and `request.auth` carries the collectivité from the token
 * and the role's permissions as the domains declare them (`registry`).
 */
export function installAuth(app: FastifyInstance, db: Kysely<HubDatabase>, registry: DomainRegistry): void {
  app.addHook('onRequest', async (request) => {
    const announced = request.headers[PROTOCOL_HEADER];
    if (announced !== undefined && String(announced) !== String(PROTOCOL_VERSION)) {
      throw new GuichetError(
        'upgrade_required',
        'Cette version de Guichet est trop ancienne pour le hub : mettez Guichet à jour pour continuer.',
        `client protocol ${String(announced)}, hub ${PROTOCOL_VERSION}`,
      );
    }
    // No route matched: let the not-found handler answer.
    if (request.routeOptions.url === undefined) return;
    if (request.routeOptions.config.public === true) return;
    // Console routes authenticate the département's staff by their own cookie (console/staff-auth.ts), never by a bearer.
    if (request.routeOptions.config.console === true) return;

    const token = bearerOf(request);
    if (token === null) throw new GuichetError('unauthenticated', NOT_LOGGED_IN, 'no bearer token');
    const auth = token === '' ? null : await resolveToken(db, token);
    if (!auth) throw new GuichetError('unauthenticated', SESSION_ENDED, 'unknown or revoked session');
    const { lastSeenAt, mustChangePassword, grants, ...identity } = auth;
    if (Number(mustChangePassword) === 1 && request.routeOptions.config.withTemporaryPassword !== true)
      throw new GuichetError('password_change_required', TEMPORARY_PASSWORD_MESSAGE, 'temporary password not changed yet');
    const context: AuthContext = { ...identity, permissions: registry.permissionsOf(identity.role, grants) };
    request.auth = context;

    const now = Date.now();
    if (lastSeenAt === null || now - Date.parse(lastSeenAt) > LAST_SEEN_THROTTLE_MS) {
      await db.updateTable('devices').set({ last_seen_at: nowIso() }).where('id', '=', context.deviceId).execute();
    }
  });
}

/** The caller's context; throws 401 on a route that forgot to require a token. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new GuichetError('unauthenticated', NOT_LOGGED_IN, 'route reached without auth');
  return request.auth;
}

export function assertService(auth: AuthContext, service: Service): void {
  if (!auth.services.includes(service)) throw serviceNotEnabled(service);
}

/** The role holds `permission` (as the auth hook computed from the registry). */
export function assertPermission(auth: AuthContext, permission: string): void {
  if (!auth.permissions.includes(permission)) throw roleRefused(auth.role, permission);
}

/**
 * A route guard, run after the authentication hook. Put it in the route's `onRequest`, so
 * the check comes before the body is read (a gzip body is inflated as it is read).
 */
export type RouteGuard = (request: FastifyRequest) => Promise<void>;

/** Route guard: the commune must have opted into `service` (403 service_not_enabled). */
export function requireService(service: Service): RouteGuard {
  return async (request) => {
    assertService(requireAuth(request), service);
  };
}

/** Route guard: the caller's role must grant `permission` (403 forbidden). */
export function requirePermission(permission: string): RouteGuard {
  return async (request) => {
    assertPermission(requireAuth(request), permission);
  };
}
