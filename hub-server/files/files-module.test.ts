import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import { JUSTIFICATIF_RETENTION_DAYS } from '../../shared/electoral/justificatif-files.js';
import { registry } from '../../shared/domains.js';
import { makeDemand } from '../electoral/test-fixtures.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { retentionOf } from './maintenance.js';
import { expireUnreferencedFiles, fileState, storeCompleteFile } from './store.js';

/**
 * The files module as the domains rely on it: a demand lands only once its justificatifs are on the
 * hub, and the expiry of complete files never removes one a record names or one within its domain's
 * retention (the acts' files never expire). Both backends.
 */
const DAY = 86_400_000;
const pdf = (label: string) => Buffer.from(`%PDF-1.4\n% ${label}\n`);
const shaOf = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(TEST_BACKENDS)('files module (%s)', (backend) => {
  let hub: TestHub;
  let troyes: SeededCommune;
  let mutationId = 1;
  beforeAll(async () => {
    hub = await createTestHub(backend, { files: { purge: false } });
    troyes = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts'] });
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function pushDemand(pieces: string[]) {
    const d = makeDemand();
    d.justificatifs = pieces.map((sha256, i) => ({
      sha256,
      fileName: `piece-${i}.pdf`,
      mime: 'application/pdf',
      size: 100,
      piece: i === 0 ? 'identite' : 'attache',
      addedOn: '2026-11-28',
    }));
    const res = await hub.app.inject({
      method: 'POST',
      url: HUB_ROUTES.syncPush.path,
      headers: { authorization: `Bearer ${troyes.secretaireToken}` },
      payload: {
        mutations: [
          { mutationId: mutationId++, kind: 'upsert', collection: 'electoral.demands', recordId: d.id, baseVersion: null, data: d },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    return res.json().results[0] as { status: string; reason?: { code: string; message: string } };
  }

  it('refuses a demand naming a justificatif the hub does not hold, in French, and takes it once the file is there', async () => {
    const scan = pdf('carte identite scannee');
    const refused = await pushDemand([shaOf(scan), shaOf(pdf('bail'))]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'invalid_input' } });
    expect(refused.reason?.message).toBe(
      "Une pièce jointe n'est pas encore arrivée sur le hub : l'envoi reprendra automatiquement. Si cela se répète, joignez de nouveau le fichier depuis le poste où il a été numérisé.",
    );
    // The same bytes held as an act's file do not count: a justificatif is sent through the electoral routes.
    await storeCompleteFile(hub.db, troyes.communeId, 'acts', scan);
    await storeCompleteFile(hub.db, troyes.communeId, 'electoral', pdf('bail'));
    expect((await pushDemand([shaOf(scan), shaOf(pdf('bail'))])).status).toBe('rejected');
    await storeCompleteFile(hub.db, troyes.communeId, 'electoral', scan);
    expect((await pushDemand([shaOf(scan), shaOf(pdf('bail'))])).status).toBe('applied');
  });

  it('expires only justificatifs no demand names and past their retention; acts files and named pieces stay', async () => {
    const named = pdf('nommee par une demande');
    const oldOrphan = pdf('orpheline ancienne');
    const youngOrphan = pdf('orpheline recente');
    const actFile = pdf('acte ancien');
    const both = pdf('acte et piece');
    for (const b of [named, oldOrphan, youngOrphan, both]) await storeCompleteFile(hub.db, troyes.communeId, 'electoral', b);
    for (const b of [actFile, both]) await storeCompleteFile(hub.db, troyes.communeId, 'acts', b);
    expect((await pushDemand([shaOf(named), shaOf(pdf('bail'))])).status).toBe('applied'); // a deposit needs both pieces
    // Everything was tagged long ago, except the young orphan.
    const now = new Date();
    const longAgo = new Date(now.getTime() - (JUSTIFICATIF_RETENTION_DAYS + 10) * DAY).toISOString();
    await hub.db.updateTable('file_tags').set({ tagged_at: longAgo }).where('commune_id', '=', troyes.communeId).execute();
    await hub.db
      .updateTable('file_tags')
      .set({ tagged_at: new Date(now.getTime() - (JUSTIFICATIF_RETENTION_DAYS - 10) * DAY).toISOString() })
      .where('sha256', '=', shaOf(youngOrphan))
      .execute();

    const expired = await expireUnreferencedFiles(hub.db, retentionOf(registry), { now });
    // The old orphan, and the two synthetic pieces the seeding stored that no demand of this test names.
    expect(expired.files).toBe(3);
    const state = async (b: Buffer, domain?: string) => (await fileState(hub.db, troyes.communeId, shaOf(b), domain))?.complete ?? false;
    expect(await state(oldOrphan)).toBe(false);
    expect(await state(named, 'electoral')).toBe(true);
    expect(await state(youngOrphan, 'electoral')).toBe(true);
    expect(await state(actFile, 'acts')).toBe(true);
    // Sent both ways: the justificatif's tag went, the act's file stays.
    expect(await state(both, 'electoral')).toBe(false);
    expect(await state(both, 'acts')).toBe(true);
    // The synthetic pieces every seeded demand names, and the first test's pieces, are named: still there.
    expect(await state(pdf('bail'), 'electoral')).toBe(true);
    const chunks = await hub.db.selectFrom('file_chunks').select('sha256').where('sha256', '=', shaOf(oldOrphan)).execute();
    expect(chunks).toEqual([]);
    // A second run finds nothing more to do.
    expect(await expireUnreferencedFiles(hub.db, retentionOf(registry), { now })).toEqual({ files: 0, bytes: 0 });
  });
});
