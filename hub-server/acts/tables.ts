/**
 * Tables of the legality-control service (migration 003-acts). Same
 * conventions as the other domains: ISO text timestamps set in app code,
 * 0/1 integers for booleans, bigint sizes read back as numbers.
 */

/** States of a transmission to the prefecture; see forwarder.ts for the exactly-once reasoning. */
export type TransmissionState = 'queued' | 'building' | 'built' | 'sending' | 'uncertain' | 'transmis' | 'failed';
export type TransmissionKind = 'acte' | 'annulation' | 'answer' | 'classification';

export interface ActesTransmissionsTable {
  id: string;
  commune_id: string;
  /** The act concerned (null for a classification request). */
  act_id: string | null;
  kind: TransmissionKind;
  /** JSON of what the builder needs beyond the act record (answer type, letter, files). */
  payload: string;
  state: TransmissionState;
  attempts: number;
  /** ISO time before which the row is not tried again (backoff, volume cap). */
  next_attempt_at: string;
  /** Hub instance holding the row while building or sending. */
  claimed_by: string | null;
  claimed_at: string | null;
  /** Envelope serial, allocated once and kept: a resend reuses the same archive name. */
  serial: number | null;
  archive_name: string | null;
  archive_size: number | null;
  archive: Uint8Array | null;
  id_acte: string | null;
  error: string | null;
  uncertain_since: string | null;
  created_at: string;
  sent_at: string | null;
  updated_at: string;
}

/** Per-commune envelope counter (S²LOW `ActesEnvelopeSerialSQL`). */
export interface ActesEnvelopeSerialsTable {
  commune_id: string;
  last_serial: number;
}

/** Volume sent per time window (flow control, like S²LOW's fenêtres de transmission). */
export interface ActesSendWindowsTable {
  window_start: string;
  bytes: number;
  sent_count: number;
}

/** NumeroInterne is unique per collectivité: the unique key makes two racing transmits impossible. */
export interface ActesNumerosTable {
  commune_id: string;
  numero_interne: string;
  act_id: string;
  created_at: string;
}

/** A CA certificate the département trusts for signatures (migration 007); the list is the département's, not a tenant's. */
export interface ActsTrustAnchorsTable {
  /** SHA-256 of the certificate's DER, lower-case hex. */
  fingerprint: string;
  subject: string;
  not_after: string;
  pem: string;
  added_at: string;
}

/** The latest CRL of a listed CA (migration 016): its revoked serials as JSON `[{ serial, revokedAt }]`. */
export interface ActsTrustCrlsTable {
  ca_fingerprint: string;
  issuer: string;
  this_update: string;
  next_update: string | null;
  /** SHA-256 of the CRL file as added. */
  sha256: string;
  revoked: string;
  added_at: string;
}

/** The département's trust-list settings by name (migration 016): `require_listed` = 'on' | 'off'. */
export interface ActsTrustSettingsTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface ActsTables {
  acts_trust_anchors: ActsTrustAnchorsTable;
  acts_trust_crls: ActsTrustCrlsTable;
  acts_trust_settings: ActsTrustSettingsTable;
  actes_transmissions: ActesTransmissionsTable;
  actes_envelope_serials: ActesEnvelopeSerialsTable;
  actes_send_windows: ActesSendWindowsTable;
  acts_numeros: ActesNumerosTable;
}
