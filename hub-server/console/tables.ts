import type { Generated } from 'kysely';

/** Tables of the département's console and of the fleet's updates (migration 012-console). */
export interface StaffTable {
  id: string;
  login: string;
  display_name: string;
  role: 'administrateur' | 'assistance';
  /** scrypt$N$r$p$salt$hash, as the collectivités' accounts. */
  password_hash: string;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: number | null;
  disabled: Generated<number>;
  created_at: string;
}

export interface StaffSessionsTable {
  id: string;
  /** sha256 hex of the session token (the cookie holds the token). */
  token_hash: string;
  staff_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ConsoleAuditTable {
  id: string;
  at: string;
  staff_id: string | null;
  staff_login: string;
  action: string;
  target: string | null;
  /** JSON, never personal data of electors or owners. */
  detail: string | null;
}

export interface DeviceReportsTable {
  device_id: string;
  commune_id: string;
  app_version: string;
  os: string;
  last_sync_at: string | null;
  pending_changes: Generated<number>;
  last_error: string | null;
  update_status: string | null;
  update_version: string | null;
  reported_at: string;
}

export interface CollectiviteSettingsTable {
  collectivite_id: string;
  convention_date: string | null;
  update_channel: Generated<string>;
}

export interface UpdateChannelsTable {
  channel: string;
  current_version: string | null;
  previous_version: string | null;
  staging_percentage: Generated<number>;
  paused: Generated<number>;
  updated_at: string;
}

export interface UpdateReleasesTable {
  channel: string;
  version: string;
  manifest: string;
  published_at: string;
  published_by: string;
  withdrawn_at: string | null;
}

export interface ConsoleTables {
  staff: StaffTable;
  staff_sessions: StaffSessionsTable;
  console_audit: ConsoleAuditTable;
  device_reports: DeviceReportsTable;
  collectivite_settings: CollectiviteSettingsTable;
  update_channels: UpdateChannelsTable;
  update_releases: UpdateReleasesTable;
}
