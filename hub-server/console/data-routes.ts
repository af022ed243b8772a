import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { DEVICE_REPORT_ROUTES, CONSOLE_DATA_ROUTES as R } from '../../shared/console/routes.js';
import { requireAuth } from '../accounts/auth.js';
import { issueEnrollmentCode } from '../accounts/admin.js';
import { parseRequest } from '../contract.js';
import type { HubDatabase } from '../db/schema.js';
import { rollback, setRollout, updatesView } from '../updates/channels.js';
import { requeueTransmission, resolveTransmission, listQueue } from './acts-queue.js';
import type { AuditActor } from './audit.js';
import { auditCsv, listAudit, listConsoleCollectivites, listPostes, setCollectiviteSettings, storeDeviceReport } from './fleet-store.js';
import { auditRequest, requestStaff, staffRouteOptions } from './staff-auth.js';

const ANY = staffRouteOptions();
const ADMIN = staffRouteOptions('administrateur');

function actorOf(request: FastifyRequest): AuditActor {
  const s = requestStaff(request);
  return { staffId: s.staffId, login: s.login };
}

/** The console's screens: collectivités, postes, the ACTES queue, update channels, the audit log. */
export async function registerConsoleDataRoutes(app: FastifyInstance, opts: { db: Kysely<HubDatabase> }): Promise<void> {
  const { db } = opts;

  app.get(R.consoleCollectivites.path, ANY, async () => listConsoleCollectivites(db));

  app.put(R.consoleCollectiviteSettings.path, ADMIN, async (request) => {
    const { params, body } = parseRequest(R.consoleCollectiviteSettings, request);
    await setCollectiviteSettings(db, actorOf(request), params.code, body);
    const all = await listConsoleCollectivites(db);
    return all.find((c) => c.code === params.code);
  });

  app.post(R.consoleEnrollmentCode.path, ADMIN, async (request) => {
    const { params } = parseRequest(R.consoleEnrollmentCode, request);
    const issued = await issueEnrollmentCode(db, params.code);
    // The code itself never goes to the log: who issued one, for whom, until when.
    await auditRequest(request, { action: 'collectivite.code-inscription', target: params.code, detail: { expire: issued.expiresAt } });
    return issued;
  });

  app.get(R.consolePostes.path, ANY, async () => listPostes(db));

  app.get(R.consoleActsQueue.path, ANY, async () => listQueue(db, ['failed', 'uncertain']));

  app.post(R.consoleActRequeue.path, ADMIN, async (request, reply) => {
    const { params } = parseRequest(R.consoleActRequeue, request);
    await requeueTransmission(db, actorOf(request), params.id);
    return reply.code(204).send();
  });

  app.post(R.consoleActResolve.path, ADMIN, async (request, reply) => {
    const { params, body } = parseRequest(R.consoleActResolve, request);
    await resolveTransmission(db, actorOf(request), params.id, body.outcome);
    return reply.code(204).send();
  });

  app.get(R.consoleUpdates.path, ANY, async () => updatesView(db));

  app.put(R.consoleRollout.path, ADMIN, async (request) => {
    const { params, body } = parseRequest(R.consoleRollout, request);
    await setRollout(db, params.channel, body, actorOf(request));
    return updatesView(db);
  });

  app.post(R.consoleRollback.path, ADMIN, async (request) => {
    const { params } = parseRequest(R.consoleRollback, request);
    await rollback(db, params.channel, actorOf(request));
    return updatesView(db);
  });

  app.get(R.consoleAudit.path, ANY, async (request) => listAudit(db, parseRequest(R.consoleAudit, request).query));

  // The PC's own report (its bearer, like every collectivité route): the device is the token's.
  app.post(DEVICE_REPORT_ROUTES.deviceReport.path, async (request, reply) => {
    const auth = requireAuth(request);
    const { body } = parseRequest(DEVICE_REPORT_ROUTES.deviceReport, request);
    await storeDeviceReport(db, auth, body);
    return reply.code(204).send();
  });

  app.get(R.consoleAuditExport.path, ANY, async (request, reply) => {
    await auditRequest(request, { action: 'journal.export' });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="journal-console.csv"')
      .send(await auditCsv(db));
  });
}
