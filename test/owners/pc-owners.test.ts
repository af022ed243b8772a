/**
 * The owners (MAJIC) on a PC, against a real hub on loopback: a user the mayor
 * named receives the comptes, kept encrypted on the PC; searches, opens (the
 * consultation reaches the mayor's log), prints the relevé complet and the
 * relevé for a third party (recorded and counted by the hub: the 6th of the
 * week is refused), keeps it encrypted at logout and loses it when a user without the grant logs in. The mayor grants and reads the log.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIERS_OFFLINE_MESSAGE } from '../../electron/owners/module.js';
import { importMajic } from '../../hub-server/owners/import.js';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { foldName } from '../../shared/electoral/normalize.js';
import { parseMajic } from '../../shared/owners/majic-parse.js';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import { call, openCore, refusal } from '../sync/core-harness.js';

const majic = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 21, comptes: 25 });
const dir = mkdtempSync(join(tmpdir(), 'owners-pc-'));
const files = Object.entries(majic.files).map(([name, text]) => {
  writeFileSync(join(dir, name), iconv.encode(text, 'latin1'));
  return join(dir, name);
});

let hub: TestHub;
let hubUrl: string;
let bar: SeededCommune;
let secretaire: Awaited<ReturnType<typeof openCore>>;
let maire: Awaited<ReturnType<typeof openCore>>;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  bar = await hub.seedCommune({ insee: '10034', services: ['majic'] });
  await importMajic(hub.db, { code: '10034', files, millesime: 2026 });
  maire = await openCore(undefined, 'PC du maire');
  secretaire = await openCore(undefined, 'PC accueil');
  await call(maire, 'session:login', login('maire'));
});
afterAll(async () => {
  await secretaire?.close();
  await maire?.close();
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

function login(username: string) {
  return { hubUrl, insee: '10034', username, password: TEST_PASSWORD, deviceName: 'PC' };
}
const pdfText = (content: Uint8Array, name: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return execFileSync('pdftotext', ['-layout', file, '-']).toString();
};

describe('owners on the PC, with a real hub', () => {
  it('nobody sees owners before the mayor’s grant; the mayor grants the secretary from the PC', async () => {
    await call(secretaire, 'session:login', login('secretaire'));
    expect(await call(secretaire, 'owners:state', null)).toMatchObject({ mayRead: false, comptes: 0 });
    expect((await refusal(secretaire, 'owners:search', { q: 'ma' })).code).toBe('forbidden');
    expect((await refusal(secretaire, 'owners:grants', null)).code).toBe('forbidden');
    const users = await call(maire, 'owners:grants', null);
    expect(users.find((u) => u.id === bar.secretaireUserId)).toMatchObject({ granted: false });
    expect(await call(maire, 'owners:grant', { userId: bar.secretaireUserId })).toMatchObject({ granted: true });
    // The grant travels with the session: the secretary logs in again.
    await call(secretaire, 'session:logout', null);
    await call(secretaire, 'session:login', login('secretaire'));
    await call(secretaire, 'sync:now', null);
    const state = await call(secretaire, 'owners:state', null);
    expect(state).toMatchObject({ mayRead: true, mayReadLog: false, mayGrant: false, millesime: 2026 });
    expect(state.comptes).toBeGreaterThan(25);
  });

  it('keeps no owner name nor birth date in clear in the PC’s SQLite file and WAL', async () => {
    const db = join(secretaire.dataDir, 'guichet.sqlite');
    const bytes = Buffer.concat([readFileSync(db), readFileSync(`${db}-wal`)]);
    const compte = await call(secretaire, 'owners:compte', { id: majic.traps.usufruit });
    const clear = compte.owners
      .flatMap((o) => [o.birthName, o.usageName, o.birthDate ?? '', o.birthPlace ?? ''])
      .filter((s) => s.length >= 5);
    expect(clear.length).toBeGreaterThan(3);
    for (const s of clear) expect(bytes.includes(Buffer.from(s, 'utf8')), 'personal data in clear').toBe(false);
  });

  it('searches by name (accents ignored), by parcel and by compte; opening a compte reaches the mayor’s log', async () => {
    const usufruit = await call(secretaire, 'owners:compte', { id: majic.traps.usufruit, purpose: 'Courrier de voirie' });
    const owner = usufruit.owners[0]!;
    expect(usufruit.owners.map((o) => o.rightLabel)).toEqual(['Usufruitier', 'Nu-propriétaire']);
    const hits = await call(secretaire, 'owners:search', { q: foldName(owner.birthName).slice(0, 3) });
    expect(hits.kind).toBe('nom');
    expect(hits.hits.some((h) => h.dnuper === owner.dnuper)).toBe(true);
    const parcel = usufruit.parcels[0]!;
    const byRef = await call(secretaire, 'owners:by-parcel', { parcel: parcel.ref });
    expect(byRef.comptes.map((c) => c.id)).toContain(usufruit.id);
    expect(await call(secretaire, 'owners:by-parcel', { parcel: 'zz 9999' })).toEqual({
      parcel: { id: '10034000ZZ9999', ref: 'ZZ 9999' },
      comptes: [],
    });
    const byCompte = await call(secretaire, 'owners:search', { q: String(Number(usufruit.dnupro)) });
    expect(byCompte.hits.every((h) => h.compteId === usufruit.id)).toBe(true);
    await call(secretaire, 'sync:now', null);
    await call(maire, 'sync:now', null);
    const log = await call(maire, 'owners:journal', {});
    const entry = log.entries.find((e) => e.compteId === usufruit.id && e.purpose === 'Courrier de voirie');
    expect(entry).toMatchObject({ kind: 'consultation', forWhom: 'la commune' });
    expect((await refusal(secretaire, 'owners:journal', {})).code).toBe('forbidden');
  });

  it('prints the relevé complet with birth dates, the relevé for a third party without; the 6th of the week is refused', async () => {
    const id = majic.traps.indivision;
    const compte = await call(secretaire, 'owners:compte', { id });
    const dates = compte.owners.map((o) => o.birthDate).filter((d): d is string => d !== null);
    const places = compte.owners.map((o) => o.birthPlace).filter((d): d is string => d !== null && d.length > 3);
    expect(dates.length).toBeGreaterThan(1);
    const full = pdfText(
      (await call(secretaire, 'owners:releve', { compteId: id, mode: 'complet', purpose: 'Dossier de la commune' })).content,
      'full.pdf',
    );
    for (const d of dates) expect(full).toContain(d);
    expect(full).toContain('Relevé de propriété');
    expect(full).toContain(compte.parcels[0]!.ref);
    // MAJIC pads street numbers (`0020  ROUTE DE TROYES`): the relevé prints them as the screen does.
    expect(full).toContain(compte.owners[0]!.postalAddress.split(',')[0]);
    expect(full).not.toMatch(/\b0\d{3} {1,2}[A-Z]/);
    const tiers = { compteId: id, mode: 'tiers', purpose: 'Projet d’achat', requester: { name: 'Agence Immo-Seine', kind: 'tiers' } };
    const first = pdfText((await call(secretaire, 'owners:releve', tiers)).content, 'tiers.pdf');
    expect(first).toContain('Agence Immo-Seine');
    expect(first).toContain(compte.owners[0]!.birthName);
    for (const d of dates) expect(first).not.toContain(d);
    for (const p of places) expect(first).not.toContain(p);
    expect(first).not.toMatch(/exonération \w+ \(/);
    for (let i = 2; i <= 5; i++)
      await call(secretaire, 'owners:releve', { ...tiers, requester: { name: 'AGENCE IMMO SEINE', kind: 'tiers' } });
    await call(secretaire, 'sync:now', null);
    expect(await call(secretaire, 'owners:communication-usage', { requesterName: 'agence immo-seine' })).toMatchObject({
      week: 5,
      refusal: expect.stringMatching(/limite est de 5 par semaine/),
    });
    // Exemptions: printed for the commune, never for a third party (an owner asking for their own relevé is not counted).
    const exempt = parseMajic(
      Object.entries(majic.files).map(([name, text]) => ({ name, text })),
      { insee: '10034', millesime: 2026 },
    ).find(
      (c) =>
        c.parcels.some((p) => p.subdivisions.some((sub) => sub.exemptions.length > 0)) || c.locals.some((l) => l.exemptions.length > 0),
    )!;
    const args = { compteId: exempt.id, purpose: 'Demande du propriétaire' };
    const withEx = pdfText((await call(secretaire, 'owners:releve', { ...args, mode: 'complet' })).content, 'ex-full.pdf');
    expect(withEx).toMatch(/exonération \w+ \(/);
    const own = { name: 'Le propriétaire', kind: 'proprietaire', ownerDnuper: exempt.owners[0]!.dnuper };
    const without = pdfText((await call(secretaire, 'owners:releve', { ...args, mode: 'tiers', requester: own })).content, 'ex-tiers.pdf');
    expect(without).not.toMatch(/exonération \w+ \(/);
    expect(without).toContain('ne sont pas communiqués aux tiers');
    const sixth = await refusal(secretaire, 'owners:releve', tiers);
    expect(sixth.code).toBe('forbidden');
    expect(sixth.message).toMatch(/limite est de 5 par semaine.*R\*107 A-3/);
    await call(maire, 'sync:now', null);
    const log = await call(maire, 'owners:journal', {});
    expect(log.entries.filter((e) => e.kind === 'releve-tiers' && e.compteId === id)).toHaveLength(5);
  });

  it('logout keeps the copy only encrypted; a user without the grant logging in on that PC finds no owner row', async () => {
    const count = (t: string) => secretaire.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
    const comptes = count('owners_comptes');
    expect(comptes).toBeGreaterThan(0);
    await call(secretaire, 'session:logout', null);
    expect((await refusal(secretaire, 'owners:search', { q: 'ma' })).code).toBe('unauthenticated');
    // Same user again: the copy is still there (no re-download of the territory), and readable.
    await call(secretaire, 'session:login', login('secretaire'));
    expect(count('owners_comptes')).toBe(comptes);
    expect((await call(secretaire, 'owners:state', null)).comptes).toBe(comptes);
    await call(secretaire, 'sync:now', null);
    await call(secretaire, 'session:logout', null);
    // The mayor (no consultation grant) on the secretary's PC: the scope narrows, the owners' tables go.
    await call(secretaire, 'session:login', login('maire'));
    for (const t of ['owners_comptes', 'owners_communications', 'owners_imports']) expect(count(t)).toBe(0);
  });

  it('a grant the mayor withdraws leaves the PC at its next session check, without a new login; given back, it returns', async () => {
    // Every cycle asks the hub what the session may do (5 minutes apart by default).
    const annexe = await openCore(undefined, 'PC annexe', { sessionCheckMs: 0 });
    const count = () => annexe.db.prepare('SELECT count(*) FROM owners_comptes').pluck().get() as number;
    try {
      await call(annexe, 'session:login', login('secretaire'));
      await call(annexe, 'sync:now', null);
      expect(count()).toBeGreaterThan(25);
      // The screens learn it by an event (menus follow the permissions).
      const told: string[][] = [];
      annexe.on('session:state', (state) => told.push([...state.permissions]));
      await call(maire, 'owners:revoke', { userId: bar.secretaireUserId });
      await call(annexe, 'sync:now', null);
      expect(count()).toBe(0);
      expect(told).toHaveLength(1);
      expect(told[0]).not.toContain('owners.read');
      expect(annexe.session.state()).toMatchObject({ status: 'logged_in' });
      expect(annexe.session.permissions()).not.toContain('owners.read');
      expect((await refusal(annexe, 'owners:search', { q: 'ma' })).code).toBe('forbidden');
      await call(maire, 'owners:grant', { userId: bar.secretaireUserId });
      await call(annexe, 'sync:now', null); // learns the grant: the next pull takes a snapshot
      await call(annexe, 'sync:now', null);
      expect(count()).toBeGreaterThan(25);
      expect((await call(annexe, 'owners:search', { q: 'ma' })).hits.length).toBeGreaterThan(0);
      // Nothing changed on the hub since: a check finds nothing to tell.
      await call(annexe, 'sync:now', null);
      expect(told).toHaveLength(2);
      expect(told[1]).toContain('owners.read');
    } finally {
      await annexe.close();
    }
  });

  it('offline: a consultation is queued, a relevé for a third party is refused in French', async () => {
    const offline = await openCore(undefined, 'PC hors ligne');
    try {
      // Same account, then the hub goes away (the URL of a closed port).
      await call(offline, 'session:login', login('secretaire'));
      await call(offline, 'sync:now', null);
      const state = offline.session.state();
      expect(state.status).toBe('logged_in');
      await hub.app.close();
      const before = offline.sync.state().pending;
      await call(offline, 'owners:compte', { id: majic.traps.usufruit });
      expect(offline.sync.state().pending).toBe(before + 1);
      const refused = await refusal(offline, 'owners:releve', {
        compteId: majic.traps.usufruit,
        mode: 'tiers',
        purpose: 'Projet d’achat',
        requester: { name: 'Autre Demandeur', kind: 'tiers' },
      });
      expect(refused.message).toBe(TIERS_OFFLINE_MESSAGE);
    } finally {
      await offline.close();
    }
  });
});
