import type { AccountsChannels, SessionChannels } from '../../shared/accounts/ipc.js';
import { GuichetError } from '../../shared/errors.js';
import type { CoreContext } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { SessionManager } from './session.js';

const OFFLINE_ADMIN = "La gestion des comptes se fait en ligne : le hub est injoignable pour l'instant.";

/** `session:*`: the core's own channels (they work before any login). */
export function createSessionHandlers(session: SessionManager): ChannelHandlers<SessionChannels> {
  return {
    'session:get': () => session.state(),
    'session:enroll': (input) => session.enroll(input),
    'session:login': (input) => session.login(input),
    'session:logout': () => session.logout(),
    'session:change-password': (input) => session.changePassword(input),
  };
}

/**
 * `accounts:*`. Account administration goes straight to the hub (it is the
 * authority on users and devices; nothing is queued offline).
 */
export function createAccountsHandlers(ctx: CoreContext): ChannelHandlers<AccountsChannels> {
  const admin = () => {
    ctx.requirePermission('users.manage');
    const hub = ctx.hub();
    if (!hub) throw new GuichetError('unauthenticated', 'Connectez-vous pour continuer.', 'no hub client');
    return hub;
  };
  const online = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof GuichetError && err.code === 'offline') throw new GuichetError('offline', OFFLINE_ADMIN, err.detail);
      throw err;
    }
  };
  return {
    'accounts:users': () => online(() => admin().listUsers()),
    'accounts:create-user': (input) => online(() => admin().createUser(input)),
    'accounts:disable-user': ({ id }) => online(() => admin().disableUser(id)),
    'accounts:devices': () => online(() => admin().listDevices()),
    'accounts:revoke-device': ({ id, resetPasswords }) => online(() => admin().revokeDevice(id, { resetPasswords })),
    'accounts:reset-password': ({ id }) => online(() => admin().resetPassword(id)),
  };
}
