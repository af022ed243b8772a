import type { onRequestAsyncHookHandler } from 'fastify';
import type { Service } from '../../shared/accounts/roles.js';
import type { Caller, DomainRegistry } from '../../shared/domain/registry.js';
import { GuichetError, ROLE_REFUSED_MESSAGE } from '../../shared/errors.js';
import { requireAuth } from '../accounts/auth.js';

/** Whether the caller may write anything at all through a push: a client-written collection or a command, of a service opted into. */
export function mayPushAnything(registry: DomainRegistry, caller: Caller): boolean {
  const may = (service: Service | null, permission: string | undefined) =>
    permission !== undefined && registry.mayUse(caller, service, permission);
  return registry.domains.some(
    (d) =>
      Object.values(d.collections).some((c) => c.writer === 'client' && may(d.service, c.write)) ||
      Object.values(d.commands).some((c) => may(d.service, c.permission)),
  );
}

/**
 * onRequest hook of the push route: runs after authentication and before the body is read
 * (a gzip body is inflated as it is read), so a caller who may write nothing (a consultation
 * account, a collectivité with no service) cannot make the hub inflate and parse a large body.
 * Each mutation is still checked on its own by the push.
 */
export function refuseReadOnlyCallers(registry: DomainRegistry): onRequestAsyncHookHandler {
  return async (request) => {
    const auth = requireAuth(request);
    if (!mayPushAnything(registry, auth)) {
      throw new GuichetError('forbidden', ROLE_REFUSED_MESSAGE, `role ${auth.role} may write nothing`);
    }
  };
}
