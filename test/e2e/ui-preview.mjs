/**
 * Screenshots of every screen against canned data, without hub or core:
 * a quick visual check of layout and wording at 1280×800 and 1024×768.
 * Not a test (the real story is run.mjs). `node test/e2e/ui-preview.mjs` after `npm run build:renderer`.
 */
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'dist', 'renderer');
const OUT = join(ROOT, 'test', 'e2e', 'screenshots', 'preview');
mkdirSync(OUT, { recursive: true });

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const path = join(DIST, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
  if (!path.startsWith(DIST) || !existsSync(path)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

// Runs in the page: a window.guichet answering canned envelopes.
function fake(role) {
  const perms = { maire: ['users.manage', 'electoral.read', 'electoral.import', 'electoral.demand'], secretaire: ['electoral.read', 'electoral.import', 'electoral.demand'] }[role] ?? [];
  const session = { status: 'logged_in', hubUrl: 'https://guichet.aube.fr', user: { id: 'u1', username: 'maire', displayName: 'Anne Maire', role }, commune: { insee: '10387', siren: '211003876', name: 'Troyes', services: ['electoral', 'actes', 'cadastre'] }, services: ['electoral', 'actes', 'cadastre'], permissions: perms, deviceName: 'Accueil' };
  const names = [['LEFÈVRE', 'Hélène Marie', '1950-00-00'], ['LEFÈVRE', 'Hélène Marie', '1950-00-00'], ['LEFEBVRE', 'Paul', '1984-07-03'], ['GUÉRIN', 'Noël', '1961-02-03'], ['D\'ALMEIDA', 'Inès', '1999-12-31']];
  const items = Array.from({ length: 120 }, (_, i) => { const n = names[i % names.length]; return { id: `e${i}`, listType: 'LP', birthName: n[0], usageName: i % 4 === 0 ? 'DURAND' : null, firstNames: n[1], birthDate: n[2], bureauCode: `000${1 + (i % 3)}`, numeroOrdre: 10 + i, city: 'TROYES' }; });
  const elector = { id: 'e0', ine: null, listType: 'LP', birthName: 'LEFÈVRE', usageName: 'DURAND', firstNames: 'Hélène Marie', sex: 'F', birthDate: '1950-00-00', birthPlace: { communeCode: '10387', communeLabel: 'TROYES', departementCode: '10', country: 'FRANCE' }, nationality: 'FRANÇAISE', address: { number: '3', street: 'RUE DE LA RÉPUBLIQUE', complement1: null, complement2: null, lieuDit: null, postalCode: '10000', city: 'TROYES', country: null }, bureau: { code: '0001', label: 'HÔTEL DE VILLE' }, numeroOrdre: 12 };
  const demand = { id: '00000000-0000-4000-8000-000000000001', kind: 'changement_adresse', status: 'deposee', electorId: 'e0', applicant: { birthName: 'LEFÈVRE', usageName: 'DURAND', firstNames: 'Hélène Marie', birthDate: '1950-00-00' }, newAddress: '12 RUE DE LA PAIX', newBureauCode: null, comment: null, createdBy: 'Anne Maire', createdAtLocal: '2026-11-28T17:40:00Z', version: null, pending: true };
  const sync = { online: false, phase: 'idle', pending: 1, lastSuccessAt: '2026-11-28T17:05:00Z', lastError: { code: 'hub_unavailable', message: 'Le hub est injoignable : vos modifications sont gardées sur ce poste et seront envoyées au retour de la connexion.' }, massDeletion: window.__massDeletion ?? null, rejected: [] };
  const preview = { previewId: 'p', fileName: 'com10387_electeurs_actifs_02-11-2026.csv', fileSha256: 'x', extractDate: '2026-11-02', encoding: 'utf-8', counts: { LP: 1180, LCM: 12, LCE: 8 }, total: 1200, diff: { added: 14, removed: 3, changedBureau: 2, changedAddress: 5 }, diffSample: items.slice(0, 24).map((e, i) => ({ electorId: e.id, label: `${e.birthName} ${e.firstNames}`, change: ['added', 'removed', 'bureau', 'address'][i % 4], before: i % 4 === 2 ? '0001' : undefined, after: i % 4 === 2 ? '0002' : undefined })), warnings: ['Ligne 18 : jour de naissance inconnu (00).', 'Ligne 240 : adresse incomplète.'], alreadyImported: false };
  const answers = {
    'session:get': session, 'sync:state': sync, 'sync:now': sync,
    'electoral:search': { total: items.length, items }, 'electoral:elector': { elector, demands: [demand] },
    'electoral:demands': [demand, { ...demand, id: '2', kind: 'inscription', status: 'instruction', pending: false, applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Léo', birthDate: '2008-03-01' } }],
    'electoral:import-preview': preview, 'electoral:import-diff': { total: 24, items: preview.diffSample },
    'accounts:users': [{ id: 'u1', username: 'maire', displayName: 'Anne Maire', role: 'maire', disabled: false }, { id: 'u2', username: 'c.secretaire', displayName: 'Claire Secrétaire', role: 'secretaire', disabled: false }],
    'accounts:devices': [{ id: 'd1', name: 'Accueil mairie', createdAt: '2026-11-01T09:00:00Z', lastSeenAt: '2026-11-28T17:00:00Z', revoked: false }],
  };
  if (role === 'none') answers['session:get'] = { status: 'not_enrolled', hubUrl: null, user: null, commune: null, services: [], permissions: [], deviceName: null };
  window.guichet = { invoke: async (c) => (c in answers ? { ok: true, value: answers[c] } : { ok: false, error: { code: 'internal', message: 'non simulé' } }), on: () => () => {} };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
async function page(role, viewport = { width: 1280, height: 800 }, extra = '') {
  const ctx = await browser.newContext({ viewport, locale: 'fr-FR' });
  await ctx.addInitScript(`${extra};(${fake.toString()})(${JSON.stringify(role)})`);
  const p = await ctx.newPage();
  p.on('pageerror', (e) => console.error('pageerror', e));
  await p.goto(url);
  return p;
}
const nav = (p, name) => p.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name }).click();

let p = await page('none');
await p.getByRole('button', { name: 'Inscrire ce poste' }).click();
await p.screenshot({ path: join(OUT, 'inscription-erreurs.png'), fullPage: true });
p = await page('maire');
await p.getByRole('heading', { name: 'Mairie de Troyes' }).waitFor();
await p.screenshot({ path: join(OUT, 'accueil.png') });
await nav(p, 'Rechercher');
await p.getByRole('combobox').fill('lefevre');
await p.waitForTimeout(300);
await p.getByRole('combobox').press('ArrowDown');
await p.getByRole('combobox').press('ArrowDown');
await p.screenshot({ path: join(OUT, 'recherche.png') });
await p.getByRole('combobox').press('Enter');
await p.getByRole('heading', { level: 1, name: /LEFÈVRE/ }).waitFor();
await p.screenshot({ path: join(OUT, 'fiche.png') });
await p.getByRole('button', { name: 'Nouvelle demande pour cet électeur' }).click();
await p.getByRole('button', { name: 'Enregistrer la demande' }).click();
await p.screenshot({ path: join(OUT, 'demande-erreurs.png'), fullPage: true });
await nav(p, 'Demandes');
await p.screenshot({ path: join(OUT, 'demandes.png') });
await nav(p, 'Importer');
await p.getByLabel('Fichier à importer').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('a') });
await p.getByRole('heading', { name: /Vérifiez/ }).waitFor();
await p.screenshot({ path: join(OUT, 'import-apercu.png'), fullPage: true });
await nav(p, 'Comptes');
await p.screenshot({ path: join(OUT, 'comptes.png') });
p = await page('secretaire', { width: 1024, height: 768 }, 'window.__massDeletion = { collection: "electoral.electors", localCount: 1200, toDelete: 800 }');
await p.getByRole('alertdialog').waitFor();
await p.screenshot({ path: join(OUT, 'suppression-1024.png') });
p = await page('maire', { width: 1024, height: 768 });
await nav(p, 'Rechercher');
await p.getByRole('combobox').fill('lefevre');
await p.waitForTimeout(300);
await p.screenshot({ path: join(OUT, 'recherche-1024.png') });
await nav(p, 'Demandes');
await p.screenshot({ path: join(OUT, 'demandes-1024.png') });
p = await page('consultation', { width: 1024, height: 768 });
await p.getByRole('heading', { name: 'Mairie de Troyes' }).waitFor();
await p.screenshot({ path: join(OUT, 'consultation-1024.png') });

await browser.close();
server.close();
console.log(`screenshots in ${OUT}`);
