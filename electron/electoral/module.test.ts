import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ElectorSummary } from '../../shared/electoral/types.js';
import { generateReuRows, renderReuCsv, type ReuRow } from '../../shared/electoral/synthetic.js';
import { GuichetError } from '../../shared/errors.js';
import { createElectoralModule, PREVIEW_TTL_MS, type ElectoralModule } from './module.js';
import { asWindows1252, truncated, utf8Bytes } from './reu-variants.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';

const OPTS = { seed: 7, count: 600, inseeCode: '10387', communeName: 'Troyes' };
const FILE = 'com10387_electeurs_actifs_02-03-2026.csv';

let dir: string;
let sc: StandaloneContext;
let mod: ElectoralModule;
let clock: Date;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-electoral-'));
  clock = new Date('2026-03-05T09:00:00Z');
  sc = createStandaloneContext({ dataDir: dir, now: () => clock });
  mod = createElectoralModule(sc.ctx);
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

const h = () => mod.handlers;

async function importBytes(bytes: Uint8Array, fileName = FILE) {
  const preview = await h()['electoral:import-preview']({ fileName, content: bytes });
  const record = await h()['electoral:import-commit']({ previewId: preview.previewId });
  return { preview, record };
}

async function search(query: string, extra: { listType?: 'LP' | 'LCM' | 'LCE' | null; offset?: number; limit?: number } = {}) {
  return h()['electoral:search']({ query, ...extra });
}

async function expectRefused(fn: () => unknown, code: string): Promise<GuichetError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GuichetError);
    expect((err as GuichetError).code).toBe(code);
    return err as GuichetError;
  }
  throw new Error('expected a refusal');
}

const names = (items: ElectorSummary[]) => items.map((i) => `${i.birthName} ${i.firstNames}`);

describe('REU import', () => {
  it('keeps the PC busy for the whole import (an update never restarts it meanwhile), idle after', async () => {
    const busyAtProgress: string[][] = [];
    const emit = sc.ctx.emit;
    sc.ctx.emit = (event, payload) => {
      if (event === 'electoral:import-progress') busyAtProgress.push(sc.ctx.busy.current().map((b) => b.kind));
      emit(event, payload);
    };
    const running = h()['electoral:import-preview']({ fileName: FILE, content: utf8Bytes(renderReuCsv(generateReuRows(OPTS))) });
    expect(sc.ctx.busy.isBusy()).toBe(true);
    const preview = await running;
    expect(sc.ctx.busy.isBusy()).toBe(false);
    await h()['electoral:import-commit']({ previewId: preview.previewId });
    expect(sc.ctx.busy.isBusy()).toBe(false);
    expect(busyAtProgress.length).toBeGreaterThan(2);
    expect(busyAtProgress.every((kinds) => kinds.length === 1 && kinds[0] === 'import')).toBe(true);
  });

  it('previews with progress, commits the whole list with its import record and the outbox command in one go', async () => {
    const rows = generateReuRows(OPTS);
    const { preview, record } = await importBytes(utf8Bytes(renderReuCsv(rows)));
    expect(preview).toMatchObject({ total: 600, encoding: 'utf-8', extractDate: '2026-03-02', alreadyImported: false });
    expect(preview.diff).toEqual({ added: 600, removed: 0, changedBureau: 0, changedAddress: 0 });
    expect(preview.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    const phases = sc.events.filter((e) => e.event === 'electoral:import-progress').map((e) => (e.payload as { phase: string }).phase);
    expect([...new Set(phases)]).toEqual(['lecture', 'controle', 'comparaison', 'enregistrement']);

    expect(record).toMatchObject({ fileName: FILE, importedBy: 'Claire Agent', extractDate: '2026-03-02', fileSha256: preview.fileSha256 });
    expect(record.counts.LP + record.counts.LCM + record.counts.LCE).toBe(600);
    expect((await search('')).total).toBe(600);
    expect(await h()['electoral:imports'](null)).toEqual([record]);

    const queued = sc.outbox.list();
    expect(queued).toHaveLength(1);
    const entry = queued[0].entry as { kind: string; name: string; payload: { import: unknown; electors: unknown[] } };
    expect(entry).toMatchObject({ kind: 'command', name: 'electoral.import' });
    expect(entry.payload.import).toEqual(record);
    expect(entry.payload.electors).toHaveLength(600);
    expect(queued[0].summary).toBe('Import de la liste électorale (600 électeurs)');
    expect(sc.syncRequests()).toBe(1);

    const again = await h()['electoral:import-preview']({ fileName: FILE, content: utf8Bytes(renderReuCsv(rows)) });
    expect(again.alreadyImported).toBe(true);
    expect(again.diff).toEqual({ added: 0, removed: 0, changedBureau: 0, changedAddress: 0 });
  });

  it('shows what a second extract changes (moved bureau, new address, gone, new) and applies it', async () => {
    const rows = generateReuRows(OPTS);
    await importBytes(utf8Bytes(renderReuCsv(rows)));
    const find = (birthName: string, firstNames: string) => rows.findIndex((r) => r.birthName === birthName && r.firstNames === firstNames);
    const next: ReuRow[] = rows.map((r) => ({ ...r }));
    const moved = find('DE LA FONTAINE', 'Jeanne Hélène');
    const newBureau = next[moved].bureauCode === '0001' ? '0002' : '0001';
    next[moved].bureauCode = newBureau;
    const rehoused = find('THÉRY', 'Hélène Noëlle Zoé Anaïs');
    next[rehoused].streetNumber = '99';
    next[rehoused].streetLabel = 'RUE DES VIGNES';
    const gone = find("D'ARTAGNAN", 'Charles Ogier');
    next.splice(gone, 1);
    next.push({ ...rows[1], birthName: 'NOUVEL', usageName: '', firstNames: 'Arrivant', birthDate: '01/01/2000' });

    const preview = await h()['electoral:import-preview']({
      fileName: 'com10387_electeurs_actifs_02-04-2026.csv',
      content: utf8Bytes(renderReuCsv(next)),
    });
    expect(preview.diff).toEqual({ added: 1, removed: 1, changedBureau: 1, changedAddress: 1 });
    const page = await h()['electoral:import-diff']({ previewId: preview.previewId, offset: 0, limit: 10 });
    expect(page.total).toBe(4);
    expect(page.items.map((i) => [i.change, i.label])).toEqual([
      ['added', 'NOUVEL Arrivant (01/01/2000)'],
      ['removed', "D'ARTAGNAN Charles Ogier (00/00/1943)"],
      ['bureau', 'DE LA FONTAINE Jeanne Hélène (14/07/1951)'],
      ['address', 'THÉRY Hélène Noëlle Zoé Anaïs (29/02/1964)'],
    ]);
    expect(page.items[3]).toMatchObject({
      before: expect.stringMatching(/^3 RUE DES ÉCOLES/),
      after: expect.stringMatching(/^99 RUE DES VIGNES/),
    });
    expect((await h()['electoral:import-diff']({ previewId: preview.previewId, offset: 3, limit: 10 })).items).toHaveLength(1);

    const record = await h()['electoral:import-commit']({ previewId: preview.previewId });
    expect(record.diff).toEqual(preview.diff);
    expect((await search('dartagnan')).total).toBe(0);
    expect(names((await search('nouvel')).items)).toEqual(['NOUVEL Arrivant']);
    const fontaine = (await search('lafontaine')).items[0];
    expect(fontaine.bureauCode).toBe(newBureau);
    const fiche = await h()['electoral:elector']({ id: fontaine.id });
    expect(fiche.elector.bureau.code).toBe(newBureau);
    expect((await search('')).total).toBe(600);
    expect((await h()['electoral:imports'](null)).map((i) => i.id)).toContain(record.id);
  });

  it('refuses an import removing much of the list unless the commit confirms it, and says how many leave', async () => {
    const rows = generateReuRows(OPTS);
    const first = await h()['electoral:import-preview']({ fileName: FILE, content: utf8Bytes(renderReuCsv(rows)) });
    expect(first.removal).toEqual({ currentTotal: 0, removed: 0, share: 0, massRemoval: false }); // a first import removes no one
    await h()['electoral:import-commit']({ previewId: first.previewId });

    const few = await h()['electoral:import-preview']({
      fileName: 'com10387_electeurs_actifs_02-04-2026.csv',
      content: utf8Bytes(renderReuCsv(rows.slice(0, 30))),
    });
    expect(few.removal).toMatchObject({ currentTotal: 600, removed: 570, massRemoval: true });
    expect(few.removal.share).toBeCloseTo(0.95);
    const e = await expectRefused(() => h()['electoral:import-commit']({ previewId: few.previewId }), 'confirmation_required');
    expect(e.message).toBe(
      'Cet import retirerait 570 électeurs sur 600 (95 % de la liste) : vérifiez le fichier, puis confirmez explicitement ce retrait.',
    );
    await expectRefused(
      () => h()['electoral:import-commit']({ previewId: few.previewId, confirmMassRemoval: false }),
      'confirmation_required',
    );
    expect((await search('')).total).toBe(600);
    expect(sc.outbox.list()).toHaveLength(1); // only the first import is queued

    const record = await h()['electoral:import-commit']({ previewId: few.previewId, confirmMassRemoval: true });
    expect(record.diff.removed).toBe(570);
    expect((await search('')).total).toBe(30);
  });

  it('lets a routine import (a few removed) through without confirmation', async () => {
    const rows = generateReuRows(OPTS);
    await importBytes(utf8Bytes(renderReuCsv(rows)));
    const next = await h()['electoral:import-preview']({
      fileName: 'com10387_electeurs_actifs_02-04-2026.csv',
      content: utf8Bytes(renderReuCsv(rows.slice(0, 570))), // 30 of 600 = 5 %
    });
    expect(next.removal).toMatchObject({ removed: 30, massRemoval: false });
    expect((await h()['electoral:import-commit']({ previewId: next.previewId })).diff.removed).toBe(30);
  });

  it('refuses a truncated file whole, keeps the previous list, and logs no names', async () => {
    const rows = generateReuRows(OPTS);
    await importBytes(utf8Bytes(renderReuCsv(rows)));
    const other = generateReuRows({ ...OPTS, seed: 8, count: 300 });
    const e = await expectRefused(
      () => h()['electoral:import-preview']({ fileName: FILE, content: truncated(renderReuCsv(other), 0.5) }),
      'import_rejected',
    );
    expect(e.message).toMatch(/^Ligne \d+ : /);
    expect((await search('')).total).toBe(600);
    const log = readFileSync(sc.logFile, 'utf8');
    expect(log).toContain('REU extract refused');
    for (const r of [...rows, ...other].slice(0, 300)) expect(log).not.toContain(r.birthName);
  });

  it('rolls the whole import back when the commit fails midway', async () => {
    const rows = generateReuRows(OPTS);
    const first = await importBytes(utf8Bytes(renderReuCsv(rows)));
    const smaller = rows.slice(0, 200);
    const preview = await h()['electoral:import-preview']({ fileName: 'b.csv', content: utf8Bytes(renderReuCsv(smaller)) });
    // The import's outbox row is the last write of its transaction (its payload comes pre-serialised).
    const enqueue = sc.ctx.outbox.enqueueCommandJson;
    sc.ctx.outbox.enqueueCommandJson = () => {
      throw new Error('disk full');
    };
    await expect(async () => h()['electoral:import-commit']({ previewId: preview.previewId, confirmMassRemoval: true })).rejects.toThrow(
      'disk full',
    );
    sc.ctx.outbox.enqueueCommandJson = enqueue;
    expect((await search('')).total).toBe(600);
    expect((await search('bernard jean pierre')).total).toBeGreaterThanOrEqual(3);
    expect(await h()['electoral:imports'](null)).toEqual([first.record]);
    expect(sc.outbox.count()).toBe(1);
  });

  it("re-imports over a synced list keeping each known elector's hub version, and leaves no staging file behind", async () => {
    const rows = generateReuRows(OPTS);
    await importBytes(utf8Bytes(renderReuCsv(rows)));
    // The hub acknowledged the list: every elector has a version.
    sc.db.prepare('UPDATE electors SET version = rid % 1000 + 1').run();
    const before = new Map(
      (sc.db.prepare('SELECT id, version FROM electors').all() as { id: string; version: number }[]).map((r) => [r.id, r.version]),
    );
    const next = [...rows.slice(0, 550), ...generateReuRows({ ...OPTS, seed: 99, count: 30 })];
    const cancelled = await h()['electoral:import-preview']({ fileName: FILE, content: utf8Bytes(renderReuCsv(rows.slice(0, 10))) });
    await h()['electoral:import-cancel']({ previewId: cancelled.previewId });
    const { preview } = await importBytes(utf8Bytes(renderReuCsv(next)));
    expect(preview.diff).toMatchObject({ added: 30, removed: 50 });
    const after = sc.db.prepare('SELECT id, version FROM electors').all() as { id: string; version: number | null }[];
    expect(after).toHaveLength(580);
    for (const r of after) expect(r.version).toBe(before.get(r.id) ?? null);
    expect(after.filter((r) => r.version === null)).toHaveLength(30);
    expect(readdirSync(dir).filter((f) => f.includes('-import-'))).toEqual([]);
  });

  it('lets the event loop run while a large file is read (progress reaches the screen)', async () => {
    const content = utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 12_000 })));
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const preview = await h()['electoral:import-preview']({ fileName: FILE, content });
    clearInterval(timer);
    expect(preview.total).toBe(12_000);
    expect(turns).toBeGreaterThan(0);
    const checks = sc.events
      .filter((e) => (e.payload as { phase: string }).phase === 'controle')
      .map((e) => (e.payload as { done: number }).done);
    expect(checks).toEqual([5000, 10000, 12000]);
  });

  it("commits a large import with SQLite's automatic checkpoint off (the import worker copies the WAL), and turns it back on", async () => {
    const autocheckpoint = () => sc.db.pragma('wal_autocheckpoint', { simple: true });
    const rows = generateReuRows({ ...OPTS, count: 6000 });
    let during: unknown = null;
    const enqueue = sc.ctx.outbox.enqueueCommandJson;
    sc.ctx.outbox.enqueueCommandJson = (c) => {
      during = autocheckpoint();
      return enqueue(c);
    };
    await importBytes(utf8Bytes(renderReuCsv(rows)));
    expect(during).toBe(0);
    expect(autocheckpoint()).toBe(1000);
    expect((await search('')).total).toBe(6000);
    // A commit that fails gives the setting back too.
    const preview = await h()['electoral:import-preview']({ fileName: FILE, content: utf8Bytes(renderReuCsv(rows.slice(0, 5500))) });
    sc.ctx.outbox.enqueueCommandJson = () => {
      throw new Error('disk full');
    };
    await expect(async () => h()['electoral:import-commit']({ previewId: preview.previewId })).rejects.toThrow('disk full');
    sc.ctx.outbox.enqueueCommandJson = enqueue;
    expect(autocheckpoint()).toBe(1000);
    expect((await search('')).total).toBe(6000);
  });

  it('imports a Windows-1252 re-save with correct accents', async () => {
    await importBytes(asWindows1252(renderReuCsv(generateReuRows(OPTS))));
    const thery = (await search('thery helene noelle')).items.find((i) => i.birthName === 'THÉRY')!;
    expect(thery.firstNames).toBe('Hélène Noëlle Zoé Anaïs');
  });

  it('forgets a preview after 30 minutes or when cancelled', async () => {
    const content = utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 50 })));
    const p1 = await h()['electoral:import-preview']({ fileName: FILE, content });
    clock = new Date(clock.getTime() + PREVIEW_TTL_MS + 1000);
    const e = await expectRefused(() => h()['electoral:import-commit']({ previewId: p1.previewId }), 'not_found');
    expect(e.message).toMatch(/expiré/);
    const p2 = await h()['electoral:import-preview']({ fileName: FILE, content });
    await h()['electoral:import-cancel']({ previewId: p2.previewId });
    await expectRefused(() => h()['electoral:import-commit']({ previewId: p2.previewId }), 'not_found');
    expect((await search('')).total).toBe(0);
  });

  it("refuses another commune's extract", async () => {
    const rows = generateReuRows({ ...OPTS, count: 20, inseeCode: '10033', communeName: 'Bar-sur-Aube' });
    const e = await expectRefused(
      () => h()['electoral:import-preview']({ fileName: 'com10033_LP_01-03-2026.csv', content: utf8Bytes(renderReuCsv(rows)) }),
      'import_rejected',
    );
    expect(e.message).toBe(
      'Cet extrait est celui de la commune 10033, pas de Troyes (10387) : vérifiez le fichier téléchargé depuis le REU.',
    );
  });

  it('refuses to commit a preview made in the session of another commune (the PC switched commune meanwhile)', async () => {
    const preview = await h()['electoral:import-preview']({
      fileName: FILE,
      content: utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 20 }))),
    });
    const troyes = sc.ctx.session;
    sc.ctx.session = () => ({
      ...troyes(),
      commune: {
        kind: 'commune',
        insee: '10033',
        siren: '211000336',
        name: 'Bar-sur-Aube',
        arrondissement: '103',
        members: [],
        services: ['electoral'],
      },
    });
    const e = await expectRefused(() => h()['electoral:import-commit']({ previewId: preview.previewId }), 'import_rejected');
    expect(e.message).toMatch(/commune/);
    expect(sc.outbox.count()).toBe(0);
    sc.ctx.session = troyes;
    expect((await search('')).total).toBe(0);
  });

  it('lets only roles with the permission import or read', async () => {
    sc.setUser({ role: 'consultation', displayName: 'Conseiller' });
    await expectRefused(() => h()['electoral:import-preview']({ fileName: FILE, content: utf8Bytes('x') }), 'forbidden');
    await expectRefused(() => h()['electoral:search']({ query: '' }), 'forbidden');
    await expectRefused(() => h()['electoral:demands']({ status: null }), 'forbidden');
  });
});

describe('search', () => {
  beforeEach(async () => {
    await importBytes(utf8Bytes(renderReuCsv(generateReuRows(OPTS))));
  });

  it('ignores case, accents, apostrophes, hyphens and particles', async () => {
    for (const q of ['dartagnan', "d'artagnan", 'D ART', 'artag', "D'ARTAGNAN charles"]) {
      expect(names((await search(q)).items), q).toContain("D'ARTAGNAN Charles Ogier");
    }
    for (const q of ['lafontaine', 'la fontaine', 'de la font', 'fontaine jeanne', 'delafontaine']) {
      expect(names((await search(q)).items), q).toContain('DE LA FONTAINE Jeanne Hélène');
    }
    expect(names((await search('legoff')).items)).toContain('LE GOFF Yann');
    expect(names((await search('thery helene')).items)).toEqual(['THÉRY Hélène Noëlle Zoé Anaïs']);
    expect(names((await search('schonberger')).items)).toEqual(['SCHÖNBERGER Jürgen']);
    expect(names((await search('marie therese')).items)).toContain('MARTIN-DUPONT Marie-Thérèse Agnès');
    expect(names((await search('lefevre marie')).items)).toContain('MARTIN-DUPONT Marie-Thérèse Agnès'); // usage name
    expect((await search('zzzz')).total).toBe(0);
  });

  it('shows both homonyms, never one for two', async () => {
    const r = await search('bernard jean pierre');
    const twins = r.items.filter((i) => i.birthName === 'BERNARD' && i.firstNames === 'Jean Pierre' && i.birthDate === '1950-03-12');
    expect(twins).toHaveLength(2);
    expect(twins[0].id).not.toBe(twins[1].id);
  });

  it('finds by birth date, full or partial as the REU writes it, alone or narrowing a name', async () => {
    const rows = generateReuRows(OPTS);
    // What each query should find, read from the file itself (REU dates are JJ/MM/AAAA, 00 when unknown).
    const born = (pred: (d: string, m: string, y: string) => boolean) =>
      rows.filter((r) => pred(...(r.birthDate.split('/') as [string, string, string]))).length;
    const all = async (q: string, listType: 'LCM' | null = null) => (await search(q, { limit: 500, listType })).items;

    expect(names(await all('14/07/1951'))).toContain('DE LA FONTAINE Jeanne Hélène');
    expect((await search('14/07/1951')).total).toBe(born((d, m, y) => d === '14' && m === '07' && y === '1951'));
    for (const q of ['14-07-1951', '14.07.1951', '1951-07-14', ' 14/7/1951 ']) {
      expect(names(await all(q)), q).toContain('DE LA FONTAINE Jeanne Hélène');
    }
    const in1951 = await search('1951', { limit: 500 });
    expect(in1951.total).toBe(born((_d, _m, y) => y === '1951'));
    expect(in1951.items.every((i) => i.birthDate.startsWith('1951-'))).toBe(true);
    // Unknown parts: 00/00/1943 is « born in 1943 », 00/05/1944 « born in May 1944 » (day known or not).
    expect(names(await all('00/00/1943'))).toContain("D'ARTAGNAN Charles Ogier");
    expect((await search('00/00/1943')).total).toBe(born((_d, _m, y) => y === '1943'));
    expect(names(await all('1943'))).toContain("D'ARTAGNAN Charles Ogier");
    expect(names(await all('00/05/1944'))).toContain('LE GOFF Yann');
    expect((await search('00/05/1944')).total).toBe(born((_d, m, y) => m === '05' && y === '1944'));
    expect(names(await all('05/1944'))).toContain('LE GOFF Yann');

    // Combined: the date narrows the homonyms, paging and totals as for a name.
    const bernards = await search('bernard jean pierre');
    expect(bernards.items.filter((i) => i.firstNames === 'Jean Pierre').length).toBeGreaterThanOrEqual(3);
    const born1950 = await search('bernard jean 1950');
    expect(born1950.items.map((i) => i.birthDate)).toEqual(['1950-03-12', '1950-03-12']);
    expect(born1950.total).toBe(2);
    expect((await search('bernard 02/09/1976')).items.map((i) => `${i.firstNames} ${i.birthDate}`)).toEqual(['Jean Pierre 1976-09-02']);
    expect(names(await all('fontaine 14/07/1951'))).toEqual(['DE LA FONTAINE Jeanne Hélène']);
    expect((await search('fontaine 1952')).total).toBe(0);
    const page = await search('1951', { offset: 1, limit: 2 });
    expect(page.items.map((i) => i.id)).toEqual(in1951.items.slice(1, 3).map((i) => i.id));
    expect(page.total).toBe(in1951.total);
    const lcm = await all('1951', 'LCM');
    expect(lcm.every((i) => i.listType === 'LCM' && i.birthDate.startsWith('1951-'))).toBe(true);
    expect(lcm.map((i) => i.id)).toEqual(in1951.items.filter((i) => i.listType === 'LCM').map((i) => i.id));

    // Not dates: a year out of range or an impossible month stays a (matching-nothing) name word.
    expect((await search('1234')).total).toBe(0);
    expect((await search('14/13/1951')).total).toBe(0);

    // A later extract corrects a birth date: the next search sees it.
    const fixed = rows.map((r) => (r.birthName === 'DE LA FONTAINE' ? { ...r, birthDate: '15/07/1951' } : r));
    await importBytes(utf8Bytes(renderReuCsv(fixed)), 'com10387_electeurs_actifs_02-04-2026.csv');
    expect(names(await all('14/07/1951'))).not.toContain('DE LA FONTAINE Jeanne Hélène');
    expect(names(await all('fontaine 15/07/1951'))).toEqual(['DE LA FONTAINE Jeanne Hélène']);
  });

  it('filters by list, pages with a total, orders by birth name then first names', async () => {
    const lce = await search('', { listType: 'LCE' });
    expect(lce.items.every((i) => i.listType === 'LCE')).toBe(true);
    expect(lce.total).toBe(lce.items.length);
    expect(names((await search("o'neill", { listType: 'LCM' })).items)).toEqual(["O'NEILL Siobhan"]);

    const all = await search('', { limit: 500 });
    expect(all.total).toBe(600);
    const page2 = await search('', { offset: 100, limit: 100 });
    expect(page2.items.map((i) => i.id)).toEqual(all.items.slice(100, 200).map((i) => i.id));
    const fold = (s: string) =>
      s
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
    const keys = all.items.map((i) => [fold(i.birthName), fold(i.firstNames)]);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(sorted);

    const martins = await search('mart', { limit: 5 });
    expect(martins.total).toBeGreaterThan(5);
    expect(martins.items).toHaveLength(5);
    const more = await search('mart', { offset: 5, limit: 5 });
    expect(more.items[0].id).not.toBe(martins.items[4].id);
  });
});

describe('demands', () => {
  let electorId: string;
  beforeEach(async () => {
    await importBytes(utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 100 }))));
    electorId = (await search('lafontaine')).items[0].id;
  });

  const changeOfAddress = () => ({
    kind: 'changement_adresse' as const,
    electorId,
    applicant: { birthName: 'DE LA FONTAINE', usageName: 'MARTIN', firstNames: 'Jeanne Hélène', birthDate: '1951-07-14' },
    newAddress: '5 rue des Vignes, 10000 Troyes',
    newBureauCode: null,
    comment: null,
    depositDate: '2026-03-04',
    files: [
      { piece: 'attache' as const, fileName: 'facture.pdf', mime: 'application/pdf' as const, content: utf8Bytes('%PDF-1.4 facture') },
    ],
  });

  it('writes the demand and its outbox change together, and shows it pending on the fiche and in the list', async () => {
    const before = sc.outbox.count();
    const d = await h()['electoral:create-demand'](changeOfAddress());
    expect(d).toMatchObject({ status: 'deposee', createdBy: 'Claire Agent', electorId, createdAtLocal: clock.toISOString() });
    const queued = sc.outbox.entriesFor('electoral.demands', d.id);
    expect(queued).toHaveLength(1);
    expect(queued[0].entry).toMatchObject({ kind: 'upsert', baseVersion: null, data: d });
    expect(d.justificatifs).toMatchObject([{ piece: 'attache', fileName: 'facture.pdf', addedOn: '2026-03-05' }]);
    expect(sc.outbox.count()).toBe(before + 1);
    expect((await h()['electoral:elector']({ id: electorId })).demands).toEqual([d]);
    expect(await h()['electoral:demands']({ status: null })).toEqual([{ ...d, version: null, pending: true }]);
    expect(await h()['electoral:demands']({ status: 'acceptee' })).toEqual([]);
  });

  it('keeps no demand when its outbox write fails', async () => {
    sc.ctx.outbox.enqueue = () => {
      throw new Error('disk full');
    };
    await expect(async () => h()['electoral:create-demand'](changeOfAddress())).rejects.toThrow('disk full');
    expect(await h()['electoral:demands']({ status: null })).toEqual([]);
  });

  it('requires the elector for a change and valid applicant data', async () => {
    const e = await expectRefused(() => h()['electoral:create-demand']({ ...changeOfAddress(), electorId: null }), 'invalid_input');
    expect(e.message).toBe("Choisissez l'électeur concerné par la demande.");
    await expectRefused(() => h()['electoral:create-demand']({ ...changeOfAddress(), electorId: 'e-inconnu' }), 'not_found');
    const identity = {
      piece: 'identite' as const,
      fileName: 'cni.pdf',
      mime: 'application/pdf' as const,
      content: utf8Bytes('%PDF-1.4 cni'),
    };
    const inscription = await h()['electoral:create-demand']({
      ...changeOfAddress(),
      kind: 'inscription',
      electorId: null,
      files: [...changeOfAddress().files, identity],
    });
    expect(inscription.electorId).toBeNull();
  });

  it('lets only the maire accept or refuse; a closed demand stays closed', async () => {
    const d = await h()['electoral:create-demand'](changeOfAddress());
    const e = await expectRefused(() => h()['electoral:set-demand-status']({ id: d.id, status: 'acceptee' }), 'forbidden');
    expect(e.message).toBe('Seul le maire peut accepter ou refuser une demande.');
    expect((await h()['electoral:set-demand-status']({ id: d.id, status: 'instruction' })).status).toBe('instruction');

    // The hub acknowledged the demand at version 12: the next change is based on it.
    const [collection] = mod.collections.filter((c) => c.name === 'electoral.demands');
    sc.db.transaction(() =>
      collection.apply({ collection: 'electoral.demands', id: d.id, version: 12, deleted: false, data: { ...d, status: 'instruction' } }),
    )();

    sc.setUser({ role: 'maire', displayName: 'Le Maire' });
    const accepted = await h()['electoral:set-demand-status']({ id: d.id, status: 'acceptee' });
    expect(accepted.status).toBe('acceptee');
    const last = sc.outbox.entriesFor('electoral.demands', d.id).at(-1)!;
    expect(last.entry).toMatchObject({ kind: 'upsert', baseVersion: 12, data: { status: 'acceptee' } });
    expect(last.summary).toBe("Demande : changement d'adresse (passage à « Acceptée »)");
    await expectRefused(() => h()['electoral:set-demand-status']({ id: d.id, status: 'abandonnee' }), 'conflict');
  });
});
