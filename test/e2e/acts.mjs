/**
 * Browser end-to-end test of the legality control (ACTES), with real parts
 * only: a real hub (temporary SQLite) running its ACTES service — forwarder
 * to the prefecture and the return mailbox —, the prefecture simulator over
 * HTTPS sending its answers by e-mail, a real client core with its web host
 * serving the built renderer, Chromium, a PDF made with pdf-lib and a
 * certificate made with openssl.
 *
 * The story: the mayor enrolls the town-hall PC, imports the signing
 * certificate, drafts an act guided by the form, signs it with the
 * certificate's password; the network is down when she clicks « Transmettre »
 * (the act waits on the PC), comes back, the act reaches the prefecture, the
 * acknowledgement comes back by mail, the screen shows « Accusé de réception
 * reçu » with the IDActe, and the bordereau downloads.
 *
 *   npm run build && node test/e2e/acts.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { INSEE, SHOTS, checkA11y, expectText, expectVisible, fillEnrollment, setUp, shot as shotOf } from './harness.mjs';

/** From « Transmettre » to the acknowledgement: upload, forward, simulator, mail, pull. */
const ROUND_TRIP_TIMEOUT = 90_000;

let page;
let idActeSeen;

const e2e = await setUp({
  name: 'actes',
  totalSteps: 9,
  onFailure: async () => page?.screenshot({ path: join(SHOTS, 'failure-actes.png'), fullPage: true }),
});
const { tmp, step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { publishClassification } = await import('../../hub-server/acts/classification.ts');
const { makePki, P12_PASSWORD } = await import('../../electron/signing/test-fixtures.ts');
const { addTrustAnchor } = await import('../../hub-server/acts/trust-list.ts');

// ——— prefecture simulator and hub with its ACTES service ———
const { sim, hub } = await e2e.startActesHub();
const hubUrl = hub.url;
await addCollectivite(hub.db, { insee: INSEE, services: ['electoral', 'acts'] });
// The hub copies its classification to communes with ACTES when its service starts; this one came after.
await publishClassification(hub.db);
const { code } = await issueEnrollmentCode(hub.db, INSEE);

// ——— the town-hall PC ———
const { host } = await e2e.startPc('accueil');

// ——— what the mayor brings: a certificate (openssl) and the act as a PDF (pdf-lib) ———
// Her certificate names Troyes' SIREN (eIDAS organizationIdentifier) and its CA is in the département's trust list.
const pki = makePki(join(tmp, 'pki'), {
  signerSubject: '/CN=Jeanne Dupont/O=MAIRIE DE TROYES/organizationIdentifier=NTRFR-211003744/C=FR',
});
await addTrustAnchor(hub.db, readFileSync(pki.caPem));
// A personal certificate naming no SIREN, from a CA the département does not list.
const noSiren = makePki(join(tmp, 'pki-sans-siren'), { signerSubject: '/CN=Jeanne Dupont/O=Mairie/C=FR', caName: 'AC Inconnue' });
const doc = await PDFDocument.create();
const font = await doc.embedFont(StandardFonts.Helvetica);
doc.addPage([595, 842]).drawText('Délibération n° 2026_E2E1 — Tarifs de la cantine scolaire 2027', { x: 50, y: 780, size: 12, font });
const actPdf = Buffer.from(await doc.save());
// Typed as at the counter: JJ/MM/AAAA.
const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

// ——— browser ———
await e2e.launchBrowser({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
const shot = (name) => shotOf(page, name, { fullPage: true });
const menu = () => page.getByRole('navigation', { name: 'Menu principal' });
const heading = () => page.getByRole('heading', { level: 1 });

await step('the mayor enrolls the PC; the home page opens the legality control', async () => {
  page = await e2e.openPage(host.url);
  await fillEnrollment(page, { hubUrl, code });
  await page.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Mairie de Troyes' }));
  await expectText(page.getByTestId('sync-online'), /En ligne/);
  await page.getByRole('button', { name: 'Ouvrir le contrôle de légalité' }).click();
  await expectText(heading(), /Contrôle de légalité/);
  await expectVisible(page.getByText('Aucun acte pour le moment.', { exact: false }));
  await checkA11y(page, 'actes (liste vide)');
});

await step('imports the signing certificate (.p12 and its password)', async () => {
  await menu().getByRole('button', { name: 'Certificat de signature' }).click();
  await expectVisible(page.getByText("Aucun certificat n'est installé sur ce poste."));
  await checkA11y(page, 'certificat');
  await page.getByLabel('Fichier du certificat').setInputFiles(pki.p12Aes);
  await page.getByLabel('Mot de passe du certificat').fill(P12_PASSWORD);
  await page.getByRole('button', { name: 'Importer le certificat' }).click();
  await expectText(page.locator('.fiche'), /Titulaire Jeanne Dupont.*Délivré par .*AC Test Guichet/);
  await expectText(
    page.locator('.fiche'),
    /SIREN 211003744 — celui de la collectivité.*Autorité reconnue par le département \(AC Test Guichet\)/,
  );
  if ((await page.getByLabel('Mot de passe du certificat').inputValue()) !== '') throw new Error('the password stayed in the form');
  await shot('actes-01-certificat');
  // The file field is emptied once the certificate is in.
  await expectVisible(page.getByText('Aucun fichier choisi'));
});

await step('drafts an act: the form guides her (uppercase number, problem next to the field), then saves the draft', async () => {
  await menu().getByRole('button', { name: 'Actes' }).click();
  await page.getByRole('button', { name: 'Préparer un nouvel acte' }).click();
  await page.getByLabel("Nature de l'acte").selectOption('1');
  const numero = page.getByLabel('Numéro interne');
  await numero.pressSequentially('_2026_e2e1');
  await numero.blur();
  // The core's rule, next to the field, tied to it for screen readers.
  const numeroError = page.locator('#act-numero-error');
  await expectText(numeroError, /ni au début ni à la fin/);
  if (!(await numero.getAttribute('aria-describedby')).includes('act-numero-error')) throw new Error('error not tied to the field');
  await numero.fill('');
  await numero.pressSequentially('2026_e2e1');
  if ((await numero.inputValue()) !== '2026_E2E1') throw new Error(`numéro interne not uppercased: ${await numero.inputValue()}`);
  await numeroError.waitFor({ state: 'detached' });
  await checkA11y(page, 'acte (formulaire, une erreur)');
  await page.getByLabel('Date de décision').fill(yesterday);
  await page.getByLabel('Objet').fill('Tarifs de la cantine scolaire 2027');
  const level1 = page.getByLabel('Matière', { exact: true });
  await level1.selectOption({ index: 1 });
  await page.getByLabel('Sous-matière').selectOption({ index: 1 });
  await page
    .getByLabel("Fichier de l'acte")
    .setInputFiles({ name: 'deliberation-2026_E2E1.pdf', mimeType: 'application/pdf', buffer: actPdf });
  await expectText(page.getByRole('list', { name: "Fichier de l'acte choisi" }), /deliberation-2026_E2E1\.pdf PDF, \d+/);
  await shot('actes-02-brouillon');
  await checkA11y(page, 'acte (formulaire rempli)');
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await expectText(heading(), /Acte 2026_E2E1.*Brouillon/);
  await checkA11y(page, 'acte (brouillon)');
  await expectText(menu().locator('[aria-current]'), /^Actes$/);
});

await step(
  'a certificate without SIREN from an unlisted CA: warned, and the sign dialog asks her to confirm it is the commune’s',
  async () => {
    const importP12 = async (file) => {
      await menu().getByRole('button', { name: 'Certificat de signature' }).click();
      await page.getByLabel('Fichier du certificat').setInputFiles(file);
      await page.getByLabel('Mot de passe du certificat').fill(P12_PASSWORD);
      await page.getByRole('button', { name: 'Importer le certificat' }).click();
    };
    await importP12(noSiren.p12Aes);
    await expectText(page.locator('.fiche'), /SIREN aucun Autorité non reconnue par le département/);
    await expectVisible(page.getByText('Ce certificat ne porte pas de SIREN', { exact: false }));
    await checkA11y(page, 'certificat sans SIREN');
    await page.getByRole('button', { name: 'Retour aux actes' }).click();
    await page.getByRole('button', { name: "Ouvrir l'acte 2026_E2E1" }).click();
    await page.getByRole('button', { name: "Signer l'acte" }).click();
    const dialog = page.getByRole('dialog', { name: "Signer l'acte" });
    await expectVisible(dialog.getByLabel('Je confirme que ce certificat est celui de la collectivité'));
    await expectVisible(dialog.getByText('pas dans la liste de confiance du département', { exact: false }));
    await dialog.getByLabel('Mot de passe du certificat').fill(P12_PASSWORD);
    await dialog.getByRole('button', { name: 'Signer', exact: true }).click();
    await expectVisible(dialog.locator('#sign-siren-error'));
    await checkA11y(page, 'signature (confirmation sans SIREN)');
    await shot('actes-02c-sans-siren');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    // She imports the commune's certificate instead.
    await importP12(pki.p12Aes);
    await expectText(page.locator('.fiche'), /SIREN 211003744 — celui de la collectivité/);
    await page.getByRole('button', { name: 'Retour aux actes' }).click();
    await page.getByRole('button', { name: "Ouvrir l'acte 2026_E2E1" }).click();
    await expectText(heading(), /Acte 2026_E2E1.*Brouillon/);
  },
);

await step('signs the act with the certificate password (a wrong one is refused first)', async () => {
  await page.getByRole('button', { name: "Signer l'acte" }).click();
  const dialog = page.getByRole('dialog', { name: "Signer l'acte" });
  await expectVisible(dialog);
  await checkA11y(page, 'signature');
  await dialog.getByLabel('Mot de passe du certificat').fill('pas-le-bon');
  await dialog.getByRole('button', { name: 'Signer', exact: true }).click();
  await expectVisible(dialog.locator('#sign-password-error'));
  await dialog.getByLabel('Mot de passe du certificat').fill(P12_PASSWORD);
  await dialog.getByRole('button', { name: 'Signer', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await expectText(heading(), /Acte 2026_E2E1.*Signé, prêt à transmettre/);
  await expectText(page.locator('.fiche'), /Signé par Jeanne Dupont/);
  await expectText(page.getByTestId('signature-verdict'), /signature valide, certificat reconnu \(AC Test Guichet\)/);
  await shot('actes-02b-signe');
});

await step('the hub is down: « Transmettre » keeps the act on the PC (en attente d’envoi)', async () => {
  await hub.stop();
  await page.getByRole('button', { name: 'Transmettre à la préfecture' }).click();
  await expectText(heading(), /Acte 2026_E2E1 En attente d'envoi/);
  await expectVisible(page.getByText("En attente d'envoi :"));
  await expectText(page.getByTestId('sync-online'), /Hors ligne/);
  await shot('actes-03-en-attente');
});

await step('the hub is back: the act goes to the prefecture, the acknowledgement comes back by mail, the bordereau downloads', async () => {
  await hub.restart();
  await page.getByRole('button', { name: 'Synchroniser maintenant' }).click();
  await expectText(heading(), /Acte 2026_E2E1.*Accusé de réception reçu/, ROUND_TRIP_TIMEOUT);
  const idActe = await expectText(page.locator('.fiche'), /IDActe 010-\d{9}-\d{8}-2026_E2E1-DE/);
  if (sim.stats().arActe < 1) throw new Error('the simulator sent no ARActe');
  await expectText(page.getByRole('list', { name: "Étapes de l'acte" }), /Accusé de réception/);
  await shot('actes-04-accuse-de-reception');
  await checkA11y(page, 'acte (accusé de réception)');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Télécharger le bordereau' }).click(),
  ]);
  const file = join(tmp, 'bordereau.pdf');
  await download.saveAs(file);
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error(`the bordereau is not a PDF (${download.suggestedFilename()})`);
  idActeSeen = /010-\d{9}-\d{8}-2026_E2E1-DE/.exec(idActe)[0];
  // The list says the same.
  await page.getByRole('button', { name: '← Tous les actes' }).click();
  await expectText(page.getByRole('table', { name: 'Liste des actes' }), new RegExp(`2026_E2E1.*Accusé de réception reçu.*${idActeSeen}`));
  await checkA11y(page, 'actes (liste)');
});

await step('the prefecture asks for more documents (3-1): the mayor sends them (3-4), the prefecture acknowledges', async () => {
  await sim.sendLetter({ idActe: idActeSeen, type: '3-1' });
  await page.getByRole('button', { name: "Ouvrir l'acte 2026_E2E1" }).click();
  const letter = page.getByRole('region', { name: 'Demande de pièces complémentaires' });
  await expectVisible(letter, ROUND_TRIP_TIMEOUT);
  await letter.getByLabel('Envoyer les pièces complémentaires').check();
  await checkA11y(page, 'acte (réponse à un courrier)');
  await letter
    .getByLabel('Documents de la réponse')
    .setInputFiles({ name: 'note-de-synthese.pdf', mimeType: 'application/pdf', buffer: actPdf });
  await letter.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expectText(page.locator('.letter').filter({ hasText: 'Envoyé par la commune' }), /Reçu par la préfecture/, ROUND_TRIP_TIMEOUT);
  await shot('actes-05-courrier');
});

await step('asks to cancel the act (with a confirmation): the prefecture acknowledges the cancellation', async () => {
  await page.getByRole('button', { name: "Demander l'annulation" }).click();
  const confirm = page.getByRole('alertdialog', { name: "Demander l'annulation de l'acte ?" });
  await confirm.getByRole('button', { name: 'Annuler' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: "Demander l'annulation" }).click();
  await confirm.getByRole('button', { name: "Demander l'annulation" }).click();
  await expectText(heading(), /Acte 2026_E2E1.*Annulé/, ROUND_TRIP_TIMEOUT);
  if (sim.stats().arAnnulation < 1) throw new Error('the simulator acknowledged no cancellation');
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
