import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { CANCEL_COMMAND, TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { lockCommune, writeRecords } from '../sync/store.js';
import { actRecord, command, png, pullAll, pulledStatus, push, storedFile, uniquePdf, upload, upsertAct } from './test-support.js';

describe.each(TEST_BACKENDS)('ACTES commands on the hub (%s)', (backend) => {
  let hub: TestHub;
  let a: SeededCommune;
  let off: SeededCommune;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    a = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    off = await hub.seedCommune({ insee: '10362', services: ['electoral'] });
  });
  afterAll(() => hub?.close());

  async function draftOnHub(over: Parameters<typeof actRecord>[0] & { uploadFiles?: boolean }) {
    const act = actRecord(over);
    if (over.uploadFiles !== false) {
      if (over.actFile) expect(await upload(hub.app, a.secretaireToken, over.actFile)).toBe(204);
      for (const x of over.annexes ?? []) expect(await upload(hub.app, a.secretaireToken, x)).toBe(204);
    }
    const [r] = await push(hub.app, a.maireToken, [upsertAct(act)]);
    expect(r.status).toBe('applied');
    return act;
  }
  const transmit = async (token: string, actId: string) => (await push(hub.app, token, [command(TRANSMIT_COMMAND, { actId })]))[0];

  it('queues a signed act whose files are on the hub and writes its status, which clients pull', async () => {
    const act = await draftOnHub({ numero: 'OK_1', actFile: uniquePdf('ok1'), annexes: [png] });
    const r = await transmit(a.maireToken, act.id);
    if (r.status === 'rejected') throw new Error(JSON.stringify(r.reason));
    expect(r).toMatchObject({ status: 'applied', versions: [{ collection: 'acts.status', id: act.id }] });
    const status = await pulledStatus(hub.app, a.consultationToken, act.id);
    expect(status).toMatchObject({ actId: act.id, state: 'en_attente', idActe: null, error: null });
    // The test certificate names no SIREN: the mayor's confirmation is recorded first (hub-server/acts/signer-check.test.ts).
    expect(status!.timeline.map((t) => t.state)).toEqual(['signe', 'en_attente']);
    const rows = await hub.db.selectFrom('actes_transmissions').select(['state', 'kind', 'id_acte']).where('act_id', '=', act.id).execute();
    expect(rows).toEqual([{ state: 'queued', kind: 'acte', id_acte: '010-211003744-20261120-OK_1-DE' }]);
    // Transmitting twice is refused, and queues nothing more.
    expect(await transmit(a.maireToken, act.id)).toMatchObject({
      status: 'rejected',
      reason: { code: 'conflict', message: 'Cet acte a déjà été transmis.' },
    });
    expect(await hub.db.selectFrom('actes_transmissions').select('id').where('act_id', '=', act.id).execute()).toHaveLength(1);
  });

  it('refuses an unsigned act', async () => {
    const act = await draftOnHub({ numero: 'UNSIGNED', actFile: uniquePdf('unsigned'), signed: false });
    expect(await transmit(a.maireToken, act.id)).toMatchObject({
      status: 'rejected',
      reason: { message: "L'acte doit être signé avant d'être transmis à la préfecture." },
    });
    expect(await pulledStatus(hub.app, a.maireToken, act.id)).toBeNull();
  });

  it('transmits a budget document in XML without a PAdES signature (it comes sealed by the finance software)', async () => {
    const xml = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<DocumentBudgetaire><Id>budget-2026-${Date.now()}</Id></DocumentBudgetaire>\n`,
    );
    const base = actRecord({ numero: 'BP2026_XML', actFile: xml, signed: false });
    const act = {
      ...base,
      draft: {
        ...base.draft,
        codeNatureActe: 5,
        matieres: [7, 1],
        objet: 'Budget primitif 2026',
        act: { ...base.draft.act, fileName: 'budget.xml', kind: 'xml' as const, typology: '99_BU' },
      },
      actFile: storedFile(xml, 'budget.xml', 'application/xml'),
    };
    expect(await upload(hub.app, a.secretaireToken, xml)).toBe(204);
    expect((await push(hub.app, a.maireToken, [upsertAct(act)]))[0]!.status).toBe('applied');
    const r = await transmit(a.maireToken, act.id);
    if (r.status === 'rejected') throw new Error(JSON.stringify(r.reason));
    expect(await pulledStatus(hub.app, a.maireToken, act.id)).toMatchObject({ state: 'en_attente' });
  });

  it('refuses while a file is not complete on the hub', async () => {
    const act = await draftOnHub({ numero: 'NOFILE', actFile: uniquePdf('nofile'), uploadFiles: false });
    const r = await transmit(a.maireToken, act.id);
    expect(r).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(r.status === 'rejected' && r.reason.message).toMatch(/pas encore arrivé en entier/);
  });

  it('refuses a NumeroInterne already used by another act of the commune', async () => {
    const first = await draftOnHub({ numero: 'DUP_1', actFile: uniquePdf('dup-a') });
    expect((await transmit(a.maireToken, first.id)).status).toBe('applied');
    const second = await draftOnHub({ numero: 'DUP_1', actFile: uniquePdf('dup-b') });
    const r = await transmit(a.maireToken, second.id);
    expect(r).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(r.status === 'rejected' && r.reason.message).toMatch(/« DUP_1 » est déjà utilisé/);
    // A transmitted act's record cannot be deleted by a push...
    const firstVersion = (await pullAll(hub.app, a.maireToken)).find((x) => x.collection === 'acts.acts' && x.id === first.id)!.version;
    expect(
      (
        await push(hub.app, a.secretaireToken, [{ kind: 'delete', collection: 'acts.acts', recordId: first.id, baseVersion: firstVersion }])
      )[0],
    ).toMatchObject({ status: 'rejected', reason: { message: 'Un acte signé ou transmis ne peut pas être supprimé.' } });
    // ...and even if it were gone (written straight into the store), the number stays taken: it was transmitted.
    await hub.db.transaction().execute(async (trx) => {
      await lockCommune(trx, a.communeId);
      await writeRecords(trx, a.communeId, 'acts.acts', [{ id: first.id, json: null }]);
    });
    const again = await transmit(a.maireToken, second.id);
    expect(again.status === 'rejected' && again.reason.message).toMatch(/« DUP_1 » a déjà été transmis/);
  });

  it('refuses a draft the shared rules reject (classification version not current)', async () => {
    const act = await draftOnHub({ numero: 'OLDCLASS', actFile: uniquePdf('oldclass'), classificationDateVersion: '2010-01-01' });
    const r = await transmit(a.maireToken, act.id);
    expect(r.status === 'rejected' && r.reason.message).toMatch(/n'est pas à jour/);
  });

  it('lets only a role with actes.transmit transmit, only with the service on', async () => {
    const act = await draftOnHub({ numero: 'ROLE_1', actFile: uniquePdf('role') });
    expect(await transmit(a.secretaireToken, act.id)).toMatchObject({ status: 'rejected', reason: { code: 'forbidden' } });
    // The consultation role may write nothing: its push is refused as a whole, before the body is read.
    const consultation = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { authorization: `Bearer ${a.consultationToken}` },
      payload: { mutations: [command(TRANSMIT_COMMAND, { actId: act.id })] },
    });
    expect(consultation.statusCode).toBe(403);
    expect(consultation.json().code).toBe('forbidden');
    const [r] = await push(hub.app, off.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]);
    expect(r).toMatchObject({ status: 'rejected', reason: { code: 'service_not_enabled' } });
  });

  it('never lets a client write actes.status or actes.classification', async () => {
    const act = await draftOnHub({ numero: 'FORGE', actFile: uniquePdf('forge') });
    for (const collection of ['acts.status', 'acts.classification']) {
      const [r] = await push(hub.app, a.maireToken, [
        { kind: 'upsert', collection, recordId: act.id, baseVersion: null, data: { actId: act.id, state: 'acquitte' } },
      ]);
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'forbidden' } });
    }
    expect((await pullAll(hub.app, a.maireToken)).some((x) => x.collection === 'acts.status' && x.id === act.id)).toBe(false);
  });

  it('refuses to cancel an act the prefecture has not acknowledged', async () => {
    const act = await draftOnHub({ numero: 'CANCEL_1', actFile: uniquePdf('cancel') });
    expect((await transmit(a.maireToken, act.id)).status).toBe('applied');
    const [r] = await push(hub.app, a.maireToken, [command(CANCEL_COMMAND, { actId: act.id })]);
    expect(r).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
  });
});
