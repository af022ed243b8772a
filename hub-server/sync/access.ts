import { can, SERVICE_LABELS, type Permission, type Service } from '../../shared/accounts/roles.js';
import { GuichetError } from '../../shared/errors.js';
import { COLLECTION_NAMES, COLLECTIONS, type CollectionName } from '../../shared/sync/protocol.js';
import type { AuthContext } from '../accounts/auth-context.js';

/** Who is syncing: the commune's services and the caller's role decide what flows. */
export type SyncCaller = Pick<AuthContext, 'role' | 'services'>;

/** Collections the caller may receive: service enabled for the commune and `read` permission held. */
export function readableCollections(caller: SyncCaller): CollectionName[] {
  return COLLECTION_NAMES.filter((name) => {
    const spec = COLLECTIONS[name];
    return caller.services.includes(spec.service) && can(caller.role, spec.read);
  });
}

export function serviceNotEnabled(service: Service): GuichetError {
  return new GuichetError(
    'service_not_enabled',
    `Le service « ${SERVICE_LABELS[service]} » n'est pas activé pour votre commune.`,
    `service ${service} not enabled`,
  );
}

export function permissionDenied(role: string, what: string): GuichetError {
  return new GuichetError(
    'forbidden',
    'Votre rôle ne permet pas cette action. Demandez au maire de la commune.',
    `role ${role} lacks ${what}`,
  );
}

/** Throws the refusal a push answers when the caller may not run something of `service` needing `permission` (null = never by clients). */
export function assertMayWrite(caller: SyncCaller, service: Service, permission: Permission | null, what: string): void {
  if (!caller.services.includes(service)) throw serviceNotEnabled(service);
  if (permission === null)
    throw new GuichetError(
      'forbidden',
      'Ces données sont écrites par le hub uniquement (par exemple lors d’un import) : elles ne peuvent pas être modifiées depuis un poste.',
      `${what} is hub-written`,
    );
  if (!can(caller.role, permission)) throw permissionDenied(caller.role, permission);
}
