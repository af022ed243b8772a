import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import type { DeviceInfo, MeResponse, PasswordReset, RevokeDeviceResponse, SessionGrant, UserInfo } from '../../shared/accounts/types.js';
import { GuichetError } from '../../shared/errors.js';
import { parseRequest } from '../contract.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import { requireAuth, requirePermission } from './auth.js';
import {
  endSessionsOf,
  managedUserOf,
  passwordContextOf,
  resetToTemporary,
  resetUsersOfDevice,
  storePassword,
} from './password-changes.js';
import { enforcePasswordPolicy, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { grantsOf, registerGrantRoutes, userInfoWithGrants } from './grants.js';
import { collectiviteInfo, insertUser, openSession, revokeDeviceById, toDeviceInfo, toUserInfo } from './store.js';
import { enrollmentCodeHash } from './tokens.js';

export interface LoginRateLimit {
  /** Attempts allowed per IP + username within the window (default 10). */
  max?: number;
  windowMs?: number;
}

const WRONG_CREDENTIALS = 'Identifiant ou mot de passe incorrect.';
const BAD_CODE =
  "Ce code d'inscription n'est pas valable : il a déjà servi, il a expiré ou il est mal recopié. Demandez un nouveau code au service départemental.";

export async function registerAccountsRoutes(
  app: FastifyInstance,
  opts: { db: Kysely<HubDatabase>; registry: DomainRegistry; rateLimit?: LoginRateLimit },
): Promise<void> {
  const { db } = opts;
  registerGrantRoutes(app, db, opts.registry);
  const checkLoginRate = app.createRateLimit({
    max: opts.rateLimit?.max ?? 10,
    timeWindow: opts.rateLimit?.windowMs ?? 15 * 60_000,
    keyGenerator: (request) => {
      const body = request.body as { insee?: unknown; siren?: unknown; username?: unknown } | undefined;
      return `login|${request.ip}|${String(body?.insee ?? body?.siren ?? '')}|${String(body?.username ?? '')
        .trim()
        .toLowerCase()}`;
    },
  });

  // Codes carry ~78 bits, so guessing is hopeless anyway; this keeps a script from hammering scrypt.
  const checkEnrollRate = app.createRateLimit({
    max: 2 * (opts.rateLimit?.max ?? 10),
    timeWindow: opts.rateLimit?.windowMs ?? 15 * 60_000,
    keyGenerator: (request) => `enroll|${request.ip}`,
  });

  app.post(HUB_ROUTES.enroll.path, { config: { public: true } }, async (request): Promise<SessionGrant> => {
    const limit = await checkEnrollRate(request);
    if (!limit.isAllowed && limit.isExceeded) {
      throw new GuichetError(
        'rate_limited',
        `Trop de tentatives d'inscription. Réessayez dans ${Math.max(1, Math.ceil(limit.ttlInSeconds / 60))} minute(s).`,
        'enroll rate limit',
      );
    }
    const input = parseRequest(HUB_ROUTES.enroll, request).body;
    // Judged against the collectivité's name when the code is valid; a bad code is refused below whatever the password.
    const codeRow = await db
      .selectFrom('enrollment_codes')
      .select('commune_id')
      .where('code_hash', '=', enrollmentCodeHash(input.code))
      .executeTakeFirst();
    if (codeRow) enforcePasswordPolicy(input.password, await passwordContextOf(db, codeRow.commune_id, input));
    const passwordHash = await hashPassword(input.password);
    return db.transaction().execute(async (trx) => {
      const code = await trx
        .selectFrom('enrollment_codes')
        .selectAll()
        .where('code_hash', '=', enrollmentCodeHash(input.code))
        .executeTakeFirst();
      const now = nowIso();
      if (!code || code.used_at !== null || code.expires_at <= now) {
        throw new GuichetError('forbidden', BAD_CODE, code ? (code.used_at ? 'code already used' : 'code expired') : 'unknown code');
      }
      // Conditional update: of two concurrent enrollments with the same code, only one marks it.
      const marked = await trx
        .updateTable('enrollment_codes')
        .set({ used_at: now })
        .where('id', '=', code.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1) throw new GuichetError('forbidden', BAD_CODE, 'code used concurrently');
      // The collectivité's first account: the mayor, or a grouping's président (same role).
      const commune = await collectiviteInfo(trx, code.commune_id);
      const user = await insertUser(trx, {
        communeId: code.commune_id,
        username: input.username,
        displayName: input.displayName,
        role: 'maire',
        passwordHash,
      });
      const session = await openSession(trx, {
        communeId: code.commune_id,
        userId: user.id,
        deviceName: input.deviceName,
        deviceKey: input.deviceKey,
      });
      request.log.info({ communeId: code.commune_id, kind: commune.kind, deviceId: session.device.id }, 'collectivité enrolled');
      return { token: session.token, user: toUserInfo(user), commune, device: toDeviceInfo(session.device, session.device.id) };
    });
  });

  app.post(HUB_ROUTES.login.path, { config: { public: true } }, async (request): Promise<SessionGrant> => {
    const limit = await checkLoginRate(request);
    if (!limit.isAllowed && limit.isExceeded) {
      throw new GuichetError(
        'rate_limited',
        `Trop de tentatives de connexion. Réessayez dans ${Math.max(1, Math.ceil(limit.ttlInSeconds / 60))} minute(s).`,
        'login rate limit',
      );
    }
    const input = parseRequest(HUB_ROUTES.login, request).body;
    const found = await db
      .selectFrom('users as u')
      .innerJoin('collectivites as c', 'c.id', 'u.commune_id')
      .selectAll('u')
      // A commune's users give its INSEE code, a grouping's its SIREN (the schema requires exactly one).
      .where((eb) => (input.insee !== undefined ? eb('c.insee', '=', input.insee) : eb('c.siren', '=', input.siren ?? '')))
      .where('u.username', '=', input.username)
      .executeTakeFirst();
    const ok = found ? await verifyPassword(input.password, found.password_hash) : await verifyAgainstDummy(input.password);
    if (!found || !ok) throw new GuichetError('unauthenticated', WRONG_CREDENTIALS, 'wrong credentials');
    if (Number(found.disabled) === 1)
      throw new GuichetError(
        'forbidden',
        'Ce compte a été désactivé. Adressez-vous au maire (ou au président du groupement).',
        'user disabled',
      );
    const commune = await collectiviteInfo(db, found.commune_id);
    const session = await db
      .transaction()
      .execute((trx) =>
        openSession(trx, { communeId: found.commune_id, userId: found.id, deviceName: input.deviceName, deviceKey: input.deviceKey }),
      );
    request.log.info({ communeId: found.commune_id, deviceId: session.device.id }, 'login');
    // A temporary password: the grant says so (user.mustChangePassword) and the auth hook holds every other route.
    return {
      token: session.token,
      user: await userInfoWithGrants(db, found.id),
      commune,
      device: toDeviceInfo(session.device, session.device.id),
    };
  });

  app.post(HUB_ROUTES.logout.path, { config: { withTemporaryPassword: true } }, async (request, reply) => {
    const auth = requireAuth(request);
    await db.updateTable('sessions').set({ revoked_at: nowIso() }).where('id', '=', auth.sessionId).execute();
    return reply.code(204).send();
  });

  // Current password guesses with a session token (a PC left open) are limited like logins.
  const checkChangeRate = app.createRateLimit({
    max: opts.rateLimit?.max ?? 10,
    timeWindow: opts.rateLimit?.windowMs ?? 15 * 60_000,
    keyGenerator: (request) => `password|${request.auth?.userId ?? request.ip}`,
  });

  app.post(HUB_ROUTES.changePassword.path, { config: { withTemporaryPassword: true } }, async (request): Promise<UserInfo> => {
    const auth = requireAuth(request);
    const limit = await checkChangeRate(request);
    if (!limit.isAllowed && limit.isExceeded)
      throw new GuichetError(
        'rate_limited',
        `Trop de tentatives. Réessayez dans ${Math.max(1, Math.ceil(limit.ttlInSeconds / 60))} minute(s).`,
        'password change rate limit',
      );
    const input = parseRequest(HUB_ROUTES.changePassword, request).body;
    const user = await db.selectFrom('users').selectAll().where('id', '=', auth.userId).executeTakeFirstOrThrow();
    if (!(await verifyPassword(input.currentPassword, user.password_hash)))
      throw new GuichetError('unauthenticated', 'Le mot de passe actuel est incorrect.', 'wrong current password');
    if (input.newPassword === input.currentPassword)
      throw new GuichetError('invalid_input', "Le nouveau mot de passe doit être différent de l'actuel.", 'same password');
    enforcePasswordPolicy(
      input.newPassword,
      await passwordContextOf(db, auth.communeId, { username: user.username, displayName: user.display_name }),
    );
    const passwordHash = await hashPassword(input.newPassword);
    await db.transaction().execute(async (trx) => {
      await storePassword(trx, user.id, passwordHash, false);
      // Whoever knew the old password (or held a session elsewhere) is out; this PC stays logged in.
      await endSessionsOf(trx, user.id, auth.sessionId);
    });
    request.log.info({ communeId: auth.communeId, userId: user.id }, 'password changed');
    // With the mayor's grants: the PC keeps this user as its session's (a first login changes a temporary password).
    return userInfoWithGrants(db, user.id);
  });

  app.get(HUB_ROUTES.me.path, { config: { withTemporaryPassword: true } }, async (request): Promise<MeResponse> => {
    const auth = requireAuth(request);
    const [user, commune, device] = await Promise.all([
      db.selectFrom('users').selectAll().where('id', '=', auth.userId).executeTakeFirstOrThrow(),
      collectiviteInfo(db, auth.communeId),
      db.selectFrom('devices').selectAll().where('id', '=', auth.deviceId).executeTakeFirstOrThrow(),
    ]);
    return { user: toUserInfo(user, (await grantsOf(db, [user.id])).get(user.id)), commune, device: toDeviceInfo(device, auth.deviceId) };
  });

  // onRequest: refused before the body is read.
  const manage = { onRequest: requirePermission('users.manage') };

  app.get(HUB_ROUTES.listUsers.path, manage, async (request): Promise<UserInfo[]> => {
    const auth = requireAuth(request);
    const rows = await db.selectFrom('users').selectAll().where('commune_id', '=', auth.communeId).orderBy('username').execute();
    const grants = await grantsOf(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toUserInfo(r, grants.get(r.id)));
  });

  app.post(HUB_ROUTES.createUser.path, manage, async (request): Promise<UserInfo> => {
    const auth = requireAuth(request);
    const input = parseRequest(HUB_ROUTES.createUser, request).body;
    enforcePasswordPolicy(input.password, await passwordContextOf(db, auth.communeId, input));
    const passwordHash = await hashPassword(input.password);
    // The mayor chose it: a temporary password, changed by its owner at first login.
    const row = await insertUser(db, {
      communeId: auth.communeId,
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash,
      temporary: true,
    });
    return toUserInfo(row);
  });

  app.post(HUB_ROUTES.disableUser.path, manage, async (request): Promise<UserInfo> => {
    const auth = requireAuth(request);
    const { id } = parseRequest(HUB_ROUTES.disableUser, request).params;
    if (id === auth.userId) throw new GuichetError('conflict', 'Vous ne pouvez pas désactiver votre propre compte.', 'self-disable');
    return db.transaction().execute(async (trx) => {
      const user = await managedUserOf(trx, auth.communeId, id, 'disable');
      await trx.updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();
      await trx.updateTable('sessions').set({ revoked_at: nowIso() }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
      return toUserInfo({ ...user, disabled: 1 });
    });
  });

  app.post(HUB_ROUTES.resetPassword.path, manage, async (request): Promise<PasswordReset> => {
    const auth = requireAuth(request);
    const { id } = parseRequest(HUB_ROUTES.resetPassword, request).params;
    if (id === auth.userId) throw new GuichetError('conflict', 'Changez votre propre mot de passe dans « Mon compte ».', 'self-reset');
    return db.transaction().execute(async (trx) => {
      const user = await managedUserOf(trx, auth.communeId, id, 'reset');
      const reset = await resetToTemporary(trx, user);
      request.log.info({ communeId: auth.communeId, userId: user.id }, 'password reset by the mayor');
      return reset;
    });
  });

  app.get(HUB_ROUTES.listDevices.path, manage, async (request): Promise<DeviceInfo[]> => {
    const auth = requireAuth(request);
    const rows = await db.selectFrom('devices').selectAll().where('commune_id', '=', auth.communeId).orderBy('created_at').execute();
    return rows.map((row) => toDeviceInfo(row, auth.deviceId));
  });

  app.post(HUB_ROUTES.revokeDevice.path, manage, async (request): Promise<RevokeDeviceResponse> => {
    const auth = requireAuth(request);
    const { params, body } = parseRequest(HUB_ROUTES.revokeDevice, request);
    return db.transaction().execute(async (trx) => {
      const device = await revokeDeviceById(trx, params.id, auth.communeId);
      // The caller changes their own password in « Mon compte »; a maire account is the département's to reset.
      const resets =
        body?.resetPasswords === true
          ? await resetUsersOfDevice(trx, device.id, (u) => u.id === auth.userId || u.role === 'maire')
          : { passwordResets: [], notReset: [] };
      request.log.info({ communeId: auth.communeId, deviceId: device.id, passwordResets: resets.passwordResets.length }, 'device revoked');
      return { device: toDeviceInfo(device, auth.deviceId), ...resets };
    });
  });
}
