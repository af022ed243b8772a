import { z } from 'zod';
import { SERVICES } from '../accounts/roles.js';

/**
 * What the console shows, bounded. Never personal data of electors, owners or residents: the
 * collectivités' accounts appear by login and role, acts by their id and kind.
 */
export const UPDATE_CHANNELS = ['stable', 'pilote'] as const;
export type UpdateChannelName = (typeof UPDATE_CHANNELS)[number];
export const updateChannelSchema = z.enum(UPDATE_CHANNELS);

const iso = z.string().max(40);
const version = z.string().max(50);

export const consoleCollectiviteSchema = z.object({
  id: z.string().max(100),
  kind: z.enum(['commune', 'epci', 'syndicat']),
  name: z.string().max(200),
  /** INSEE code of a commune, SIREN of a grouping: how the CLI names it. */
  code: z.string().max(20),
  siren: z.string().max(20),
  services: z.array(z.enum(SERVICES)).max(20),
  conventionDate: z.string().max(10).nullable(),
  updateChannel: updateChannelSchema,
  accounts: z.array(z.object({ username: z.string().max(100), role: z.string().max(40), disabled: z.boolean() })).max(1000),
  enrollmentCodes: z.object({ active: z.number().int(), used: z.number().int(), lastExpiresAt: iso.nullable() }),
  activeDevices: z.number().int(),
});
export type ConsoleCollectivite = z.infer<typeof consoleCollectiviteSchema>;

export const collectiviteSettingsSchema = z.object({
  /** AAAA-MM-JJ, or null to clear. */
  conventionDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date de convention : AAAA-MM-JJ.')
    .nullable()
    .optional(),
  updateChannel: updateChannelSchema.optional(),
});

export const devicePosteSchema = z.object({
  id: z.string().max(100),
  name: z.string().max(200),
  collectivite: z.object({ name: z.string().max(200), code: z.string().max(20) }),
  username: z.string().max(100),
  revoked: z.boolean(),
  lastSeenAt: iso.nullable(),
  appVersion: version.nullable(),
  os: z.string().max(100).nullable(),
  lastSyncAt: iso.nullable(),
  pendingChanges: z.number().int().nullable(),
  lastError: z.string().max(500).nullable(),
  updateStatus: z.string().max(40).nullable(),
  updateVersion: version.nullable(),
  reportedAt: iso.nullable(),
});
export type DevicePoste = z.infer<typeof devicePosteSchema>;

export const consoleTransmissionSchema = z.object({
  id: z.string().max(100),
  actId: z.string().max(100).nullable(),
  kind: z.enum(['acte', 'annulation', 'answer', 'classification']),
  state: z.enum(['failed', 'uncertain']),
  attempts: z.number().int(),
  error: z.string().max(2000).nullable(),
  archiveName: z.string().max(300).nullable(),
  createdAt: iso,
  updatedAt: iso,
  uncertainSince: iso.nullable(),
  collectivite: z.object({ name: z.string().max(200), code: z.string().max(20) }),
});
export type ConsoleTransmission = z.infer<typeof consoleTransmissionSchema>;

export const resolveRequestSchema = z.object({ outcome: z.enum(['transmis', 'failed']) });

export const channelViewSchema = z.object({
  channel: updateChannelSchema,
  currentVersion: version.nullable(),
  previousVersion: version.nullable(),
  stagingPercentage: z.number().int().min(0).max(100),
  paused: z.boolean(),
  releases: z.array(z.object({ version, publishedAt: iso, publishedBy: z.string().max(100), withdrawnAt: iso.nullable() })).max(200),
  collectivites: z.number().int(),
});
export const updatesViewSchema = z.object({
  channels: z.array(channelViewSchema).max(10),
  /** Postes by reported version (unknown: never reported). */
  fleet: z.array(z.object({ version: version.nullable(), postes: z.number().int() })).max(500),
});
export type UpdatesView = z.infer<typeof updatesViewSchema>;

export const rolloutRequestSchema = z.object({
  stagingPercentage: z.number().int().min(0).max(100).optional(),
  paused: z.boolean().optional(),
});

export const auditEntrySchema = z.object({
  id: z.string().max(100),
  at: iso,
  login: z.string().max(100),
  action: z.string().max(100),
  target: z.string().max(300).nullable(),
  detail: z.string().max(2000).nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export const auditQuerySchema = z.object({
  /** Entries strictly older than this (paging backwards). */
  before: iso.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** What a PC says about itself (POST /api/v1/device/report, with each sync). */
export const deviceReportSchema = z.object({
  appVersion: version,
  os: z.string().max(100),
  lastSyncAt: iso.nullable(),
  pendingChanges: z.number().int().min(0).max(10_000_000),
  /** French message of the last sync error (never personal data: the PC sends the code's sentence). */
  lastError: z.string().max(500).nullable(),
  update: z.object({ status: z.string().max(40), version: version.nullable() }).nullable(),
});
export type DeviceReport = z.infer<typeof deviceReportSchema>;
