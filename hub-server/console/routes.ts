import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { stringifySetCookie } from 'cookie';
import { CONSOLE_AUTH_ROUTES } from '../../shared/console/routes.js';
import type { ConsoleLoginResponse } from '../../shared/console/staff.js';
import { GuichetError } from '../../shared/errors.js';
import { verifyAgainstDummy, verifyPassword } from '../accounts/passwords.js';
import type { LoginRateLimit } from '../accounts/routes.js';
import { parseRequest } from '../contract.js';
import type { HubDatabase } from '../db/schema.js';
import { audit } from './audit.js';
import { auditRequest, requestStaff, STAFF_COOKIE, staffRouteOptions, staffTokenOf } from './staff-auth.js';
import { openStaffSession, revokeStaffSession, STAFF_SESSION_MS, staffByLogin, toStaffInfo } from './staff-store.js';
import { hubSecretKey, seal, totpAad, unseal } from './secret-box.js';
import { checkTotp, newTotpSecret, totpEnrolment } from './totp.js';

const WRONG = 'Identifiant, mot de passe ou code incorrect.';
const COOKIE_PATH = '/console';

function sessionCookie(request: FastifyRequest, value: string, maxAgeS: number): string {
  return stringifySetCookie({
    name: STAFF_COOKIE,
    value,
    httpOnly: true,
    sameSite: 'strict',
    // Behind a TLS-terminating proxy the hub sees HTTP: GUICHET_CONSOLE_SECURE_COOKIE=1 forces it.
    secure: request.protocol === 'https' || process.env.GUICHET_CONSOLE_SECURE_COOKIE === '1',
    path: COOKIE_PATH,
    maxAge: maxAgeS,
  });
}

/** Sign-in (password, then TOTP, enrolling it the first time), sign-out, who am I. */
export async function registerConsoleAuthRoutes(
  app: FastifyInstance,
  opts: { db: Kysely<HubDatabase>; rateLimit?: LoginRateLimit; secretKey?: Buffer },
): Promise<void> {
  const { db } = opts;
  const checkRate = app.createRateLimit({
    max: opts.rateLimit?.max ?? 10,
    timeWindow: opts.rateLimit?.windowMs ?? 15 * 60_000,
    keyGenerator: (request) => {
      const body = request.body as { login?: unknown } | undefined;
      return `console|${request.ip}|${String(body?.login ?? '')
        .trim()
        .toLowerCase()}`;
    },
  });

  app.post(CONSOLE_AUTH_ROUTES.consoleLogin.path, { config: { public: true } }, async (request, reply): Promise<ConsoleLoginResponse> => {
    const limit = await checkRate(request);
    if (!limit.isAllowed && limit.isExceeded)
      throw new GuichetError(
        'rate_limited',
        `Trop de tentatives de connexion. Réessayez dans ${Math.max(1, Math.ceil(limit.ttlInSeconds / 60))} minute(s).`,
        'console login rate limit',
      );
    const { login, password, code } = parseRequest(CONSOLE_AUTH_ROUTES.consoleLogin, request).body;
    const staff = await staffByLogin(db, login);
    if (staff?.disabled !== 0) {
      await verifyAgainstDummy(password);
      throw new GuichetError('unauthenticated', WRONG, staff ? 'staff disabled' : 'unknown staff');
    }
    if (!(await verifyPassword(password, staff.password_hash))) {
      await audit(db, { staffId: staff.id, login: staff.login }, { action: 'connexion.refusee', detail: { raison: 'mot de passe' } });
      throw new GuichetError('unauthenticated', WRONG, 'wrong staff password');
    }
    // Seeds are sealed at rest (secret-box.ts): opened here only, never logged.
    const key = opts.secretKey ?? hubSecretKey();
    const storedSecret = staff.totp_secret ?? staff.totp_pending_secret;
    const secret = storedSecret === null ? null : unseal(key, totpAad(staff.id), storedSecret);
    if (code === undefined || secret === null) {
      if (staff.totp_secret !== null) return { status: 'totp_required' };
      // First sign-in: a fresh secret each time until one is confirmed with a code.
      const pending = newTotpSecret();
      await db
        .updateTable('staff')
        .set({ totp_pending_secret: seal(key, totpAad(staff.id), pending) })
        .where('id', '=', staff.id)
        .execute();
      return { status: 'totp_enrolment', secret: pending, ...(await totpEnrolment(staff.login, pending)) };
    }
    const step = await checkTotp(secret, code, staff.totp_last_step);
    if (step === null) {
      await audit(db, { staffId: staff.id, login: staff.login }, { action: 'connexion.refusee', detail: { raison: 'code' } });
      throw new GuichetError('unauthenticated', WRONG, 'wrong or replayed TOTP code');
    }
    // Conditional: of two sign-ins with the same code, one wins.
    const stored = await db
      .updateTable('staff')
      .set({ totp_secret: seal(key, totpAad(staff.id), secret), totp_pending_secret: null, totp_last_step: step })
      .where('id', '=', staff.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    if (Number(stored.numUpdatedRows) !== 1) throw new GuichetError('unauthenticated', WRONG, 'TOTP code raced');
    const session = await openStaffSession(db, staff.id);
    await audit(
      db,
      { staffId: staff.id, login: staff.login },
      { action: staff.totp_secret === null ? 'second-facteur.enregistre' : 'connexion', detail: { ip: request.ip } },
    );
    reply.header('set-cookie', sessionCookie(request, session.token, Math.floor(STAFF_SESSION_MS / 1000)));
    return { status: 'signed_in', staff: toStaffInfo(staff) };
  });

  app.post(CONSOLE_AUTH_ROUTES.consoleLogout.path, staffRouteOptions(), async (request, reply: FastifyReply) => {
    const token = staffTokenOf(request);
    await auditRequest(request, { action: 'deconnexion' });
    if (token) await revokeStaffSession(db, token);
    return reply
      .header('set-cookie', sessionCookie(request, '', 0))
      .code(204)
      .send();
  });

  app.get(CONSOLE_AUTH_ROUTES.consoleMe.path, staffRouteOptions(), async (request) => {
    const s = requestStaff(request);
    return { id: s.staffId, login: s.login, displayName: s.displayName, role: s.role };
  });
}
