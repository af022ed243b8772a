/**
 * Browser end-to-end test of the polls (issue 10), real parts only: a real
 * hub (temporary SQLite), a client core with its web host serving the built
 * renderer, Chromium at 1366×768, pdfinfo/pdftotext on the printed file.
 *
 * The story: the mayor enrolls the PC and imports the REU extract; a poll
 * date in the past is refused; a poll 30 days ahead is created and its legal
 * calendar shown; the home screen reminds the commission; the émargement of
 * one bureau is printed (streamed to the PC's data folder) and holds its
 * electors; the registers screen shows the bureaux, procurations, L.37, L.68
 * and the statistics chart.
 *
 *   npm run build:renderer && node test/e2e/polls.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { INSEE, SHOTS, checkA11y, expectText, expectVisible, fillEnrollment, setUp, shot as shotOf } from './harness.mjs';

let page;
const e2e = await setUp({
  name: 'scrutins',
  totalSteps: 5,
  onFailure: async () => page?.screenshot({ path: join(SHOTS, 'failure-scrutins.png'), fullPage: true }),
});
const { tmp, step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { generateReuExtract } = await import('../../shared/electoral/synthetic.ts');

const hub = await e2e.startHub();
await addCollectivite(hub.db, { insee: INSEE, services: ['electoral'] });
const { code } = await issueEnrollmentCode(hub.db, INSEE);
const { host } = await e2e.startPc('mairie');
await e2e.launchBrowser({ viewport: { width: 1366, height: 768 } });
const shot = (name) => shotOf(page, name);
const menu = () => page.getByRole('navigation', { name: 'Menu principal' });

const extract = generateReuExtract({ seed: 5, count: 1800, inseeCode: INSEE, communeName: 'TROYES', extractDate: '2026-11-02' });
const dayPlus = (n) => new Date(Date.now() + n * 86_400_000).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

await step('the mayor enrolls the PC and imports the REU extract', async () => {
  page = await e2e.openPage(host.url);
  await fillEnrollment(page, { hubUrl: hub.url, code });
  await page.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Mairie de Troyes' }));
  await menu().getByRole('button', { name: 'Importer' }).click();
  await page
    .getByLabel('Fichier à importer')
    .setInputFiles({ name: extract.fileName, mimeType: 'text/csv', buffer: Buffer.from(extract.csv, 'utf8') });
  await expectVisible(page.getByRole('heading', { name: /Vérifiez avant d'importer/ }));
  await page.getByRole('button', { name: 'Importer', exact: true }).last().click();
  await expectVisible(page.getByText('Import terminé.'));
});

await step('a poll date in the past is refused in French; a poll in 30 days shows its calendar', async () => {
  await menu().getByRole('button', { name: 'Scrutins' }).click();
  await expectVisible(page.getByText('Aucun scrutin enregistré', { exact: false }));
  await checkA11y(page, 'scrutins (vide)');
  await page.getByLabel('Date du scrutin (premier tour)').fill(dayPlus(-2));
  await page.getByRole('button', { name: 'Enregistrer le scrutin' }).click();
  await expectText(page.locator('main').getByRole('alert'), /La date du scrutin est passée : saisissez un scrutin à venir\./);
  await page.getByLabel('Date du scrutin (premier tour)').fill(dayPlus(30));
  await page.getByRole('button', { name: 'Enregistrer le scrutin' }).click();
  await expectText(page.locator('main').getByRole('status').first(), /Scrutin « Élections municipales » enregistré\./);
  await expectText(
    page.getByRole('row', { name: /Réunion de la commission de contrôle/ }),
    new RegExp(`du ${dayPlus(6)} au ${dayPlus(9)}`),
  );
  await expectText(page.getByRole('row', { name: /Jour du scrutin/ }), new RegExp(dayPlus(30)));
  await checkA11y(page, 'scrutins (calendrier)');
  await shot('scrutins-01-calendrier');
});

await step('the émargement of one bureau is printed, streamed to the PC, every elector of the bureau in it', async () => {
  const bureau = page.getByLabel('Bureau de vote');
  const label = await bureau.locator('option').first().textContent();
  const electors = Number(/\((\d+) électeurs\)/.exec(label)[1]);
  await page.getByRole('button', { name: 'Imprimer la liste d’émargement du bureau' }).click();
  await expectText(page.locator('main').getByRole('status').first(), /Document prêt : \d+ pages\./);
  await expectVisible(page.getByRole('button', { name: /Ouvrir le PDF/ }));
  await checkA11y(page, 'scrutins (impression faite)');
  await shot('scrutins-02-emargement-imprime');
  const dir = join(tmp, 'mairie', 'impressions');
  const [file] = readdirSync(dir).filter((f) => f.startsWith('emargement-'));
  const info = execFileSync('pdfinfo', [join(dir, file)]).toString();
  const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
  if (pages < Math.ceil(electors / 25)) throw new Error(`${pages} pages for ${electors} electors`);
  const text = execFileSync('pdftotext', ['-layout', join(dir, file), '-']).toString();
  if (!text.includes(`Liste arrêtée à ${electors} électeurs`)) throw new Error('the list does not hold the bureau');
});

await step('the home screen reminds the commission de contrôle', async () => {
  await menu().getByRole('button', { name: 'Accueil' }).click();
  const reminders = page.getByRole('region', { name: 'Scrutins : à faire' });
  await expectText(reminders, /Réunion de la commission de contrôle.*dans 6 jours/);
  await checkA11y(page, 'accueil (rappels)');
  await shot('scrutins-03-accueil-rappels');
});

await step('the registers: bureaux with their address, procurations, L.37, L.68 and the statistics chart', async () => {
  await menu().getByRole('button', { name: 'Registres' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Bureaux de vote' }));
  await page.getByLabel('Adresse du bureau 0001').fill('Mairie, 1 place du Général de Gaulle, Troyes');
  await page.getByRole('row', { name: /^0001/ }).getByRole('button', { name: 'Enregistrer' }).click();
  await expectText(page.locator('main').getByRole('status').first(), /Bureau 0001 enregistré\./);
  await expectVisible(page.getByRole('img', { name: /Électeurs par bureau/ }));
  await page.getByRole('button', { name: 'Inscrire au registre' }).first().click();
  await expectText(page.locator('main').getByRole('alert'), /JJ\/MM\/AAAA/);
  await checkA11y(page, 'registres');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('scrutins-04-registres');
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
