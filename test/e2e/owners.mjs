/**
 * Browser end-to-end test of the owners (MAJIC) screens, with real parts only:
 * a real hub (temporary SQLite) where the département loads the real EDIGEO
 * sheets of Luxiol (25354) and synthetic MAJIC files whose parcels are drawn
 * from that plan, real client cores with their web hosts serving the built
 * renderer, Chromium, pdftotext.
 *
 * The story: the mayor enrolls PC 1 and gives the secretary the consultation
 * of owners (after the legal notice); on PC 2 the secretary searches an owner
 * by usage name typed without accents, opens the compte, prints the relevé
 * « pour un tiers » (names, no birth date), and the 6th communication of the
 * week to the same requester is refused with the reason. The mayor reads the
 * journal and exports it. A consultation account without the grant sees no
 * owners menu, and the hub answers 403 to its token on the owners routes.
 *
 *   npm run build:renderer && node test/e2e/owners.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ROOT, SHOTS, checkA11y, expectText, expectVisible, fillEnrollment, setUp, shot as shotOf } from './harness.mjs';

let page;
let page2;
const e2e = await setUp({
  name: 'owners',
  totalSteps: 6,
  onFailure: async () => {
    await page?.screenshot({ path: join(SHOTS, 'failure-owners-1.png'), fullPage: true });
    await page2?.screenshot({ path: join(SHOTS, 'failure-owners-2.png'), fullPage: true });
  },
});
const { tmp, step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { importCadastre } = await import('../../hub-server/cadastre/import.ts');
const { cadastreDb } = await import('../../hub-server/cadastre/tables.ts');
const { importMajic } = await import('../../hub-server/owners/import.ts');
const { generateMajic } = await import('../../shared/owners/synthetic-majic.ts');
const { parseMajic } = await import('../../shared/owners/majic-parse.ts');
const { foldName } = await import('../../shared/electoral/normalize.ts');

const LUXIOL = '25354';
const sheetsDir = join(ROOT, 'test', 'fixtures', 'cadastre', 'edigeo-25354');
const hub = await e2e.startHub({});
await addCollectivite(hub.db, { insee: LUXIOL, services: ['cadastre', 'majic'] });
await importCadastre(
  hub.db,
  readdirSync(sheetsDir).map((f) => join(sheetsDir, f)),
  { vintage: '2026-10' },
);
const planParcels = (
  await cadastreDb(hub.db).selectFrom('cadastre_objects').select('id').where('collection', '=', 'cadastre.parcels').execute()
).map((p) => p.id);
const majic = generateMajic({ insee: LUXIOL, communeName: 'LUXIOL', seed: 1, comptes: 40, parcels: planParcels });
const majicDir = join(tmp, 'majic');
mkdirSync(majicDir);
for (const [name, text] of Object.entries(majic.files)) writeFileSync(join(majicDir, name), iconv.encode(text, 'latin1'));
await importMajic(hub.db, { code: LUXIOL, files: Object.keys(majic.files).map((f) => join(majicDir, f)), millesime: 2026 });
// The owner whose usage name differs from her birth name (married): found by either.
const married = majic.traps.usageName;
const marriedOwner = parseMajic(
  Object.entries(majic.files).map(([name, text]) => ({ name, text })),
  { insee: LUXIOL, millesime: 2026 },
)
  .flatMap((c) => c.owners)
  .find((o) => o.dnuper === married.dnuper);
if (!marriedOwner?.birthDate) throw new Error('the married owner has no birth date to hide');
const marriedCompte = '000041'; // comptes 1…40 of natural persons, then the married owner's (synthetic-majic.ts)
const { code } = await issueEnrollmentCode(hub.db, LUXIOL);

const pc1 = await e2e.startPc('mairie');
const pc2 = await e2e.startPc('secretariat');
const pc3 = await e2e.startPc('accueil');
await e2e.launchBrowser({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
const shot = (p, name) => shotOf(p, name);
const menu = (p) => p.getByRole('navigation', { name: 'Menu principal' });

/** Runs a channel of a PC's core (the set-up the story does not look at: accounts, logins). */
async function call(pc, channel, input) {
  const res = await pc.core.invoke(channel, input);
  if (!res.ok) throw new Error(`${channel}: ${res.error.message}`);
  return res.value;
}

/** An account the mayor creates, logged in on `pc` with a password of its own. */
async function accountOn(pc, { username, displayName, role }) {
  await call(pc1, 'accounts:create-user', { username, displayName, role, password: 'provisoire-123456' });
  await call(pc, 'session:login', { hubUrl: hub.url, insee: LUXIOL, username, password: 'provisoire-123456', deviceName: username });
  await call(pc, 'session:change-password', { currentPassword: 'provisoire-123456', newPassword: 'lavoir-cerise-tambour-ocre' });
}

await step('the mayor gives the secretary the consultation of owners, after the legal notice', async () => {
  page = await e2e.openPage(pc1.host.url);
  await fillEnrollment(page, { hubUrl: hub.url, code });
  await page.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectText(page.getByTestId('sync-online'), /En ligne/);
  await call(pc1, 'accounts:create-user', {
    username: 'c.secretaire',
    displayName: 'Claire Secrétaire',
    role: 'secretaire',
    password: 'provisoire-123456',
  });
  await menu(page).getByRole('button', { name: 'Comptes' }).click();
  const box = page.getByRole('checkbox', { name: 'Consultation des propriétaires (MAJIC) pour Claire Secrétaire' });
  await expectVisible(box);
  if (await box.isChecked()) throw new Error('granted before the mayor said so');
  await box.click();
  const dialog = page.getByRole('alertdialog', { name: 'Autoriser la consultation des propriétaires ?' });
  await expectText(dialog, /données personnelles.*R\*107 A-3/);
  await shot(page, 'owners-01-autorisation');
  await checkA11y(page, 'autorisation propriétaires');
  await dialog.getByRole('button', { name: 'Donner l’autorisation' }).click();
  await expectText(page.getByText(/L’autorisation est donnée/), /prochaine connexion/);
  if (!(await box.isChecked())) throw new Error('the switch is not on after the grant');
  // The mayor has no grant herself: no owners search in her menu, only the journal.
  if ((await menu(page).getByRole('button', { name: 'Propriétaires', exact: true }).count()) !== 0)
    throw new Error('the mayor sees the owners without a grant');
  await expectVisible(menu(page).getByRole('button', { name: 'Journal des consultations' }));
});

await step('the secretary finds an owner by her usage name typed without accents, and opens the compte', async () => {
  await call(pc2, 'session:login', {
    hubUrl: hub.url,
    insee: LUXIOL,
    username: 'c.secretaire',
    password: 'provisoire-123456',
    deviceName: 'Secrétariat',
  });
  await call(pc2, 'session:change-password', { currentPassword: 'provisoire-123456', newPassword: 'lavoir-cerise-tambour-ocre' });
  await call(pc2, 'sync:now', null);
  page2 = await e2e.openPage(pc2.host.url);
  await menu(page2).getByRole('button', { name: 'Propriétaires', exact: true }).click();
  await expectText(page2.getByRole('heading', { level: 1 }), /Propriétaires/);
  await expectText(page2.getByText(/comptes communaux, MAJIC millésime 2026/), /\d+ comptes communaux/, 30_000);
  const typed = foldName(married.usageName).toLowerCase();
  if (typed === married.usageName.toLowerCase()) throw new Error(`the usage name ${married.usageName} has no accent to drop`);
  await page2.getByLabel("Nom de naissance ou d'usage, parcelle ou numéro de compte").fill(typed);
  await expectText(page2.getByRole('status').filter({ hasText: /trouvé/ }), /propriétaires? trouvés?/);
  const row = page2.getByRole('row').filter({ has: page2.getByRole('button', { name: new RegExp(`Ouvrir le compte ${marriedCompte} `) }) });
  if ((await row.getAttribute('data-personal')) === null) throw new Error('a result row is not marked data-personal');
  await shot(page2, 'owners-02-recherche');
  await checkA11y(page2, 'recherche des propriétaires');
  await row.getByRole('button').click();
  await expectText(page2.getByRole('heading', { level: 1 }), new RegExp(`Compte communal ${marriedCompte}`));
  const owners = page2.getByRole('table', { name: `Propriétaires du compte ${marriedCompte}` });
  await expectText(owners, new RegExp(`${married.usageName}.*${married.birthName}`));
  await expectText(page2.getByRole('table', { name: `Parcelles du compte ${marriedCompte}` }), /[A-Z0-9]{1,2} \d+/);
  await shot(page2, 'owners-03-compte');
  await checkA11y(page2, 'compte communal');
  // A parcel of the compte opens on the plan, whose fiche leads back to the owners of that parcel.
  const parcel = page2.getByRole('button', { name: /^Voir la parcelle .* sur le plan cadastral$/ }).first();
  const ref = /Voir la parcelle (.*) sur le plan cadastral/.exec(await parcel.getAttribute('aria-label'))[1];
  await parcel.click();
  await expectText(page2.locator('#cadastre-fiche-title'), new RegExp(`Parcelle ${ref} — LUXIOL`), 30_000);
  await page2.locator('.cadastre-fiche').getByRole('button', { name: 'Propriétaires' }).click();
  await expectText(page2.getByRole('heading', { level: 1 }), new RegExp(`Propriétaires de la parcelle ${ref}`));
  await expectText(page2.getByRole('main'), new RegExp(`Compte ${marriedCompte} — .*${married.usageName}`));
  await shot(page2, 'owners-03b-parcelle');
  await checkA11y(page2, 'propriétaires d’une parcelle');
  await page2.getByRole('button', { name: `Compte ${marriedCompte}` }).click();
  await expectText(page2.getByRole('heading', { level: 1 }), new RegExp(`Compte communal ${marriedCompte}`));
});

const requester = 'Étude Maître Durand';
const purpose = 'Succession, demande écrite du 2 décembre';

async function releveForThirdParty() {
  await page2.getByRole('button', { name: 'Relevé de propriété (PDF)…' }).click();
  const dialog = page2.getByRole('dialog', { name: 'Relevé de propriété' });
  await dialog.getByLabel(/Pour un tiers/).check();
  await dialog.getByLabel('Nom du demandeur').fill(requester);
  await dialog.getByLabel('Motif de la demande').fill(purpose);
  return dialog;
}

await step('prints the relevé « pour un tiers »: names, no birth date, the count shown', async () => {
  const dialog = await releveForThirdParty();
  await expectText(dialog.getByTestId('owners-usage'), /0 communication sur 5 cette semaine, 0 sur 10 ce mois/);
  await shot(page2, 'owners-04-releve');
  await checkA11y(page2, 'relevé de propriété');
  const [download] = await Promise.all([
    page2.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Imprimer le relevé (PDF)' }).click(),
  ]);
  const file = join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  const fold = (s) => foldName(s).replace(/\s+/g, ' ');
  for (const s of [married.usageName, married.birthName, marriedCompte])
    if (!fold(text).includes(fold(s))) throw new Error(`« ${s} » missing from the relevé`);
  // Neither her birth date nor her birth place; no date at all but the day it is printed.
  for (const s of [marriedOwner.birthDate, marriedOwner.birthPlace])
    if (s && fold(text).includes(fold(s))) throw new Error(`the relevé for a third party shows « ${s} »:\n${text}`);
  if (/\d{2}\/\d{2}\/(19|20)\d{2}/.test(text.replace(/édité le \d{2}\/\d{2}\/20\d{2}/gi, '')))
    throw new Error(`the relevé for a third party shows a date:\n${text}`);
  await expectText(dialog.getByTestId('owners-usage'), /1 communication sur 5 cette semaine, 1 sur 10 ce mois/);
  await dialog.getByRole('button', { name: 'Fermer' }).click();
});

await step('the 6th communication of the week to the same requester is refused with the reason', async () => {
  for (let i = 2; i <= 5; i++) {
    const dialog = await releveForThirdParty();
    await Promise.all([page2.waitForEvent('download'), dialog.getByRole('button', { name: 'Imprimer le relevé (PDF)' }).click()]);
    await expectText(dialog.getByTestId('owners-usage'), new RegExp(`${i} communications sur 5 cette semaine`));
    await dialog.getByRole('button', { name: 'Fermer' }).click();
  }
  const dialog = await releveForThirdParty();
  await dialog.getByRole('button', { name: 'Imprimer le relevé (PDF)' }).click();
  await expectText(
    dialog.getByRole('alert'),
    /déjà reçu 5 communications cette semaine : la limite est de 5 par semaine \(article R\*107 A-3/,
  );
  await shot(page2, 'owners-05-refus');
  await checkA11y(page2, 'relevé refusé');
  await dialog.getByRole('button', { name: 'Fermer' }).click();
});

await step('the mayor reads the journal and exports it as CSV', async () => {
  await page.getByRole('button', { name: 'Synchroniser maintenant' }).click();
  await menu(page).getByRole('button', { name: 'Journal des consultations' }).click();
  await expectText(page.getByRole('heading', { level: 1 }), /Journal des consultations/);
  await expectText(page.getByRole('table'), new RegExp(`Relevé pour un tiers.*${requester}`), 30_000);
  await shot(page, 'owners-06-journal');
  await checkA11y(page, 'journal des consultations');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Exporter le journal (CSV)' }).click(),
  ]);
  const file = join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  const csv = readFileSync(file, 'utf8');
  if (csv.split('\n').filter((l) => l.includes(requester)).length !== 5)
    throw new Error(`expected the 5 communications in the CSV:\n${csv}`);
});

await step('a consultation account without the grant: no owners menu, and 403 from the hub with its token', async () => {
  await accountOn(pc3, { username: 'accueil', displayName: 'Paul Accueil', role: 'consultation' });
  const page3 = await e2e.openPage(pc3.host.url);
  await expectVisible(menu(page3).getByRole('button', { name: 'Plan cadastral' }));
  if ((await menu(page3).getByRole('button', { name: 'Propriétaires', exact: true }).count()) !== 0)
    throw new Error('the consultation account sees « Propriétaires »');
  await shot(page3, 'owners-07-consultation');
  await checkA11y(page3, 'accueil sans autorisation');
  const login = await fetch(`${hub.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ insee: LUXIOL, username: 'accueil', password: 'lavoir-cerise-tambour-ocre', deviceName: 'curl' }),
  });
  const { token } = await login.json();
  if (!token) throw new Error(`no token (${login.status})`);
  const auth = { authorization: `Bearer ${token}` };
  const raw = await fetch(`${hub.url}/api/v1/owners/communications`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: randomUUID(),
      requesterName: 'Quelqu’un',
      requesterKind: 'tiers',
      ownerDnuper: null,
      compteId: `${LUXIOL.slice(0, 2)}0${LUXIOL.slice(2)}${marriedCompte}`,
      parcels: [],
      purpose: 'Essai',
    }),
  });
  if (raw.status !== 403) throw new Error(`POST /api/v1/owners/communications answered ${raw.status}, not 403`);
  const journal = await fetch(`${hub.url}/api/v1/owners/journal.csv`, { headers: auth });
  if (journal.status !== 403) throw new Error(`GET /api/v1/owners/journal.csv answered ${journal.status}, not 403`);
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
