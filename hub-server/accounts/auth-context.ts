import type { CollectiviteKind } from '../../shared/accounts/collectivites.js';
import type { CommuneRole, Service } from '../../shared/accounts/roles.js';

/**
 * Who is calling, as established from the bearer token by the auth hook
 * (hub-server/accounts/auth.ts). Routes read the tenant from here only.
 */
export interface AuthContext {
  /**
   * The collectivité's id (`collectivites.id`): the tenant every `commune_id` column
   * names, whatever its kind (the name stays from when every tenant was a commune).
   */
  communeId: string;
  kind: CollectiviteKind;
  siren: string;
  /** A commune's INSEE code; null for a grouping. */
  insee: string | null;
  /** INSEE codes of the communes it covers: the commune itself, or a grouping's members. */
  territory: string[];
  userId: string;
  deviceId: string;
  sessionId: string;
  role: CommuneRole;
  /** Services opted into, cut down to those the kind may use (never `electoral` for a grouping). */
  services: Service[];
  /** What the user may do: the role's permissions plus the mayor's nominative grants (registry.permissionsOf), set by the auth hook. */
  permissions: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every authenticated route; absent on public ones. */
    auth?: AuthContext;
  }
}
