import { SERVICE_LABELS, type Service } from '../../shared/accounts/roles.js';
import type { Caller, DomainRegistry } from '../../shared/domain/registry.js';
import { GuichetError, roleRefused } from '../../shared/errors.js';

/** Who asks, as the auth hook established it: the collectivité's services, the role and its permissions. */
export interface HubCaller extends Caller {
  role: string;
}

export function serviceNotEnabled(service: Service): GuichetError {
  return new GuichetError(
    'service_not_enabled',
    `Le service « ${SERVICE_LABELS[service]} » n'est pas activé pour votre commune.`,
    `service ${service} not enabled`,
  );
}

/**
 * The refusal when the caller may not use `permission` of `service` (null when it may).
 * The decision is the registry's `mayUse`; this only picks the sentence that explains it.
 */
export function accessRefusal(
  registry: DomainRegistry,
  caller: HubCaller,
  service: Service | null,
  permission: string,
): GuichetError | null {
  if (registry.mayUse(caller, service, permission)) return null;
  if (service !== null && !caller.services.includes(service)) return serviceNotEnabled(service);
  return roleRefused(caller.role, permission);
}

/** Throws the refusal of `accessRefusal` (routes: 403 forbidden or service_not_enabled). */
export function assertMayUse(registry: DomainRegistry, caller: HubCaller, service: Service | null, permission: string): void {
  const refusal = accessRefusal(registry, caller, service, permission);
  if (refusal) throw refusal;
}
