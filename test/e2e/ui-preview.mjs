/**
 * Screenshots of every screen against canned data, without hub or core:
 * a quick visual check of layout and wording at 1366×768 (the usual town-hall laptop) and 1024×768.
 * Not a test (the real story is run.mjs). `node test/e2e/ui-preview.mjs` after `npm run build:renderer`.
 */
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.GUICHET_RENDERER_DIR ?? join(ROOT, 'dist', 'renderer');
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
  const perms =
    {
      maire: ['users.manage', 'electoral.read', 'electoral.import', 'electoral.demand', 'acts.read', 'acts.draft', 'acts.transmit'],
      secretaire: ['electoral.read', 'electoral.import', 'electoral.demand', 'acts.read', 'acts.draft'],
    }[role] ?? [];
  const session = {
    status: 'logged_in',
    hubUrl: 'https://guichet.aube.fr',
    user: { id: 'u1', username: 'maire', displayName: 'Anne Maire', role },
    commune: { insee: '10387', siren: '211003876', name: 'Troyes', services: window.__services ?? ['electoral', 'acts', 'cadastre'] },
    services: window.__services ?? ['electoral', 'acts', 'cadastre'],
    permissions: perms,
    deviceName: 'Accueil',
  };
  const names = [
    ['LEFÈVRE', 'Hélène Marie', '1950-00-00'],
    ['LEFÈVRE', 'Hélène Marie', '1950-00-00'],
    ['LEFEBVRE', 'Paul', '1984-07-03'],
    ['GUÉRIN', 'Noël', '1961-02-03'],
    ["D'ALMEIDA", 'Inès', '1999-12-31'],
  ];
  const items = Array.from({ length: 120 }, (_, i) => {
    const n = names[i % names.length];
    return {
      id: `e${i}`,
      listType: 'LP',
      birthName: n[0],
      usageName: i % 4 === 0 ? 'DURAND' : null,
      firstNames: n[1],
      birthDate: n[2],
      bureauCode: `000${1 + (i % 3)}`,
      numeroOrdre: 10 + i,
      city: 'TROYES',
    };
  });
  const elector = {
    id: 'e0',
    ine: null,
    listType: 'LP',
    birthName: 'LEFÈVRE',
    usageName: 'DURAND',
    firstNames: 'Hélène Marie',
    sex: 'F',
    birthDate: '1950-00-00',
    birthPlace: { communeCode: '10387', communeLabel: 'TROYES', departementCode: '10', country: 'FRANCE' },
    nationality: 'FRANÇAISE',
    address: {
      number: '3',
      street: 'RUE DE LA RÉPUBLIQUE',
      complement1: null,
      complement2: null,
      lieuDit: null,
      postalCode: '10000',
      city: 'TROYES',
      country: null,
    },
    bureau: { code: '0001', label: 'HÔTEL DE VILLE' },
    numeroOrdre: 12,
  };
  const demand = {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'changement_adresse',
    status: 'deposee',
    electorId: 'e0',
    applicant: { birthName: 'LEFÈVRE', usageName: 'DURAND', firstNames: 'Hélène Marie', birthDate: '1950-00-00' },
    newAddress: '12 RUE DE LA PAIX',
    newBureauCode: null,
    comment: null,
    createdBy: 'Anne Maire',
    createdAtLocal: '2026-11-28T17:40:00Z',
    version: null,
    pending: true,
  };
  const sync = {
    online: false,
    phase: 'idle',
    pending: 1,
    lastSuccessAt: '2026-11-28T17:05:00Z',
    lastError: {
      code: 'hub_unavailable',
      message: 'Le hub est injoignable : vos modifications sont gardées sur ce poste et seront envoyées au retour de la connexion.',
    },
    massDeletion: window.__massDeletion ?? null,
    rejected: [],
  };
  const preview = {
    previewId: 'p',
    fileName: 'com10387_electeurs_actifs_02-11-2026.csv',
    fileSha256: 'x',
    extractDate: '2026-11-02',
    encoding: 'utf-8',
    counts: { LP: 1180, LCM: 12, LCE: 8 },
    total: 1200,
    diff: { added: 14, removed: 3, changedBureau: 2, changedAddress: 5 },
    diffSample: items.slice(0, 24).map((e, i) => ({
      electorId: e.id,
      label: `${e.birthName} ${e.firstNames}`,
      change: ['added', 'removed', 'bureau', 'address'][i % 4],
      before: i % 4 === 2 ? '0001' : undefined,
      after: i % 4 === 2 ? '0002' : undefined,
    })),
    warnings: ['Ligne 18 : jour de naissance inconnu (00).', 'Ligne 240 : adresse incomplète.'],
    alreadyImported: false,
    removal: { currentTotal: 1189, removed: 3, share: 3 / 1189, massRemoval: false },
  };
  const answers = {
    'session:get': session,
    'sync:state': sync,
    'sync:now': sync,
    'electoral:search': { total: items.length, items },
    'electoral:elector': { elector, demands: [demand] },
    'electoral:demands': [
      demand,
      {
        ...demand,
        id: '2',
        kind: 'inscription',
        status: 'instruction',
        pending: false,
        applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Léo', birthDate: '2008-03-01' },
      },
    ],
    'electoral:import-preview': preview,
    'electoral:import-diff': { total: 24, items: preview.diffSample },
    'accounts:users': [
      { id: 'u1', username: 'maire', displayName: 'Anne Maire', role: 'maire', disabled: false },
      { id: 'u2', username: 'c.secretaire', displayName: 'Claire Secrétaire', role: 'secretaire', disabled: false },
    ],
    'accounts:devices': [
      { id: 'd1', name: 'Accueil mairie', createdAt: '2026-11-01T09:00:00Z', lastSeenAt: '2026-11-28T17:00:00Z', revoked: false },
    ],
  };
  // ——— legality control (ACTES) ———
  const classification = {
    dateClassification: '2026-01-15',
    natures: [
      {
        code: 1,
        libelle: 'Délibérations',
        typeAbrege: 'DE',
        typologies: [
          { code: '99_DE', libelle: 'Délibération' },
          { code: '22_DP', libelle: 'Document de présentation' },
          { code: '23_RP', libelle: 'Rapport de présentation' },
        ],
      },
      { code: 3, libelle: 'Actes individuels', typeAbrege: 'AI', typologies: [{ code: '99_AI', libelle: 'Acte individuel' }] },
    ],
    matieres: [
      { code: 1, libelle: 'Commande publique', children: [{ code: 1, libelle: 'Marchés publics', children: [] }] },
      {
        code: 7,
        libelle: 'Finances locales',
        children: [
          { code: 1, libelle: 'Décisions budgétaires', children: [] },
          { code: 10, libelle: 'Divers', children: [] },
        ],
      },
    ],
  };
  const states = ['acquitte', 'poste', 'signe', 'brouillon', 'transmis', 'erreur', 'annule'];
  const objets = [
    'Tarifs de la cantine scolaire 2027',
    'Subvention au comité des fêtes',
    'Budget supplémentaire 2026',
    'Arrêté de circulation rue de la Paix',
    'Convention de mise à disposition de la salle des fêtes',
  ];
  const acts = Array.from({ length: 64 }, (_, i) => ({
    id: `a${i}`,
    numeroInterne: `2026_${String(64 - i).padStart(3, '0')}`,
    objet: objets[i % objets.length],
    codeNatureActe: [1, 1, 1, 3, 4][i % 5],
    decisionDate: `2026-11-${String(28 - (i % 27)).padStart(2, '0')}`,
    state: states[i % states.length],
    idActe: states[i % states.length] === 'acquitte' ? `010-211003876-2026112${i % 9}-2026_${String(64 - i).padStart(3, '0')}-DE` : null,
    pending: i % 7 === 1,
  }));
  const sha = (c) => c.repeat(64);
  const detail = (state) => ({
    act: {
      id: 'a0',
      draft: {
        numeroInterne: '2026_064',
        decisionDate: '2026-11-20',
        codeNatureActe: 1,
        matieres: [7, 1],
        objet: 'Tarifs de la cantine scolaire 2027',
        classificationDateVersion: '2026-01-15',
        documentPapier: false,
        act: { fileName: 'deliberation.pdf', size: 182000, kind: 'pdf', typology: '99_DE' },
        annexes: [],
      },
      actFile: { sha256: sha('a'), fileName: '99_DE-deliberation.pdf', size: 182000, mime: 'application/pdf' },
      annexFiles: [{ sha256: sha('b'), fileName: '23_RP-rapport.pdf', size: 1250000, mime: 'application/pdf' }],
      signature:
        state === 'brouillon' ? null : { signerName: 'Anne Maire', signedAtLocal: '2026-11-28T09:12:00Z', certificateSerial: '0A1B' },
      transmitRequested: state !== 'brouillon' && state !== 'signe',
      createdBy: 'Claire Secrétaire',
      createdAtLocal: '2026-11-27T15:30:00Z',
    },
    status:
      state === 'acquitte'
        ? {
            actId: 'a0',
            state,
            idActe: '010-211003876-20261120-2026_064-DE',
            dateReception: '2026-11-28',
            archiveName: 'x',
            error: null,
            timeline: [
              { at: '2026-11-28T09:14:00Z', state: 'en_attente', label: 'Reçu par le serveur du département' },
              { at: '2026-11-28T09:15:00Z', state: 'transmis', label: 'Transmis à la préfecture' },
              { at: '2026-11-28T09:31:00Z', state: 'acquitte', label: 'Accusé de réception reçu', detail: 'ARActe du 28/11/2026' },
            ],
            letters: [
              {
                id: 'L1',
                type: '3-1',
                direction: 'recu',
                label: 'Demande de pièces complémentaires',
                date: '2026-11-29',
                files: [{ sha256: sha('c'), fileName: 'demande-pieces.pdf', size: 54000, mime: 'application/pdf' }],
                state: 'recu',
              },
            ],
          }
        : null,
    pending: state === 'poste',
    uploads:
      state === 'poste'
        ? [
            { sha256: sha('a'), fileName: '99_DE-deliberation.pdf', size: 182000, uploaded: 120000 },
            { sha256: sha('b'), fileName: '23_RP-rapport.pdf', size: 1250000, uploaded: 0 },
          ]
        : [],
  });
  const detailState = window.__actState ?? 'acquitte';
  answers['acts:classification'] = classification;
  answers['acts:list'] = (i) => (i.state ? acts.filter((a) => a.state === i.state) : acts);
  answers['acts:get'] = detail(detailState);
  answers['acts:certificate'] = {
    id: 'c',
    holder: 'Anne Maire',
    organisation: 'Mairie de Troyes',
    issuer: 'AC Collectivités RGS**',
    serial: '0A1B2C3D',
    notBefore: '2024-01-10T00:00:00Z',
    notAfter: '2026-12-31T00:00:00Z',
  };
  answers['acts:check-draft'] = (i) => [
    ...(i.numeroInterne ? [] : [{ field: 'numeroInterne', message: "Le numéro de l'acte est obligatoire." }]),
    ...(i.decisionDate
      ? []
      : [
          {
            field: 'decisionDate',
            message: "La date de décision n'est pas une date valide : écrivez le jour, le mois et l'année, par exemple 14/07/2026.",
          },
        ]),
    ...(i.objet.trim() ? [] : [{ field: 'objet', message: "L'objet de l'acte est obligatoire." }]),
    ...(i.codeNatureActe
      ? []
      : [{ field: 'codeNatureActe', message: "Choisissez la nature de l'acte dans la liste (délibération, arrêté, contrat…)." }]),
    ...(i.matieres.length >= 2
      ? []
      : [{ field: 'matieres', message: "La classification de l'acte doit préciser au moins les deux premiers niveaux de matière." }]),
    ...(i.actFile ? [] : [{ field: 'act', message: "Joignez le fichier de l'acte (PDF)." }]),
  ];
  if (role === 'none')
    answers['session:get'] = {
      status: 'not_enrolled',
      hubUrl: null,
      user: null,
      commune: null,
      services: [],
      permissions: [],
      deviceName: null,
    };
  window.guichet = {
    invoke: async (c, input) =>
      c in answers
        ? { ok: true, value: typeof answers[c] === 'function' ? answers[c](input) : answers[c] }
        : { ok: false, error: { code: 'internal', message: 'non simulé' } },
    on: () => () => {},
  };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
async function page(role, viewport = { width: 1366, height: 768 }, extra = '') {
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
await p.getByRole('contentinfo').getByRole('button', { name: "Guide d'utilisation" }).click();
await p.screenshot({ path: join(OUT, 'guide.png') });
p = await page(
  'secretaire',
  { width: 1024, height: 768 },
  'window.__massDeletion = { collection: "electoral.electors", localCount: 1200, toDelete: 800 }',
);
await p.getByRole('alertdialog').waitFor();
await p.screenshot({ path: join(OUT, 'suppression-1024.png') });
p = await page('maire', { width: 1024, height: 768 });
await nav(p, 'Rechercher');
await p.getByRole('combobox').fill('lefevre');
await p.waitForTimeout(300);
await p.screenshot({ path: join(OUT, 'recherche-1024.png') });
await nav(p, 'Demandes');
await p.screenshot({ path: join(OUT, 'demandes-1024.png') });
p = await page('secretaire');
await p.getByRole('heading', { name: 'Mairie de Troyes' }).waitFor();
await p.screenshot({ path: join(OUT, 'accueil-secretaire-complet.png'), fullPage: true });
// A commune that has not opened the legality control: the home page says how to ask for it.
p = await page('maire', undefined, 'window.__services = ["electoral"]');
await p.getByRole('heading', { name: 'Disponibles sur demande' }).waitFor();
await p.screenshot({ path: join(OUT, 'accueil-sur-demande.png'), fullPage: true });
p = await page('consultation', { width: 1024, height: 768 });
await p.getByRole('heading', { name: 'Mairie de Troyes' }).waitFor();
await p.screenshot({ path: join(OUT, 'consultation-1024.png') });
// ——— legality control (ACTES) ———
p = await page('maire');
await p.getByRole('button', { name: 'Ouvrir le contrôle de légalité' }).click();
await p.getByRole('table', { name: 'Liste des actes' }).waitFor();
await p.screenshot({ path: join(OUT, 'actes-liste.png'), fullPage: true });
await p.getByRole('button', { name: 'Préparer un nouvel acte' }).click();
await p.getByLabel("Nature de l'acte").selectOption('1');
await p.getByLabel('Numéro interne').pressSequentially('2026_cantine');
await p.getByLabel('Date de décision').fill('31/02/2026');
await p.getByLabel('Matière').selectOption('7');
await p.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
await p.getByText("Avant d'enregistrer, corrigez ces points :").waitFor();
await p.screenshot({ path: join(OUT, 'actes-formulaire-erreurs.png'), fullPage: true });
await nav(p, 'Actes');
await p.getByRole('button', { name: "Ouvrir l'acte 2026_064" }).click();
await p.getByRole('list', { name: "Étapes de l'acte" }).waitFor();
await p.screenshot({ path: join(OUT, 'actes-acte-acquitte.png'), fullPage: true });
await nav(p, 'Actes');
await nav(p, 'Certificat de signature');
await p.getByRole('heading', { name: 'Certificat installé' }).waitFor();
await p.screenshot({ path: join(OUT, 'actes-certificat.png'), fullPage: true });
p = await page('maire', { width: 1024, height: 768 }, 'window.__actState = "brouillon"');
await nav(p, 'Actes');
await p.getByRole('button', { name: "Ouvrir l'acte 2026_064" }).click();
await p.getByRole('button', { name: "Signer l'acte" }).click();
await p.getByRole('button', { name: 'Signer', exact: true }).click();
await p.screenshot({ path: join(OUT, 'actes-signature-1024.png') });
p = await page('maire', { width: 1024, height: 768 }, 'window.__actState = "poste"');
await nav(p, 'Actes');
await p.getByRole('button', { name: "Ouvrir l'acte 2026_064" }).click();
await p.getByText("En attente d'envoi :").waitFor();
await p.screenshot({ path: join(OUT, 'actes-en-attente-1024.png'), fullPage: true });

await browser.close();
server.close();
console.log(`screenshots in ${OUT}`);
