/**
 * Browser end-to-end test of an electoral demand, with real parts only: a
 * real hub (temporary SQLite), a town-hall PC (client core + web host serving
 * the built renderer), Chromium, synthetic REU extracts, pdftotext.
 *
 * The story: the mayor enrolls the PC and imports the REU extract; she records
 * an inscription deposited at the counter with its two justificatifs (PDF),
 * and an older one whose 5-day deadline has passed (red, « En retard »); the
 * home tile lists both; she accepts the first, gets the acceptance letter (PDF,
 * and the .eml whose attached PDF says « acceptée »), records the notification
 * and the transmission to the REU; the next extract, which lists the person,
 * closes the demand by itself (« rapprochée »).
 *
 *   npm run build:renderer && node test/e2e/demands.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSEE, SHOTS, checkA11y, expectText, expectVisible, fillEnrollment, setUp, shot as shotOf } from './harness.mjs';

let page;
const e2e = await setUp({
  name: 'demandes',
  totalSteps: 6,
  onFailure: async () => page?.screenshot({ path: join(SHOTS, 'failure-demandes.png'), fullPage: true }),
});
const { tmp, step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { generateReuRows, renderReuCsv, syntheticFileName } = await import('../../shared/electoral/synthetic.ts');
const { addDays, frenchDay, parisDay } = await import('../../shared/calendar.ts');

const hub = await e2e.startHub();
await addCollectivite(hub.db, { insee: INSEE, services: ['electoral'] });
const { code } = await issueEnrollmentCode(hub.db, INSEE);
const { host } = await e2e.startPc('accueil');

const today = parisDay(new Date());
const OPTS = { seed: 5, count: 300, inseeCode: INSEE, communeName: 'TROYES', traps: false };
const rows = generateReuRows({ ...OPTS, extractDate: addDays(today, -5) });
const extract = (extractDate, extra = []) => ({
  name: syntheticFileName({ inseeCode: INSEE, extractDate }),
  mimeType: 'text/csv',
  buffer: Buffer.from(renderReuCsv([...rows, ...extra]), 'utf8'),
});
const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n%%EOF\n`) });

await e2e.launchBrowser({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
const shot = (name, full = false) => shotOf(page, name, { fullPage: full });
const menu = () => page.getByRole('navigation', { name: 'Menu principal' });
const heading = () => page.getByRole('heading', { level: 1 });

async function importExtract(file) {
  await menu().getByRole('button', { name: 'Importer' }).click();
  const another = page.getByRole('button', { name: 'Importer un autre fichier' });
  if (await another.isVisible().catch(() => false)) await another.click();
  await page.getByLabel('Fichier à importer').setInputFiles(file);
  await expectVisible(page.getByRole('heading', { name: /Vérifiez avant d'importer/ }));
  await page.getByRole('button', { name: 'Importer', exact: true }).last().click();
  await expectVisible(page.getByText('Import terminé.'));
}

async function fillInscription({ birthName, firstNames, birthDate, birthPlace, deposit, files }) {
  await menu().getByRole('button', { name: 'Demandes' }).click();
  await page.getByRole('button', { name: "Nouvelle demande d'inscription" }).click();
  await page.getByLabel('Nom de naissance').fill(birthName);
  await page.getByLabel('Prénoms').fill(firstNames);
  await page.getByLabel('Date de naissance').fill(birthDate);
  await page.getByLabel(/Lieu de naissance/).fill(birthPlace);
  await page.getByLabel('Date de dépôt').fill(deposit);
  await page.getByLabel('Nouvelle adresse dans la commune').fill('12 rue Émile Zola, 10000 Troyes');
  for (const [label, file] of files) await page.getByLabel(label).setInputFiles(file);
}

await step('the mayor enrolls the PC and imports the REU extract', async () => {
  page = await e2e.openPage(host.url);
  await fillEnrollment(page, { hubUrl: hub.url, code });
  await page.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Mairie de Troyes' }));
  await importExtract(extract(addDays(today, -5)));
});

await step('records an inscription: a missing justificatif is refused in French, then saved with both PDFs', async () => {
  await fillInscription({
    birthName: "N'DIAYE-LEFÈVRE",
    firstNames: 'Aïssata Marie',
    birthDate: '14/02/1998',
    birthPlace: 'Dakar (Sénégal)',
    deposit: frenchDay(today),
    files: [["Justificatif d'identité (et de nationalité)", pdf('passeport.pdf')]],
  });
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await expectText(page.locator('#pieces-error'), /Joignez la pièce : Justificatif d’attache/);
  await checkA11y(page, 'demande (pièce manquante)');
  await page.getByLabel(/Justificatif d’attache/).setInputFiles(pdf('quittance-loyer.pdf'));
  await shot('demandes-01-formulaire', true);
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await expectText(heading(), /^Demandes$/);
  await expectVisible(page.getByRole('button', { name: /Ouvrir la demande de N'DIAYE-LEFÈVRE/ }));
  await expectText(page.getByRole('table'), /Décision du maire : Reste 5 jours/);
});

await step('an older demand is late: the list and the home tile say so in words and in red', async () => {
  await fillInscription({
    birthName: 'ROUX',
    firstNames: 'Léa',
    birthDate: '09/09/1991',
    birthPlace: 'Troyes',
    deposit: frenchDay(addDays(today, -8)),
    files: [
      ["Justificatif d'identité (et de nationalité)", pdf('cni.pdf')],
      [/Justificatif d’attache/, pdf('facture.pdf')],
    ],
  });
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await expectText(page.getByRole('table'), /En retard de 3 jours/);
  await checkA11y(page, 'demandes (liste)');
  await shot('demandes-02-liste', true);
  await menu().getByRole('button', { name: 'Accueil' }).click();
  const tile = page.getByRole('list', { name: 'Délais des demandes' });
  await expectText(
    tile,
    /ROUX Léa Décision du maire : En retard de 3 jours.*N'DIAYE-LEFÈVRE Aïssata Marie Décision du maire : Reste 5 jours/,
  );
  const red = await tile.locator('.badge-late').evaluate((el) => getComputedStyle(el).color);
  if (red !== 'rgb(179, 38, 30)') throw new Error(`late badge not red: ${red}`);
  await checkA11y(page, 'accueil (délais)');
  await shot('demandes-03-accueil');
});

await step('accepts the demand and gets the acceptance letter (PDF in the .eml, checked with pdftotext)', async () => {
  await page.getByRole('button', { name: "N'DIAYE-LEFÈVRE Aïssata Marie" }).click();
  await expectText(heading(), /Inscription — N'DIAYE-LEFÈVRE Aïssata Marie/);
  await expectVisible(page.getByRole('button', { name: 'passeport.pdf' }));
  // A piece that came later: added for good.
  await page.getByLabel('Fichier de la pièce (PDF ou scan, 20 Mo au plus)').setInputFiles(pdf('attestation-hebergement.pdf'));
  await expectText(page.locator('main p.alert-success'), /Pièce jointe à la demande/);
  await expectVisible(page.getByRole('button', { name: 'attestation-hebergement.pdf' }));
  await checkA11y(page, 'demande (à décider)');
  await page.getByRole('button', { name: 'Accepter la demande' }).click();
  await expectText(page.locator('main p.alert-success'), /Demande acceptée/);
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: "Lettre d'acceptation (PDF à imprimer)" }).click();
  await (await popup).close();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Enregistrer le courriel/ }).click();
  const emlPath = join(tmp, 'lettre.eml');
  await (await download).saveAs(emlPath);
  const eml = readFileSync(emlPath, 'latin1');
  const attached = eml.split('\r\n\r\n')[3].split('\r\n--')[0].replace(/\r\n/g, '');
  const pdfPath = join(tmp, 'lettre.pdf');
  writeFileSync(pdfPath, Buffer.from(attached, 'base64'));
  const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  if (!/a été acceptée par décision du/.test(text) || !/Aïssata Marie N'DIAYE-LEFÈVRE/.test(text) || !/Cerfa n° 12669\*02/.test(text))
    throw new Error(`acceptance letter text: ${text.slice(0, 400)}`);
  await checkA11y(page, 'demande (acceptée)');
  await shot('demandes-04-acceptee', true);
});

await step('records the notification and the transmission to the REU; the demand waits for the next extract', async () => {
  await page.getByRole('button', { name: 'Enregistrer la notification' }).click();
  await expectText(page.locator('main p.alert-success'), /Notification enregistrée/);
  await page.getByRole('button', { name: 'Enregistrer la transmission au REU' }).click();
  await expectText(page.locator('main p.alert-success'), /Transmission au REU enregistrée/);
  await expectText(page.locator('dl.facts'), /Transmise au REU le .* en attente du prochain extrait/);
  await menu().getByRole('button', { name: 'Demandes' }).click();
  await expectText(
    page.locator('section', { has: page.getByRole('heading', { name: /Transmises au REU/ }) }),
    /N'DIAYE-LEFÈVRE Aïssata Marie/,
  );
});

await step('the next extract lists her: the demand is reconciled and closed by itself', async () => {
  const model = rows[0];
  const her = {
    ...model,
    birthName: 'NDIAYE LEFEVRE',
    usageName: '',
    firstNames: 'AISSATA MARIE',
    birthDate: '14/02/1998',
    birthCommuneLabel: 'DAKAR',
  };
  await importExtract(extract(today, [her]));
  await menu().getByRole('button', { name: 'Demandes' }).click();
  await expectVisible(page.getByText('Aucune : chaque demande transmise a été retrouvée dans un extrait importé.'));
  await page.getByRole('button', { name: /Ouvrir la demande de N'DIAYE-LEFÈVRE/ }).click();
  await expectText(page.locator('dl.facts'), /rapprochée de l’extrait du .* \(par l’identité\) : demande close/);
  await checkA11y(page, 'demande (rapprochée)');
  await shot('demandes-05-rapprochee', true);
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
