import type { Kysely } from 'kysely';
import Papa from 'papaparse';
import type { AuditEntryView, ConsoleCollectivite, DevicePoste, DeviceReport } from '../../shared/console/views.js';
import { GuichetError } from '../../shared/errors.js';
import { grantedServices } from '../accounts/store.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { type AuditActor, audit } from './audit.js';

/** The console's reads of collectivités, postes and the audit log, and the collectivité settings it writes. */

const codeOf = (r: { insee: string | null; siren: string }) => r.insee ?? r.siren;

export async function listConsoleCollectivites(db: Kysely<HubDatabase>): Promise<ConsoleCollectivite[]> {
  const rows = await db
    .selectFrom('collectivites as c')
    .leftJoin('collectivite_settings as s', 's.collectivite_id', 'c.id')
    .select(['c.id', 'c.kind', 'c.name', 'c.siren', 'c.insee', 'c.services', 's.convention_date', 's.update_channel'])
    .orderBy('c.name')
    .limit(5000)
    .execute();
  const users = await db.selectFrom('users').select(['commune_id', 'username', 'role', 'disabled']).orderBy('username').execute();
  const codes = await db.selectFrom('enrollment_codes').select(['commune_id', 'used_at', 'expires_at']).execute();
  const devices = await db.selectFrom('devices').select('commune_id').where('revoked_at', 'is', null).execute();
  const now = nowIso();
  return rows.map((r) => {
    const mine = codes.filter((c) => c.commune_id === r.id);
    const active = mine.filter((c) => c.used_at === null && c.expires_at > now);
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      code: codeOf(r),
      siren: r.siren,
      services: grantedServices(r),
      conventionDate: r.convention_date ?? null,
      updateChannel: r.update_channel === 'pilote' ? 'pilote' : 'stable',
      accounts: users.filter((u) => u.commune_id === r.id).map((u) => ({ username: u.username, role: u.role, disabled: u.disabled !== 0 })),
      enrollmentCodes: {
        active: active.length,
        used: mine.filter((c) => c.used_at !== null).length,
        lastExpiresAt:
          active
            .map((c) => c.expires_at)
            .sort()
            .at(-1) ?? null,
      },
      activeDevices: devices.filter((d) => d.commune_id === r.id).length,
    };
  });
}

export async function collectiviteIdByCode(db: Kysely<HubDatabase>, code: string): Promise<string> {
  const row = await db
    .selectFrom('collectivites')
    .select('id')
    .where((eb) => eb.or([eb('insee', '=', code), eb('siren', '=', code)]))
    .executeTakeFirst();
  if (!row) throw new GuichetError('not_found', `Aucune collectivité de code ${code}.`, 'collectivite not found');
  return row.id;
}

export async function setCollectiviteSettings(
  db: Kysely<HubDatabase>,
  actor: AuditActor,
  code: string,
  change: { conventionDate?: string | null; updateChannel?: 'stable' | 'pilote' },
): Promise<void> {
  const id = await collectiviteIdByCode(db, code);
  await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('collectivite_settings').selectAll().where('collectivite_id', '=', id).executeTakeFirst();
    const next = {
      collectivite_id: id,
      convention_date: change.conventionDate === undefined ? (current?.convention_date ?? null) : change.conventionDate,
      update_channel: change.updateChannel ?? current?.update_channel ?? 'stable',
    };
    await trx
      .insertInto('collectivite_settings')
      .values(next)
      .onConflict((oc) =>
        oc.column('collectivite_id').doUpdateSet({ convention_date: next.convention_date, update_channel: next.update_channel }),
      )
      .execute();
    await audit(trx, actor, {
      action: 'collectivite.reglages',
      target: code,
      detail: { convention: next.convention_date, canal: next.update_channel },
    });
  });
}

export async function listPostes(db: Kysely<HubDatabase>): Promise<DevicePoste[]> {
  const rows = await db
    .selectFrom('devices as d')
    .innerJoin('collectivites as c', 'c.id', 'd.commune_id')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .leftJoin('device_reports as r', 'r.device_id', 'd.id')
    .select([
      'd.id',
      'd.name',
      'd.revoked_at',
      'd.last_seen_at',
      'c.name as collectivite',
      'c.insee',
      'c.siren',
      'u.username',
      'r.app_version',
      'r.os',
      'r.last_sync_at',
      'r.pending_changes',
      'r.last_error',
      'r.update_status',
      'r.update_version',
      'r.reported_at',
    ])
    .orderBy('c.name')
    .orderBy('d.name')
    .limit(20_000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    collectivite: { name: r.collectivite, code: codeOf(r) },
    username: r.username,
    revoked: r.revoked_at !== null,
    lastSeenAt: r.last_seen_at,
    appVersion: r.app_version ?? null,
    os: r.os ?? null,
    lastSyncAt: r.last_sync_at ?? null,
    pendingChanges: r.pending_changes ?? null,
    lastError: r.last_error ?? null,
    updateStatus: r.update_status ?? null,
    updateVersion: r.update_version ?? null,
    reportedAt: r.reported_at ?? null,
  }));
}

/** What a PC reports with each sync (POST /api/v1/device/report): one row per device, replaced. */
export async function storeDeviceReport(
  db: Kysely<HubDatabase>,
  device: { deviceId: string; communeId: string },
  report: DeviceReport,
): Promise<void> {
  const values = {
    device_id: device.deviceId,
    commune_id: device.communeId,
    app_version: report.appVersion,
    os: report.os,
    last_sync_at: report.lastSyncAt,
    pending_changes: report.pendingChanges,
    last_error: report.lastError,
    update_status: report.update?.status ?? null,
    update_version: report.update?.version ?? null,
    reported_at: nowIso(),
  };
  const { device_id: _id, ...rest } = values;
  await db
    .insertInto('device_reports')
    .values(values)
    .onConflict((oc) => oc.column('device_id').doUpdateSet(rest))
    .execute();
}

export async function listAudit(db: Kysely<HubDatabase>, query: { before?: string; limit: number }): Promise<AuditEntryView[]> {
  let q = db.selectFrom('console_audit').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit);
  if (query.before) q = q.where('at', '<', query.before);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, at: r.at, login: r.staff_login, action: r.action, target: r.target, detail: r.detail }));
}

/** The whole log as CSV (papaparse: RFC 4180 quoting, formulas escaped; `;` as a French spreadsheet expects, UTF-8 with BOM). */
export async function auditCsv(db: Kysely<HubDatabase>): Promise<string> {
  const rows = await db.selectFrom('console_audit').selectAll().orderBy('at').orderBy('id').execute();
  const csv = Papa.unparse(
    {
      fields: ['date', 'agent', 'action', 'cible', 'détail'],
      data: rows.map((r) => [r.at, r.staff_login, r.action, r.target ?? '', r.detail ?? '']),
    },
    { delimiter: ';', escapeFormulae: true, newline: '\r\n' },
  );
  return `\uFEFF${csv}\r\n`;
}
