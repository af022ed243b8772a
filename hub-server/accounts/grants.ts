import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import type { UserInfo } from '../../shared/accounts/types.js';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import { GuichetError } from '../../shared/errors.js';
import { parseRequest } from '../contract.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { requireAuth, requirePermission } from './auth.js';
import { type HubDb, toUserInfo } from './store.js';

/**
 * Permissions the mayor grants user by user (a domain declares them
 * `grantable`, e.g. `owners.read`). Generic: accounts never names the
 * permission; the registry says which ones may be granted.
 */

/** The grants of each of `userIds` (users without any are absent). */
export async function grantsOf(db: HubDb, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('user_grants')
    .select(['user_id', 'permission'])
    .where('user_id', 'in', [...userIds])
    .orderBy('permission')
    .execute();
  for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.permission]);
  return byUser;
}

/** One user as the PC sees it, with its grants. */
export async function userInfoWithGrants(db: HubDb, userId: string): Promise<UserInfo> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return toUserInfo(row, (await grantsOf(db, [userId])).get(userId) ?? []);
}

/** Grant (`granted`) or withdraw a grantable permission to a user of the caller's collectivité. */
export async function setGrant(
  db: Kysely<HubDatabase>,
  registry: DomainRegistry,
  who: { communeId: string; userId: string },
  target: { userId: string; permission: string; granted: boolean },
): Promise<UserInfo> {
  if (!registry.isGrantable(target.permission))
    throw new GuichetError('invalid_input', 'Cette autorisation ne se donne pas compte par compte.', `not grantable: ${target.permission}`);
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', target.userId)
      .where('commune_id', '=', who.communeId)
      .executeTakeFirst();
    if (!user) throw new GuichetError('not_found', 'Ce compte est introuvable.', `user ${target.userId}`);
    await trx.deleteFrom('user_grants').where('user_id', '=', user.id).where('permission', '=', target.permission).execute();
    if (target.granted)
      await trx
        .insertInto('user_grants')
        .values({
          commune_id: who.communeId,
          user_id: user.id,
          permission: target.permission,
          granted_by: who.userId,
          granted_at: nowIso(),
        })
        .execute();
    return userInfoWithGrants(trx, user.id);
  });
}

/** `PUT` grants, `DELETE` withdraws; only the mayor (`users.manage`). */
export function registerGrantRoutes(app: FastifyInstance, db: Kysely<HubDatabase>, registry: DomainRegistry): void {
  const manage = { onRequest: requirePermission('users.manage') };
  for (const [route, granted] of [
    [HUB_ROUTES.grantPermission, true],
    [HUB_ROUTES.withdrawPermission, false],
  ] as const) {
    app.route({
      method: route.method,
      url: route.path,
      ...manage,
      handler: async (request): Promise<UserInfo> => {
        const auth = requireAuth(request);
        const { id, permission } = parseRequest(route, request).params;
        return setGrant(db, registry, auth, { userId: id, permission, granted });
      },
    });
  }
}
