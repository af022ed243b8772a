import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sortKeyOf } from '../../../shared/electoral/normalize.js';
import { generateReuRows, renderReuCsv } from '../../../shared/electoral/synthetic.js';
import { REU_EXTRACT_COLUMNS } from '../../../shared/electoral/reu-columns.js';
import { GuichetError } from '../../../shared/errors.js';
import { createStandaloneContext, type StandaloneContext } from '../../core/test-context.js';
import { createElectoralModule, type ElectoralModule } from '../module.js';
import { utf8Bytes } from '../reu-variants.js';
import { CARD_PAQUET_LABELS } from '../../../shared/electoral/polls-ipc.js';
import { makeDemand } from '../../../hub-server/electoral/test-fixtures.js';
import { electorOf, type ElectorRow } from '../elector-store.js';
import { createDemandStore } from '../record-stores.js';
import { printsDir } from './pdf-print.js';
import { ageOn, estimatedOffice } from './print-cards.js';

let dir: string;
let sc: StandaloneContext;
let mod: ElectoralModule;
const h = () => mod.handlers;

/** 2 000 electors on 3 bureaux, with the INE column the REU gives on request (the list extracts lack it). */
async function importList() {
  const rows = generateReuRows({ seed: 11, count: 2000, inseeCode: '10387', communeName: 'Troyes' });
  rows.forEach((r, i) => {
    r.ine = String(400000000 + i);
  });
  const csv = renderReuCsv(rows, ['ine', ...REU_EXTRACT_COLUMNS]);
  const preview = await h()['electoral:import-preview']({ fileName: 'com10387_electeurs_actifs_02-12-2026.csv', content: utf8Bytes(csv) });
  await h()['electoral:import-commit']({ previewId: preview.previewId });
}

const printed = () => (existsSync(printsDir(dir)) ? readdirSync(printsDir(dir)) : []);
const pdfText = (file: string) =>
  execFileSync('pdftotext', ['-layout', join(printsDir(dir), file), '-'], { maxBuffer: 1 << 28 }).toString();
const pdfPages = (file: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(printsDir(dir), file)]).toString())![1]);

async function refusal(fn: () => unknown): Promise<GuichetError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GuichetError);
    return e as GuichetError;
  }
  throw new Error('expected a refusal');
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-prints-'));
  sc = createStandaloneContext({ dataDir: dir, now: () => new Date('2026-12-06T09:00:00Z') });
  mod = createElectoralModule(sc.ctx);
  await importList();
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('prints', () => {
  it('prints the émargement of one bureau in alphabetical order, with its procurations, streamed with progress', async () => {
    const poll = await h()['electoral:create-poll']({ kind: 'municipales', label: 'Élections municipales', date: '2027-03-14' });
    const bureaux = await h()['electoral:bureaux'](null);
    const b = bureaux[1];
    expect(b.electors).toBeGreaterThan(300);
    const first = (await h()['electoral:search']({ query: '', limit: 500 })).items.find((e) => e.bureauCode === b.code)!;
    await h()['electoral:add-procuration']({
      bureauCode: b.code,
      mandant: { name: `${first.birthName} ${first.firstNames}`, ine: null, electorId: first.id },
      mandataire: { name: 'PROCURA Jean', ine: '999999999' },
      validFrom: '2027-01-01',
      validTo: '2027-12-31',
      authority: 'Commissariat de Troyes',
      keyedIntoReu: false,
    });
    const res = await h()['electoral:print']({ kind: 'emargement', pollId: poll.id, bureauCode: b.code, order: 'alpha' });
    expect(res.items).toBe(b.electors);
    expect(pdfPages(res.fileName)).toBe(res.pages);
    expect(res.pages).toBeGreaterThan(b.electors / 25);
    expect(statSync(join(printsDir(dir), res.fileName)).mode & 0o777).toBe(0o600);

    const text = pdfText(res.fileName);
    expect(text).toContain(`Liste d’émargement — Élections municipales du 14/03/2027`);
    expect(text).toMatch(/Procuration à\s*\n\s*.*PROCURA Jean/);
    // One line per elector: numéro, NAME Prénoms, birth date; the names follow the folded alphabetical order.
    const names = [...text.matchAll(/^\s*(?:\d+|—)\s{2,}(.+?)\s+(?:\d\d|00)\/\d\d\/\d{4}/gm)].map((m) => m[1]);
    expect(names.length).toBe(b.electors);
    // Sorted by birth name (the usage name in brackets and the first names follow it on the line).
    const birthName = (n: string) => {
      const words = n.replace(/\s*\(.*?\)/, '').split(' ');
      return words
        .slice(
          0,
          Math.max(
            1,
            words.findIndex((w) => w !== w.toUpperCase()),
          ),
        )
        .join(' ');
    };
    const keys = names.map((n) => sortKeyOf(birthName(n)));
    expect(keys).toEqual([...keys].sort());
    expect(text).toContain(`Liste arrêtée à ${b.electors} électeurs`);

    const progress = sc.events.filter((e) => e.event === 'electoral:print-progress').map((e) => e.payload as { done: number });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.done).toBe(b.electors);
  });

  it('prints the cards with the R.23 content, only once per paquet, and refuses without the bureau address', async () => {
    const bureaux = await h()['electoral:bureaux'](null);
    const e = await refusal(() => h()['electoral:print']({ kind: 'cartes', bureauCode: null, paquet: 'nouvelles', layout: 'a4x4' }));
    expect(e.message).toMatch(/^La carte doit indiquer le lieu du bureau de vote \(R\.23\)/);
    expect(printed()).toEqual([]);
    for (const b of bureaux)
      await h()['electoral:save-bureau']({ id: b.code, label: `École ${b.code}`, address: `${b.code} place de la Mairie, Troyes` });

    const b = bureaux[0];
    const res = await h()['electoral:print']({ kind: 'cartes', bureauCode: b.code, paquet: 'nouvelles', layout: 'a4x4' });
    expect(res.items).toBe(b.electors);
    expect(pdfPages(res.fileName)).toBe(Math.ceil(b.electors / 4));
    const text = pdfText(res.fileName);
    for (const field of [
      'CARTE ÉLECTORALE',
      'Nom de naissance',
      'Prénoms',
      'Date de naissance',
      'Domicile',
      'Bureau de vote',
      'Lieu du bureau de vote',
    ])
      expect(text).toContain(field);
    expect(text).toMatch(/Identifiant national d’électeur \(INE\)\s+4000\d{5}/);
    expect(text).toContain(`${b.code} place de la Mairie, Troyes`);
    // EU electors carry their nationality instead of the INE.
    if (/Liste complémentaire/.test(text)) expect(text).toContain('Nationalité');

    // The same paquet again: nothing new to print, a clear message and no file.
    const before = printed().length;
    const again = await refusal(() => h()['electoral:print']({ kind: 'cartes', bureauCode: b.code, paquet: 'nouvelles', layout: 'a4x4' }));
    expect(again.message).toMatch(/^Aucune carte à imprimer/);
    expect(printed().length).toBe(before);
    const a4x2 = await h()['electoral:print']({
      kind: 'cartes',
      bureauCode: b.code,
      paquet: 'refonte',
      layout: 'a4x2',
      markPrinted: false,
    });
    expect(pdfPages(a4x2.fileName)).toBe(Math.ceil(b.electors / 2));
  });

  it('prints the estimated « office » paquet: young electors of the main list, not those who came by a demand', async () => {
    const bureaux = await h()['electoral:bureaux'](null);
    for (const b of bureaux) await h()['electoral:save-bureau']({ id: b.code, label: `École ${b.code}`, address: `${b.code} place` });
    const all = (sc.ctx.db.prepare('SELECT * FROM electors').all() as ElectorRow[]).map(electorOf);
    const young = all.filter((e) => e.listType === 'LP' && ageOn(e.birthDate, '2026-12-06') <= 19);
    expect(young.length).toBeGreaterThan(5);
    // One of them came by an inscription demand of the mairie, matched in an extract: not inscribed d'office.
    const byDemand = young[0]!;
    createDemandStore(sc.ctx.db).put(
      makeDemand({
        status: 'acceptee',
        reuTransmittedDate: '2026-11-30',
        reconciliation: { importId: 'imp', on: '2026-12-02', electorId: byDemand.id, method: 'identite' },
      }),
      1,
    );
    const res = await h()['electoral:print']({ kind: 'cartes', bureauCode: null, paquet: 'office', layout: 'a4x4', markPrinted: false });
    expect(res.items).toBe(young.length - 1);
    const text = pdfText(res.fileName).replace(/\s+/g, ' ');
    expect(text).toContain(young[1]!.birthName);
    expect(estimatedOffice(byDemand, '2026-12-06', new Set([byDemand.id]))).toBe(false);
    expect(estimatedOffice(byDemand, '2026-12-06', new Set())).toBe(true);
    // The screen says it is an estimate (the extract has no « inscrit d'office » column).
    expect(CARD_PAQUET_LABELS.office).toMatch(/^Paquet d’office estimé : /);
  });

  it('refuses a print for an empty bureau with a French sentence and writes no file', async () => {
    const poll = await h()['electoral:create-poll']({ kind: 'legislatives', label: 'Législatives', date: '2027-06-13' });
    const e = await refusal(() => h()['electoral:print']({ kind: 'emargement', pollId: poll.id, bureauCode: '0099', order: 'numero' }));
    expect(e.message).toBe('Le bureau 0099 n’a aucun électeur sur la liste de ce poste : il n’y a rien à imprimer.');
    expect(printed()).toEqual([]);
  });

  it('prints the statistics, the labels, the commission file and the procurations register', async () => {
    const stats = await h()['electoral:stats'](null);
    expect(stats.total).toBe(2000);
    expect(stats.byBureau.reduce((n, b) => n + b.men + b.women, 0)).toBeLessThanOrEqual(2000);
    const s = await h()['electoral:print']({ kind: 'statistiques' });
    const st = pdfText(s.fileName);
    expect(st).toContain('Électeurs par bureau et par sexe');
    for (const b of stats.byBureau) expect(st).toContain(`${b.women} F / ${b.men} H`);

    const labels = await h()['electoral:print']({ kind: 'etiquettes', bureauCode: null });
    expect(pdfPages(labels.fileName)).toBe(Math.ceil(2000 / 14));

    const poll = await h()['electoral:create-poll']({ kind: 'municipales', label: 'Municipales', date: '2027-03-14' });
    await h()['electoral:set-commission-date']({ id: poll.id, date: '2027-02-19' });
    const c = await h()['electoral:print']({ kind: 'commission', pollId: poll.id });
    expect(pdfPages(c.fileName)).toBe(3);
    const ct = pdfText(c.fileName);
    expect(ct).toContain('Convocation de la commission de contrôle');
    expect(ct).toContain('19/02/2027');
    expect(ct).toContain('Procès-verbal de la commission de contrôle');
    const t = await refusal(() => h()['electoral:print']({ kind: 'tableau', pollId: poll.id }));
    expect(t.message).toMatch(/le tableau serait vide/);
  });
});

describe('registers on the PC', () => {
  it('refuses a poll in the past, a commission outside J-24..J-21, a communication without commitment, a late L.68 consultation', async () => {
    expect((await refusal(() => h()['electoral:create-poll']({ kind: 'autre', label: 'Partielle', date: '2026-12-05' }))).message).toBe(
      'La date du scrutin est passée : saisissez un scrutin à venir.',
    );
    const poll = await h()['electoral:create-poll']({ kind: 'autre', label: 'Partielle', date: '2026-12-13' });
    expect((await refusal(() => h()['electoral:set-commission-date']({ id: poll.id, date: '2026-12-01' }))).message).toMatch(
      /entre le 24e et le 21e jour/,
    );
    const com = {
      requester: 'Liste Troyes Demain',
      quality: 'candidat',
      date: '2026-12-04',
      extract: 'Liste principale du 02/12/2026',
    } as const;
    expect((await refusal(() => h()['electoral:add-communication']({ ...com, nonCommercialCommitment: false }))).message).toMatch(/L\.37/);
    expect(
      (await refusal(() => h()['electoral:add-communication']({ ...com, date: '2026-12-07', nonCommercialCommitment: true }))).message,
    ).toMatch(/futur/);
    await h()['electoral:add-communication']({ ...com, nonCommercialCommitment: true });
    expect(await h()['electoral:communications'](null)).toHaveLength(1);
    expect(sc.outbox.list().map((q) => q.summary)).toContain('Registre L.37 : communication de la liste');
    const late = await refusal(() =>
      h()['electoral:add-consultation']({ pollId: poll.id, consultant: 'DUPONT Marc', date: '2026-12-06', bureauCode: null }),
    );
    expect(late.message).toMatch(/10 jours qui suivent le scrutin/);
  });

  it('finds the bureau of an address from the electors living there', async () => {
    const [first] = (await h()['electoral:search']({ query: '', limit: 50 })).items;
    const fiche = await h()['electoral:elector']({ id: first.id });
    const street = fiche.elector.address.street;
    if (!street) return;
    const matches = await h()['electoral:bureau-lookup']({ address: street.toLowerCase() });
    expect(matches[0].electors).toBeGreaterThan(0);
    expect(matches.map((m) => m.bureauCode)).toContain(fiche.elector.bureau.code);
  });
});
