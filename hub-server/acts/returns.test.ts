import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { readRecord } from '../sync/store.js';
import type { ActeRecu } from './actes-format/parse-return.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import type { ActesReturnEvent } from './mailbox/extract-returns.js';
import { applyReturn } from './returns.js';
import { readStatus } from './status.js';
import { actRecord, command, pdf, push, uniquePdf, upload, upsertAct } from './test-support.js';

/** Returns are routed to the right commune's act only, and a mail delivered twice changes nothing more. */
const acteRecu = (numero: string): ActeRecu => ({
  date: '2026-11-20',
  numeroInterne: numero,
  codeNatureActe: 1,
  matieres: [8, 3],
  objet: 'x',
  classificationDateVersion: '2019-04-18',
  document: 'd.pdf',
  annexes: [],
  documentPapier: 'N',
});

describe.each(TEST_BACKENDS)('ACTES returns applied to acts (%s)', (backend) => {
  let hub: TestHub;
  let a: SeededCommune;
  let b: SeededCommune;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    hub = await createTestHub(backend);
    a = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    b = await hub.seedCommune({ insee: '10033', services: ['acts'] });
    for (const [name, c] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const content = uniquePdf(`ret-${name}`);
      const act = actRecord({ numero: 'RET_1', actFile: content });
      expect(await upload(hub.app, c.secretaireToken, content)).toBe(204);
      await push(hub.app, c.maireToken, [upsertAct(act)]);
      expect((await push(hub.app, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');
      ids[name] = act.id;
    }
  });
  afterAll(() => hub?.close());

  const version = async (c: SeededCommune, id: string) => (await readRecord(hub.db, c.communeId, 'acts.status', id))!.version;

  it('an ARActe reaches only the act of the commune it names, and a duplicate mail is harmless', async () => {
    const idActe = '010-211003744-20261120-RET_1-DE';
    const event: ActesReturnEvent = {
      siren: '211003744',
      numeroInterne: 'RET_1',
      idActe,
      type: 'ARActe',
      message: {
        type: 'ARActe',
        code: '1-2',
        idActe,
        dateReception: '2026-11-28',
        acte: acteRecu('RET_1'),
        classificationDateVersionEnCours: '2019-04-18',
        warnings: [],
      },
      files: [{ name: `${idActe}-1-2_1.xml`, content: Buffer.from('<x/>') }],
    };
    expect(await applyReturn(hub.db, event)).toEqual({ applied: true });
    const v = await version(a, ids.a);
    expect(await readStatus(hub.db, a.communeId, ids.a)).toMatchObject({ state: 'acquitte', idActe, dateReception: '2026-11-28' });
    expect(await readStatus(hub.db, b.communeId, ids.b)).toMatchObject({ state: 'en_attente', idActe: null });
    expect(await applyReturn(hub.db, event)).toEqual({ applied: true });
    expect(await version(a, ids.a)).toBe(v);
    // An unknown SIREN touches nothing.
    expect(await applyReturn(hub.db, { ...event, siren: '999999999', idActe: null })).toMatchObject({ applied: false });
  });

  it('an AnomalieEnveloppe finds the transmission by its envelope name and puts the act in error once', async () => {
    await hub.db
      .updateTable('actes_transmissions')
      .set({ archive_name: 'GUI-EACT--211000310--20261128-7.tar.gz', state: 'transmis' })
      .where('act_id', '=', ids.b)
      .execute();
    const event: ActesReturnEvent = {
      siren: '211000310',
      numeroInterne: null,
      idActe: null,
      type: 'AnomalieEnveloppe',
      message: {
        type: 'AnomalieEnveloppe',
        code: 'ANO',
        date: '2026-11-28',
        nature: '003',
        detail: 'Formulaire absent',
        enveloppe: { siren: '211000310', departement: '010', arrondissement: '1', nature: '31', adressesRetour: [], formulaires: [] },
        warnings: [],
      },
      files: [{ name: 'ANO_EACT--211000310--20261128-7.xml', content: Buffer.from('<x/>') }],
    };
    expect(await applyReturn(hub.db, event)).toEqual({ applied: true });
    const s = await readStatus(hub.db, b.communeId, ids.b);
    expect(s).toMatchObject({ state: 'erreur', error: "La préfecture a refusé l'envoi : Formulaire absent" });
    const v = await version(b, ids.b);
    await applyReturn(hub.db, event);
    expect(await version(b, ids.b)).toBe(v);
    expect((await readStatus(hub.db, a.communeId, ids.a))!.state).toBe('acquitte');
  });

  it('a letter is stored once with its document, even when the mail comes twice', async () => {
    const idActe = '010-211003744-20261120-RET_1-DE';
    const event: ActesReturnEvent = {
      siren: '211003744',
      numeroInterne: 'RET_1',
      idActe,
      type: 'CourrierSimple',
      message: { type: 'CourrierSimple', code: '2-1', idActe, dateCourrierPref: '2026-11-28', document: 'courrier.pdf', warnings: [] },
      files: [
        { name: `${idActe}-2-1_9.xml`, content: Buffer.from('<x/>') },
        { name: 'courrier.pdf', content: pdf },
      ],
    };
    await applyReturn(hub.db, event);
    await applyReturn(hub.db, event);
    const letters = (await readStatus(hub.db, a.communeId, ids.a))!.letters;
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      type: '2-1',
      direction: 'recu',
      date: '2026-11-28',
      files: [{ fileName: 'courrier.pdf', mime: 'application/pdf', size: pdf.length }],
    });
    expect((await readStatus(hub.db, b.communeId, ids.b))!.letters).toEqual([]);
  });
});
