/**
 * Browser end-to-end test of Guichet, with real parts only: a real hub on a
 * temporary SQLite file, two real client cores with their own data folders,
 * the real web host serving the built renderer (dist/renderer), and Chromium.
 *
 * The story a town hall lives: the mayor enrolls a PC with the code of the
 * letter, imports the REU extract, finds an elector typed without accents,
 * loses the network while saving a demand, gets it back, and the secretary
 * on a second PC sees the demand.
 *
 *   npm run build && npm run test:e2e
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  INSEE,
  ROOT,
  SHOTS,
  checkA11y,
  checkMenuHoverContrast,
  expectText,
  expectVisible,
  fillEnrollment,
  setUp,
  shot,
} from './harness.mjs';

let page1;
let page2;
let temporaryPassword;

const e2e = await setUp({
  totalSteps: 7,
  onFailure: () =>
    Promise.all(
      [page1, page2].filter(Boolean).map((p, i) => p.screenshot({ path: join(SHOTS, `failure-pc${i + 1}.png`) }).catch(() => undefined)),
    ),
});
const { step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { generateReuExtract, generateReuRows } = await import('../../shared/electoral/synthetic.ts');

// ——— hub ———
const hub = await e2e.startHub();
const hubUrl = hub.url;
await addCollectivite(hub.db, { insee: INSEE, services: ['electoral', 'acts', 'cadastre'] });
const { code } = await issueEnrollmentCode(hub.db, INSEE);

// ——— two town-hall PCs: client core + web host each ———
const pc1 = await e2e.startPc('accueil');
const pc2 = await e2e.startPc('secretariat');

// ——— browser ———
await e2e.launchBrowser();
const openPage = (pc) => e2e.openPage(pc.host.url);

// ——— the data the mayor imports ———
const extract = generateReuExtract({ seed: 42, count: 400, inseeCode: INSEE, communeName: 'TROYES', extractDate: '2026-11-02' });
// Someone whose birth name has an accent: the user types it without.
const rows = generateReuRows({ seed: 42, count: 400, inseeCode: INSEE, communeName: 'TROYES', extractDate: '2026-11-02' });
const stripped = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
const target =
  rows.find((r) => r.birthName !== stripped(r.birthName) && /^[A-ZÀ-Ÿ]+$/.test(r.birthName) && r.firstNames) ??
  rows.find((r) => r.firstNames);
const typed = stripped(target.birthName).toLowerCase();

await step('PC 1: the mayor enrolls the PC with the code of the letter', async () => {
  page1 = await openPage(pc1);
  await expectVisible(page1.getByRole('heading', { name: 'Première connexion de ce poste' }));
  if (page1.url().includes('secret=')) throw new Error('the secret stayed in the address bar');
  await checkA11y(page1, 'inscription');
  await fillEnrollment(page1, { hubUrl, code, repeated: 'mot-de-passe-different' });
  await page1.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectVisible(page1.getByText('Les deux mots de passe ne sont pas identiques.').first());
  await checkA11y(page1, 'inscription (erreurs)');
  await page1.getByLabel('Mot de passe (à nouveau)').fill('mot-de-passe-du-maire');
  await shot(page1, '01-inscription');
  await page1.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectVisible(page1.getByRole('heading', { name: 'Mairie de Troyes' }));
  await expectVisible(page1.getByRole('button', { name: 'Ouvrir les listes électorales' }));
  await expectVisible(page1.getByRole('button', { name: 'Ouvrir le contrôle de légalité' }));
  await expectText(page1.getByTestId('sync-online'), /En ligne/);
  await shot(page1, '02-accueil');
  await checkA11y(page1, 'accueil');
  // The menu stays readable under the mouse (it used to turn white on light blue).
  await checkMenuHoverContrast(page1);
});

await step('PC 1: imports the REU extract through the file input, checks the preview, confirms', async () => {
  await page1.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Importer' }).click();
  await expectVisible(page1.getByRole('button', { name: 'Choisir un fichier' }));
  await checkA11y(page1, 'import');
  await page1
    .getByLabel('Fichier à importer')
    .setInputFiles({ name: extract.fileName, mimeType: 'text/csv', buffer: Buffer.from(extract.csv, 'utf8') });
  await expectVisible(page1.getByRole('heading', { name: /Vérifiez avant d'importer/ }));
  const counts = page1.getByRole('table', { name: /Électeurs dans le fichier/ });
  await expectText(counts.getByRole('row', { name: /Total/ }), new RegExp(`Total ${extract.electorsCount}\\b`));
  await expectText(page1.getByRole('row', { name: /Nouveaux électeurs/ }), new RegExp(`${extract.electorsCount}`));
  await shot(page1, '03-import-apercu');
  await checkA11y(page1, 'import (aperçu)');
  await page1.getByRole('button', { name: 'Importer', exact: true }).last().click();
  await expectVisible(page1.getByText('Import terminé.'));
});

await step('PC 1: searches a name typed without accents and opens the fiche', async () => {
  await page1.getByRole('button', { name: 'Rechercher un électeur' }).click();
  const search = page1.getByRole('combobox', { name: 'Nom, prénom ou date de naissance' });
  // A full page of results for the README picture.
  await search.fill('mar');
  await expectText(page1.locator('.result-count'), /\d+ électeurs trouvés/);
  await page1.waitForTimeout(200);
  await search.press('ArrowDown');
  await search.press('ArrowDown');
  await shot(page1, '04-recherche');
  await checkA11y(page1, 'recherche');
  // The README's picture is refreshed on demand only, so a test run leaves the tree clean.
  if (process.env.GUICHET_UPDATE_SCREENSHOT === '1') copyFileSync(join(SHOTS, '04-recherche.png'), join(ROOT, 'docs', 'screenshot.png'));
  // Now the person, typed without accents, one key at a time.
  await search.fill('');
  await search.pressSequentially(typed, { delay: 30 });
  // The person's own row: birth name in the first column and their first name (homonyms and usage names also match).
  const firstName = target.firstNames.split(' ')[0];
  const option = page1
    .getByRole('option')
    .filter({ has: page1.locator('span.strong', { hasText: new RegExp(`^${target.birthName}$`) }) })
    .filter({ hasText: firstName })
    .first();
  await expectVisible(option);
  await shot(page1, '05-recherche-sans-accents');
  // Keyboard only: arrows down to that row, Enter opens the fiche.
  const wanted = await option.getAttribute('id');
  const box = page1.getByRole('combobox', { name: 'Nom, prénom ou date de naissance' });
  for (let i = 0; i < 500 && (await box.getAttribute('aria-activedescendant')) !== wanted; i++) await box.press('ArrowDown');
  await box.press('Enter');
  await expectVisible(page1.getByRole('heading', { level: 1, name: new RegExp(`^${target.birthName} .*${firstName}`) }));
  await expectText(page1.locator('.fiche').first(), /Date de naissance/);
  await shot(page1, '06-fiche');
  await checkA11y(page1, 'fiche électeur');
  const current = page1.getByRole('navigation', { name: 'Menu principal' }).locator('[aria-current]');
  await expectText(current, /^Rechercher$/);
});

await step('offline: the hub stops, PC 1 saves a demand (Hors ligne, 1 pending), the hub restarts and it syncs', async () => {
  await hub.stop();
  await page1.getByRole('button', { name: 'Nouvelle demande pour cet électeur' }).click();
  await page1.getByLabel("Changement d'adresse").check();
  await page1.getByLabel('Nouvelle adresse dans la commune').fill('12 RUE DE LA PAIX 10000 TROYES');
  // A change of address carries its proof of attache (Cerfa checklist, shared/electoral/demand-content.ts).
  await page1
    .getByLabel(/Justificatif d’attache/)
    .setInputFiles({ name: 'facture-eau.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await checkA11y(page1, 'nouvelle demande');
  await page1.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await expectVisible(page1.getByRole('heading', { name: 'Demandes' }));
  await expectText(page1.getByRole('table', { name: 'Liste des demandes' }), /Changement d'adresse.*en attente de synchronisation/);
  await expectText(page1.getByTestId('sync-online'), /Hors ligne/);
  await expectText(page1.getByTestId('sync-pending'), /1 modification en attente/);
  await shot(page1, '07-hors-ligne');
  await checkA11y(page1, 'demandes');

  await hub.restart();
  await page1.getByRole('button', { name: 'Synchroniser maintenant' }).click();
  await expectText(page1.getByTestId('sync-online'), /En ligne/);
  await expectText(page1.getByTestId('sync-pending'), /Tout est envoyé/);
  await expectText(page1.getByRole('table', { name: 'Liste des demandes' }), /^(?!.*en attente de synchronisation).*Changement d'adresse/);
  await shot(page1, '08-synchronise');
});

await step('PC 2: a secretary the mayor created in the UI logs in, sees the demand, then the mayor’s decision', async () => {
  await page1.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Comptes' }).click();
  await page1.getByLabel('Nom et prénom').fill('Claire Secrétaire');
  await page1.getByLabel('Identifiant').fill('c.secretaire');
  await page1.getByLabel('Rôle', { exact: true }).selectOption('secretaire');
  const proposed = await page1.getByLabel('Mot de passe provisoire').inputValue();
  await page1.getByRole('button', { name: 'Créer le compte' }).click();
  // The mayor reads the password to dictate in the banner: it must be the one the account got.
  const banner = await page1.getByRole('status').filter({ hasText: 'est créé avec le mot de passe provisoire' }).textContent();
  temporaryPassword = /mot de passe provisoire (\S+) :/.exec(banner ?? '')?.[1];
  if (temporaryPassword !== proposed) throw new Error(`banner shows ${temporaryPassword}, form proposed ${proposed}`);
  await expectText(
    page1.getByRole('table', { name: 'Personnes ayant un compte' }),
    /Claire Secrétaire c\.secretaire Secrétaire de mairie Actif/,
  );
  await shot(page1, '09-comptes');
  await checkA11y(page1, 'comptes');
  await page1.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Postes' }).click();
  await expectText(page1.getByRole('heading', { level: 1 }), /Postes/);
  await checkA11y(page1, 'postes');
  await page1.getByRole('contentinfo').getByRole('button', { name: "Guide d'utilisation" }).click();
  await expectText(page1.getByRole('heading', { level: 1 }), /Guide d'utilisation/);
  await checkA11y(page1, 'guide');

  page2 = await openPage(pc2);
  await page2.getByRole('button', { name: /Se connecter/ }).click();
  await expectVisible(page2.getByRole('heading', { name: 'Connexion' }));
  await checkA11y(page2, 'connexion');
  await page2.getByLabel('Adresse du serveur départemental').fill(hubUrl);
  await page2.getByLabel('Code INSEE de la commune').fill(INSEE);
  await page2.getByLabel('Identifiant').fill('c.secretaire');
  await page2.getByLabel('Mot de passe').fill(temporaryPassword);
  await page2.getByLabel('Nom de ce poste').fill('Secrétariat');
  await page2.getByRole('button', { name: 'Se connecter' }).click();
  // A password the mayor chose is temporary: the secretary chooses her own first (issue 7).
  await expectVisible(page2.getByRole('heading', { name: 'Choisir un nouveau mot de passe' }));
  await checkA11y(page2, 'nouveau-mot-de-passe');
  await page2.getByLabel('Mot de passe actuel (provisoire)').fill(temporaryPassword);
  await page2.getByLabel('Nouveau mot de passe', { exact: true }).fill('motdepasse123');
  await page2.getByLabel('Confirmation du nouveau mot de passe').fill('motdepasse123');
  await page2.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expectText(page2.getByRole('alert').filter({ hasText: /trop facile à deviner/ }), /trop facile à deviner/);
  await shot(page2, '09b-poste2-mot-de-passe-refuse');
  await page2.getByLabel('Nouveau mot de passe', { exact: true }).fill('lavoir-cerise-tambour-ocre');
  await page2.getByLabel('Confirmation du nouveau mot de passe').fill('lavoir-cerise-tambour-ocre');
  await page2.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expectVisible(page2.getByRole('heading', { name: 'Mairie de Troyes' }));
  await page2.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Demandes' }).click();
  await page2.getByRole('button', { name: 'Synchroniser maintenant' }).click();
  const table = page2.getByRole('table', { name: 'Liste des demandes' });
  await expectText(table, new RegExp(`Changement d'adresse.*${target.birthName}.*Déposée`));
  await shot(page2, '10-poste2-demandes');

  // The mayor decides on PC 1; the secretary's PC follows.
  await page1.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Demandes' }).click();
  await page1
    .getByLabel(/^Statut de la demande de /)
    .first()
    .selectOption('instruction');
  await page1.getByRole('button', { name: /^Valider le statut/ }).click();
  await expectText(page1.getByTestId('sync-pending'), /Tout est envoyé/);
  await page2.getByRole('button', { name: 'Synchroniser maintenant' }).click();
  await expectText(table, /Changement d'adresse.*En instruction/);
});

await step('PC 1: the mayor resets the secretary’s password (shown once); « Mon compte » has a live strength meter', async () => {
  const menu = page1.getByRole('navigation', { name: 'Menu principal' });
  await menu.getByRole('button', { name: 'Comptes' }).click();
  await page1.getByRole('button', { name: 'Réinitialiser le mot de passe de Claire Secrétaire' }).click();
  await page1.getByRole('alertdialog').getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
  const panel = page1.getByRole('region', { name: 'Mots de passe provisoires' });
  await expectText(panel, /Claire Secrétaire \(« c\.secretaire »\) : \S+/);
  const shown = await panel.locator('code.temporary-password').textContent();
  if (!shown || shown === temporaryPassword) throw new Error(`no new temporary password shown (${shown})`);
  await shot(page1, '10b-comptes-reinitialisation');
  await checkA11y(page1, 'comptes (mot de passe réinitialisé)');
  await menu.getByRole('button', { name: 'Mon compte' }).click();
  await expectText(page1.getByRole('heading', { level: 1 }), /Mon compte/);
  await page1.getByLabel('Nouveau mot de passe', { exact: true }).fill('azertyuiop');
  await expectText(page1.locator('.password-strength'), /Force : (Très faible|Faible|Moyen).*trop facile à deviner/);
  await shot(page1, '10c-mon-compte');
  await checkA11y(page1, 'mon compte');
});

await step('PC 1: a PDF chosen by mistake is named; a file dropping most of the list warns and waits for a confirmation', async () => {
  await page1.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Importer' }).click();
  const another = page1.getByRole('button', { name: 'Importer un autre fichier' });
  if (await another.isVisible()) await another.click();
  await page1.getByLabel('Fichier à importer').setInputFiles({
    name: 'liste.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1'),
  });
  await expectVisible(page1.getByText(/Ce fichier est un PDF, pas un extrait du REU au format CSV/));
  // The same commune's extract cut to its first 30 rows: nearly everyone would leave the list.
  const [header, ...lines] = extract.csv.split('\n');
  const cut = [header, ...lines.slice(0, 30)].join('\n');
  await page1
    .getByLabel('Fichier à importer')
    .setInputFiles({ name: extract.fileName, mimeType: 'text/csv', buffer: Buffer.from(`${cut}\n`, 'utf8') });
  await expectText(page1.getByRole('heading', { name: /^Attention/ }), /\d+ électeurs sur \d+ \(9\d % de la liste\) seront retirés/);
  const importer = page1.getByRole('button', { name: 'Importer', exact: true }).last();
  if (!(await importer.isDisabled())) throw new Error('Importer is enabled before the confirmation');
  await page1.getByRole('checkbox', { name: /J'ai compris que \d+ électeurs seront retirés de la liste/ }).check();
  if (await importer.isDisabled()) throw new Error('Importer stays disabled after the confirmation');
  await checkA11y(page1, 'import (retrait massif)');
  await shot(page1, '03b-import-retrait-massif');
  await page1.getByRole('button', { name: 'Annuler' }).click();
  await expectVisible(page1.getByLabel('Fichier à importer'));
});

await step('PC 1: Guichet stops (« Guichet est arrêté » in the tab), starts again, and the same tab works on', async () => {
  await pc1.stop();
  await expectText(page1.getByTestId('sync-online'), /Guichet est arrêté/);
  await checkA11y(page1, 'Guichet est arrêté');
  await shot(page1, '11-guichet-arrete');
  await pc1.restart();
  await expectText(page1.getByTestId('sync-online'), /En ligne/);
  await page1.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Demandes' }).click();
  await expectText(page1.getByRole('table', { name: 'Liste des demandes' }), /Changement d'adresse/);
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
