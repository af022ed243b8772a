/**
 * Console authentication: the seam every console route stands on.
 *
 * - The département's staff have their own accounts (`staff`, migration 012), never a collectivité's
 *   account; they sign in at `/console` with login + password + a TOTP code (console/routes.ts) and get
 *   a session cookie `guichet_console` (HttpOnly, SameSite=Strict, Secure when the hub is reached over
 *   HTTPS; only its sha256 is stored, in `staff_sessions`).
 * - A console route is declared with `config: { console: true }` (or through `staffRouteOptions()`),
 *   which makes the collectivités' bearer hook (accounts/auth.ts) step aside, and puts
 *   `requireStaff(...roles)` in its `onRequest`: a collectivité's bearer token never reaches a console
 *   route, and a staff cookie is never looked at by a collectivité route (the two session tables are
 *   separate).
 * - CSRF: the cookie is SameSite=Strict, and every method other than GET/HEAD must also carry the
 *   header `x-guichet-console: 1`, which a cross-site form cannot send and a cross-site script cannot
 *   send without a CORS preflight the hub never grants.
 * - In a handler, `requestStaff(request)` answers the `StaffContext`; `auditRequest(request, …)`
 *   writes the audit row (console/audit.ts). Tests: `console/test-support.ts` creates an agent and a
 *   session cookie.
 *
 * Example (another helper's routes):
 *   app.get('/console/api/assist/sessions', staffRouteOptions('administrateur', 'assistance'), async (request) => {
 *     const staff = requestStaff(request);
 *     …
 *   });
 */
import { parseCookie } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { StaffRole } from '../../shared/console/staff.js';
import { GuichetError } from '../../shared/errors.js';
import type { HubDatabase } from '../db/schema.js';
import { type AuditEntry, audit } from './audit.js';
import { resolveStaffToken } from './staff-store.js';

export type { StaffRole } from '../../shared/console/staff.js';

export interface StaffContext {
  staffId: string;
  login: string;
  displayName: string;
  role: StaffRole;
  /** The console session (staff_sessions.id). */
  sessionId: string;
}

export const STAFF_COOKIE = 'guichet_console';
export const CSRF_HEADER = 'x-guichet-console';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A console route: the collectivités' bearer hook leaves it to `requireStaff`. */
    console?: boolean;
  }
  interface FastifyInstance {
    /** The hub database, for the console hooks (installStaffAuth). */
    consoleDb?: Kysely<HubDatabase>;
  }
  interface FastifyRequest {
    /** Set by `requireStaff` on console routes. */
    staff?: StaffContext;
  }
}

const NOT_SIGNED_IN = 'Connectez-vous à la console du département.';

/** Called by buildHub: console hooks of this hub (and its plugins, which inherit decorations) resolve sessions in `db`. */
export function installStaffAuth(app: FastifyInstance, db: Kysely<HubDatabase>): void {
  app.decorate('consoleDb', db);
}

function databaseFor(request: FastifyRequest): Kysely<HubDatabase> {
  const db = request.server.consoleDb;
  if (!db) throw new Error('console auth used on a hub built without installStaffAuth');
  return db;
}

/** The console session token the request carries (cookie), or null. */
export function staffTokenOf(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  const token = parseCookie(header)[STAFF_COOKIE];
  return token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null;
}

/** The agent signed in on this request, or null. Does not check the role. */
export async function authenticateStaff(request: FastifyRequest): Promise<StaffContext | null> {
  if (request.staff) return request.staff;
  const token = staffTokenOf(request);
  if (!token) return null;
  const found = await resolveStaffToken(databaseFor(request), token);
  if (!found) return null;
  const context: StaffContext = {
    staffId: found.id,
    login: found.login,
    displayName: found.displayName,
    role: found.role,
    sessionId: found.sessionId,
  };
  request.staff = context;
  return context;
}

/**
 * `onRequest` hook: the caller must be a signed-in agent holding one of `roles` (any role when
 * none is given); state-changing methods must carry the CSRF header. 401 / 403 otherwise.
 */
export function requireStaff(...roles: StaffRole[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const staff = await authenticateStaff(request);
    if (!staff) throw new GuichetError('unauthenticated', NOT_SIGNED_IN, 'no console session');
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.headers[CSRF_HEADER] !== '1')
      throw new GuichetError('forbidden', 'Demande refusée : elle ne vient pas de la console.', 'missing console CSRF header');
    if (roles.length > 0 && !roles.includes(staff.role))
      throw new GuichetError(
        'forbidden',
        `Votre rôle (${staff.role}) ne permet pas cette action de la console.`,
        `staff role ${staff.role} not in ${roles.join(',')}`,
      );
  };
}

/** Route options of a console route: marked `console`, guarded by `requireStaff(...roles)`. */
export function staffRouteOptions(...roles: StaffRole[]): RouteShorthandOptions {
  return { config: { console: true }, onRequest: requireStaff(...roles) };
}

/** The agent of a console route (after `requireStaff`); throws 401 on a route that forgot the guard. */
export function requestStaff(request: FastifyRequest): StaffContext {
  if (!request.staff) throw new GuichetError('unauthenticated', NOT_SIGNED_IN, 'console route reached without requireStaff');
  return request.staff;
}

/** Writes the audit row of the action this request made, as its agent. */
export async function auditRequest(request: FastifyRequest, entry: AuditEntry): Promise<void> {
  const staff = requestStaff(request);
  await audit(databaseFor(request), { staffId: staff.staffId, login: staff.login }, entry);
}
