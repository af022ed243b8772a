import type { Generated } from 'kysely';
import type { CollectiviteKind } from '../../shared/accounts/collectivites.js';

/**
 * Accounts tables. Timestamps are ISO text set in app code; booleans are
 * integers 0/1 (portable between SQLite and PostgreSQL).
 *
 * The tenant is the collectivité. Every other table of the hub names it in a
 * column called `commune_id` (a name kept from when every tenant was a
 * commune): it holds `collectivites.id`, whatever the kind.
 */
export interface CollectivitesTable {
  id: string;
  kind: CollectiviteKind;
  /** The key the département knows it by, unique. */
  siren: string;
  /** Communes only. */
  insee: string | null;
  name: string;
  arrondissement: string | null;
  /** JSON array of Service, as opted into; read through allowedServices (a kind never gets more). */
  services: string;
  created_at: string;
}

/** A grouping's (EPCI, syndicat) member communes: its territory. */
export interface CollectiviteMembersTable {
  collectivite_id: string;
  insee: string;
}

export interface UsersTable {
  id: string;
  commune_id: string;
  username: string;
  display_name: string;
  role: string;
  /** scrypt$N$r$p$salt$hash */
  password_hash: string;
  disabled: Generated<number>;
  /** 1 while the password is a temporary one (set by the mayor, a reset, the admin CLI): to change at first login. */
  must_change_password: Generated<number>;
  created_at: string;
}

/** A grantable permission the mayor gave to one user (migration 009). */
export interface UserGrantsTable {
  commune_id: string;
  user_id: string;
  permission: string;
  granted_by: string;
  granted_at: string;
}

export interface EnrollmentCodesTable {
  id: string;
  commune_id: string;
  /** sha256 hex of the normalised code; the code itself is never stored. */
  code_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface DevicesTable {
  id: string;
  commune_id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
  /** sha256 hex of the PC's device key (kept in its data folder): a login presenting it reuses this row. */
  key_hash: string | null;
}

export interface SessionsTable {
  id: string;
  /** sha256 hex of the bearer token. */
  token_hash: string;
  user_id: string;
  device_id: string;
  commune_id: string;
  created_at: string;
  revoked_at: string | null;
}

/** Département administrators (CLI, helpdesk); not tied to a commune. */
export interface AdminsTable {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
}

/** Small key/value facts about the hub itself (hub id, creation date). */
export interface HubMetaTable {
  key: string;
  value: string;
}

export interface AccountsTables {
  collectivites: CollectivitesTable;
  collectivite_members: CollectiviteMembersTable;
  users: UsersTable;
  user_grants: UserGrantsTable;
  enrollment_codes: EnrollmentCodesTable;
  devices: DevicesTable;
  sessions: SessionsTable;
  admins: AdminsTable;
  hub_meta: HubMetaTable;
}
