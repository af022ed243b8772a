import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DATA_ROUTES as R, DEVICE_REPORT_ROUTES } from '../../shared/console/routes.js';
import type { ConsoleCollectivite, ConsoleTransmission, DevicePoste } from '../../shared/console/views.js';
import type { TransmissionState } from '../acts/tables.js';
import { nowIso } from '../db/dialect.js';
import { createTestHub, type SeededCommune, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { type SeededStaff, seedStaff } from './test-support.js';

describe.each(TEST_BACKENDS)('console routes (%s)', (backend) => {
  let hub: TestHub;
  let admin: SeededStaff;
  let helpdesk: SeededStaff;
  let troyes: SeededCommune;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    admin = await seedStaff(hub.db, { login: 'admin', role: 'administrateur' });
    helpdesk = await seedStaff(hub.db, { login: 'assistance', role: 'assistance' });
    troyes = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts'] });
  });
  afterAll(async () => hub?.close());

  const call = (who: SeededStaff, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    hub.app.inject({ method, url, headers: who.headers, payload });

  async function transmission(state: TransmissionState, extra: { actId?: string; idActe?: string | null } = {}) {
    const id = randomUUID();
    const now = nowIso();
    await hub.db
      .insertInto('actes_transmissions')
      .values({
        id,
        commune_id: troyes.communeId,
        act_id: extra.actId ?? randomUUID(),
        kind: 'acte',
        payload: '{"kind":"acte"}',
        state,
        attempts: 2,
        next_attempt_at: now,
        claimed_by: null,
        claimed_at: null,
        serial: 7,
        archive_name: 'EACT--211003744--20261206-7.tar.gz',
        archive_size: 3,
        archive: new Uint8Array([1, 2, 3]),
        id_acte: extra.idActe ?? null,
        error: state === 'failed' ? "La plateforme @CTES a refusé l'archive." : null,
        uncertain_since: state === 'uncertain' ? now : null,
        created_at: now,
        sent_at: null,
        updated_at: now,
      })
      .execute();
    return id;
  }
  const stateOf = async (id: string) =>
    await hub.db.selectFrom('actes_transmissions').select(['state', 'archive', 'serial']).where('id', '=', id).executeTakeFirstOrThrow();

  it('shows collectivités with their accounts, codes and channel, and lets only an administrator change them', async () => {
    const list = (await call(helpdesk, 'GET', R.consoleCollectivites.path)).json<ConsoleCollectivite[]>();
    const row = list.find((c) => c.code === '10387')!;
    expect(row).toMatchObject({ kind: 'commune', updateChannel: 'stable', conventionDate: null, services: ['electoral', 'acts'] });
    expect(row.accounts.map((a) => a.role).sort()).toEqual(['consultation', 'maire', 'secretaire']);

    const path = R.consoleCollectiviteSettings.path.replace(':code', '10387');
    const refused = await call(helpdesk, 'PUT', path, { updateChannel: 'pilote' });
    expect(refused.statusCode).toBe(403);
    const changed = await call(admin, 'PUT', path, { updateChannel: 'pilote', conventionDate: '2026-03-01' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ updateChannel: 'pilote', conventionDate: '2026-03-01' });

    const code = await call(admin, 'POST', R.consoleEnrollmentCode.path.replace(':code', '10387'));
    expect(code.json().code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const after = (await call(admin, 'GET', R.consoleCollectivites.path)).json<ConsoleCollectivite[]>().find((c) => c.code === '10387')!;
    expect(after.enrollmentCodes.active).toBe(1);
    // The code is shown once and never written to the log.
    const log = await hub.db.selectFrom('console_audit').selectAll().where('action', '=', 'collectivite.code-inscription').execute();
    expect(log).toHaveLength(1);
    expect(JSON.stringify(log)).not.toContain(code.json().code);
  });

  it('lists postes with what they reported at their last sync', async () => {
    const report = await hub.app.inject({
      method: 'POST',
      url: DEVICE_REPORT_ROUTES.deviceReport.path,
      headers: { authorization: `Bearer ${troyes.secretaireToken}` },
      payload: {
        appVersion: '1.4.2',
        os: 'win32 10.0.19045',
        lastSyncAt: '2026-12-06T09:00:00.000Z',
        pendingChanges: 3,
        lastError: null,
        update: { status: 'ready', version: '1.5.0' },
      },
    });
    expect(report.statusCode).toBe(204);
    const postes = (await call(helpdesk, 'GET', R.consolePostes.path)).json<DevicePoste[]>();
    expect(postes.find((p) => p.id === troyes.secretaireDeviceId)).toMatchObject({
      appVersion: '1.4.2',
      pendingChanges: 3,
      updateStatus: 'ready',
      updateVersion: '1.5.0',
      collectivite: { code: '10387' },
    });
    expect(postes.find((p) => p.id === troyes.maireDeviceId)).toMatchObject({ appVersion: null, reportedAt: null });
  });

  it('requeues failed and uncertain transmissions without ever sending twice what the prefecture received', async () => {
    const failed = await transmission('failed');
    const uncertain = await transmission('uncertain');
    const acknowledged = await transmission('failed', { idActe: '010-211003744-20261206-7-DE' });
    const sharedAct = randomUUID();
    const superseded = await transmission('failed', { actId: sharedAct });
    await transmission('transmis', { actId: sharedAct });
    const done = await transmission('transmis');

    const queue = (await call(helpdesk, 'GET', R.consoleActsQueue.path)).json<ConsoleTransmission[]>();
    expect(queue.map((t) => t.id).sort()).toEqual([failed, uncertain, acknowledged, superseded].sort());

    const requeue = (who: SeededStaff, id: string) => call(who, 'POST', R.consoleActRequeue.path.replace(':id', id));
    expect((await requeue(helpdesk, failed)).statusCode).toBe(403);
    expect((await requeue(admin, failed)).statusCode).toBe(204);
    // Built afresh: no archive, a new serial to come.
    expect(await stateOf(failed)).toEqual({ state: 'queued', archive: null, serial: null });
    expect((await requeue(admin, failed)).statusCode, 'twice').toBe(409);
    // Uncertain: the same archive goes again (the platform knows it by its envelope).
    expect((await requeue(admin, uncertain)).statusCode).toBe(204);
    expect(await stateOf(uncertain)).toMatchObject({ state: 'built', serial: 7 });
    for (const id of [acknowledged, superseded, done]) {
      const res = await requeue(admin, id);
      expect(res.statusCode, id).toBe(409);
    }
    expect((await requeue(admin, randomUUID())).statusCode).toBe(404);

    const audit = await hub.db.selectFrom('console_audit').selectAll().where('action', '=', 'actes.relancer').execute();
    expect(audit.map((a) => [a.staff_login, a.target]).sort()).toEqual(
      [
        ['admin', failed],
        ['admin', uncertain],
      ].sort(),
    );
  });

  it('resolves an uncertain transmission as received (never sent again) or as absent (then requeueable)', async () => {
    const there = await transmission('uncertain');
    const absent = await transmission('uncertain');
    const resolve = (id: string, outcome: string) => call(admin, 'POST', R.consoleActResolve.path.replace(':id', id), { outcome });
    expect((await resolve(there, 'transmis')).statusCode).toBe(204);
    expect((await stateOf(there)).state).toBe('transmis');
    expect((await call(admin, 'POST', R.consoleActRequeue.path.replace(':id', there))).statusCode).toBe(409);
    expect((await resolve(absent, 'failed')).statusCode).toBe(204);
    expect((await call(admin, 'POST', R.consoleActRequeue.path.replace(':id', absent))).statusCode).toBe(204);
    expect((await stateOf(absent)).state).toBe('queued');
    expect((await resolve(there, 'failed')).statusCode, 'no longer uncertain').toBe(409);
  });

  it('shows the audit log newest first, pages it and exports it as CSV', async () => {
    const entries = (await call(helpdesk, 'GET', `${R.consoleAudit.path}?limit=2`)).json<{ at: string; action: string }[]>();
    expect(entries).toHaveLength(2);
    expect(entries[0].at >= entries[1].at).toBe(true);
    const older = (await call(helpdesk, 'GET', `${R.consoleAudit.path}?limit=500&before=${encodeURIComponent(entries[1].at)}`)).json<
      { at: string }[]
    >();
    expect(older.every((e) => e.at < entries[1].at)).toBe(true);
    const csv = await call(helpdesk, 'GET', R.consoleAuditExport.path);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFdate;agent;action;cible;détail');
    expect(csv.body).toMatch(/;admin;actes\.relancer;/);
    // The export is itself an action.
    expect((await hub.db.selectFrom('console_audit').select('staff_login').where('action', '=', 'journal.export').execute())[0]).toEqual({
      staff_login: 'assistance',
    });
  });
});
