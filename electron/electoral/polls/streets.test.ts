import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateReuRows, renderReuCsv } from '../../../shared/electoral/synthetic.js';
import { GuichetError } from '../../../shared/errors.js';
import { createStandaloneContext, type StandaloneContext } from '../../core/test-context.js';
import { createElectoralModule, type ElectoralModule } from '../module.js';
import { asWindows1252, utf8Bytes } from '../reu-variants.js';

let dir: string;
let sc: StandaloneContext;
let mod: ElectoralModule;
const h = () => mod.handlers;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-streets-'));
  sc = createStandaloneContext({ dataDir: dir, now: () => new Date('2026-12-06T09:00:00Z'), role: 'secretaire' });
  mod = createElectoralModule(sc.ctx);
  const rows = generateReuRows({ seed: 7, count: 300, inseeCode: '10387', communeName: 'Troyes' });
  const preview = await h()['electoral:import-preview']({
    fileName: 'com10387_electeurs_actifs_02-12-2026.csv',
    content: utf8Bytes(renderReuCsv(rows)),
  });
  await h()['electoral:import-commit']({ previewId: preview.previewId });
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(fn: () => unknown): Promise<GuichetError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GuichetError);
    return e as GuichetError;
  }
  throw new Error('expected a refusal');
}

const streetOutbox = () =>
  sc.outbox
    .list()
    .map((c) => c.entry)
    .filter((e) => e.kind !== 'command' && e.collection === 'electoral.streets');

describe('street table of the découpage on the PC', () => {
  it('imports a CSV as the secretary saves it, queues every line, and the lookup answers from it first', async () => {
    const csv = [
      'Voie;Début;Fin;Parité;Bureau',
      'Rue de la République;1;41;impairs;0001',
      'Rue de la République;43;;impairs;2',
      'Rue de la République;2;60;pairs;0003',
      'Place de la Mairie;;;;0001',
    ].join('\r\n');
    const res = await h()['electoral:import-streets']({ fileName: 'decoupage.csv', content: asWindows1252(csv) });
    expect(res).toEqual({ lines: 4, replaced: 0 });
    const lines = await h()['electoral:streets'](null);
    expect(lines.map((l) => [l.street, l.from, l.to, l.parity, l.bureauCode, l.pending])).toEqual([
      ['Place de la Mairie', null, null, 'toutes', '0001', true],
      ['Rue de la République', 1, 41, 'impairs', '0001', true],
      ['Rue de la République', 2, 60, 'pairs', '0003', true],
      ['Rue de la République', 43, null, 'impairs', '0002', true],
    ]);
    expect(streetOutbox().map((e) => e.kind)).toEqual(['upsert', 'upsert', 'upsert', 'upsert']);

    const found = await h()['electoral:bureau-lookup']({ address: '45 av. de la republique' });
    expect(found).toEqual([]); // an avenue is not the rue: the table says nothing, and no elector lives there
    const rue = await h()['electoral:bureau-lookup']({ address: '45 r. de la république' });
    expect(rue).toHaveLength(1);
    expect(rue[0]).toMatchObject({
      bureauCode: '0002',
      source: 'decoupage',
      electors: 0,
      line: 'Rue de la République, numéros impairs du 43',
    });

    // A voie the table does not know: the electors living there answer, as before.
    const elector = (await h()['electoral:search']({ query: '', limit: 5 })).items[0]!;
    const fiche = await h()['electoral:elector']({ id: elector.id });
    const fallback = await h()['electoral:bureau-lookup']({ address: fiche.elector.address.street! });
    expect(fallback[0]).toMatchObject({ source: 'electeurs', line: null });
    expect(fallback.map((m) => m.bureauCode)).toContain(fiche.elector.bureau.code);
  });

  it('refuses a bad file whole (its line said), an overlapping line, and edits a line in place', async () => {
    const bad = await refusal(() =>
      h()['electoral:import-streets']({
        fileName: 'd.csv',
        content: utf8Bytes('voie;debut;fin;parite;bureau\nRue A;1;9;impairs;0001\nRue A;40;2;pairs;0002\n'),
      }),
    );
    expect(bad.message).toBe('Ligne 3 : Voie « Rue A » : le dernier numéro (2) précède le premier (40).');
    const overlap = await refusal(() =>
      h()['electoral:import-streets']({
        fileName: 'd.csv',
        content: utf8Bytes('voie;debut;fin;parite;bureau\nRue A;1;9;toutes;0001\nRue A;5;20;toutes;0002\n'),
      }),
    );
    expect(overlap.message).toBe('Voie « Rue A » : des numéros sont attribués à deux bureaux (0001 et 0002) ; corrigez les plages.');
    const noColumn = await refusal(() =>
      h()['electoral:import-streets']({ fileName: 'd.csv', content: utf8Bytes('rue;debut\nRue A;1\n') }),
    );
    expect(noColumn.message).toMatch(/^La colonne « bureau » manque/);
    expect(await h()['electoral:streets'](null)).toEqual([]);
    expect(streetOutbox()).toEqual([]);

    const a = await h()['electoral:save-street']({ id: null, street: 'Rue A', from: 1, to: 9, parity: 'impairs', bureauCode: '0001' });
    const clash = await refusal(() =>
      h()['electoral:save-street']({ id: null, street: 'rue a', from: 3, to: 3, parity: 'toutes', bureauCode: '0002' }),
    );
    expect(clash.message).toContain('attribués à deux bureaux');
    await h()['electoral:save-street']({ ...a, id: a.id, to: 21 });
    expect((await h()['electoral:streets'](null)).map((l) => l.to)).toEqual([21]);
    // Not acknowledged by the hub yet: cannot be taken back (a delete names the hub's version).
    const early = await refusal(() => h()['electoral:delete-street']({ id: a.id }));
    expect(early.message).toMatch(/pas encore été envoyée au serveur/);
  });
});
