/**
 * Browser end-to-end test of the département's console, with real parts only: a real hub
 * (temporary SQLite) serving /console and running its ACTES service, the prefecture simulator
 * answering by e-mail, Chromium. An agent signs in with her password and a TOTP code computed
 * by otplib (enrolling the second factor from the QR page), walks every screen (each passes
 * checkA11y, screenshots at 1366×768), puts a commune on the pilot channel, and requeues a failed
 * transmission, which the prefecture then acknowledges.
 *
 *   npm run build:renderer && node test/e2e/console.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generate } from 'otplib';
import { INSEE, SHOTS, checkA11y, expectText, expectVisible, setUp, shot as shotOf } from './harness.mjs';

let page;
const e2e = await setUp({
  name: 'console',
  totalSteps: 6,
  onFailure: async () => page?.screenshot({ path: join(SHOTS, 'failure-console.png'), fullPage: true }),
});
const { step } = e2e;
const { addCollectivite } = await import('../../hub-server/accounts/admin.ts');
const { publishClassification, currentClassification } = await import('../../hub-server/acts/classification.ts');
const { hashPassword } = await import('../../hub-server/accounts/passwords.ts');
const { insertStaff } = await import('../../hub-server/console/staff-store.ts');
const { nowIso } = await import('../../hub-server/db/dialect.ts');

// ——— prefecture simulator and hub with its ACTES service ———
const { hub } = await e2e.startActesHub();
await addCollectivite(hub.db, { insee: INSEE, services: ['electoral', 'acts'] });
await publishClassification(hub.db);
const troyes = await hub.db.selectFrom('collectivites').select('id').where('insee', '=', INSEE).executeTakeFirstOrThrow();
const PASSWORD = 'console-e2e-mot-de-passe';
await insertStaff(hub.db, {
  login: 'c.martin',
  displayName: 'Claire Martin',
  role: 'administrateur',
  passwordHash: await hashPassword(PASSWORD),
});

// A classification request the platform once refused for good (as failSend leaves it): only a person can requeue it.
const failedId = randomUUID();
const held = await currentClassification(hub.db);
await hub.db
  .insertInto('actes_transmissions')
  .values({
    id: failedId,
    commune_id: troyes.id,
    act_id: null,
    kind: 'classification',
    payload: JSON.stringify({ kind: 'classification', dateClassification: held.dateClassification }),
    state: 'failed',
    attempts: 1,
    next_attempt_at: nowIso(),
    claimed_by: null,
    claimed_at: null,
    serial: null,
    archive_name: null,
    archive_size: null,
    archive: null,
    id_acte: null,
    error: "La plateforme @CTES a refusé l'archive.",
    uncertain_since: null,
    created_at: nowIso(),
    sent_at: null,
    updated_at: nowIso(),
  })
  .execute();

await e2e.launchBrowser({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
const shot = (name) => shotOf(page, name);
const menu = () => page.getByRole('navigation', { name: 'Menu de la console' });
const heading = () => page.getByRole('heading', { level: 1 });
const open = async (label) => {
  await menu().getByRole('link', { name: label }).click();
  await expectText(heading(), new RegExp(label));
};

await step('the agent signs in: password, then enrols the second factor from the QR code and types the code', async () => {
  page = await e2e.openPage(`${hub.url}/console/`);
  await expectText(heading(), /Console du département/);
  await checkA11y(page, 'console (connexion)');
  await page.getByLabel('Identifiant').fill('c.martin');
  await page.getByLabel('Mot de passe').fill('mauvais-mot-de-passe');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expectText(page.getByRole('alert'), /incorrect/);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expectVisible(page.getByRole('img', { name: 'QR code du second facteur' }));
  await checkA11y(page, 'console (enrôlement du second facteur)');
  await shot('console-01-second-facteur');
  const secret = (await page.locator('code.secret').textContent()).trim();
  await page.getByLabel('Code à usage unique').fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expectText(heading(), /Collectivités/);
  await expectText(page.locator('.who'), /Claire Martin/);
});

await step('Collectivités: Troyes on the pilot channel', async () => {
  await expectVisible(page.getByRole('cell', { name: 'Troyes 10387' }));
  await checkA11y(page, 'console (collectivités)');
  await page.getByRole('button', { name: 'Mettre sur pilote' }).click();
  await expectText(page.getByRole('status'), /suit maintenant le canal pilote/);
  await shot('console-02-collectivites');
});

await step('Postes and Mises à jour', async () => {
  await open('Postes');
  await checkA11y(page, 'console (postes)');
  await shot('console-03-postes');
  await open('Mises à jour');
  await expectVisible(page.getByRole('heading', { name: 'Canal pilote' }));
  await expectText(page.locator('main'), /1 collectivité sur ce canal/);
  await checkA11y(page, 'console (mises à jour)');
  await shot('console-04-mises-a-jour');
});

await step('File ACTES: the failed transmission is requeued, and the prefecture acknowledges it', async () => {
  await open('File ACTES');
  await expectVisible(page.getByText('En échec', { exact: true }));
  await checkA11y(page, 'console (file ACTES)');
  await shot('console-05-actes');
  await page.getByRole('button', { name: /^Relancer/ }).click();
  await expectText(page.getByRole('status'), /Transmission relancée/);
  await expectVisible(page.getByText('Aucune transmission en attente d’une action.'));
  const deadline = Date.now() + 60_000;
  let state = '';
  while (Date.now() < deadline) {
    state = (await hub.db.selectFrom('actes_transmissions').select('state').where('id', '=', failedId).executeTakeFirstOrThrow()).state;
    if (state === 'transmis') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  if (state !== 'transmis') throw new Error(`the requeued transmission is ${state}, not acknowledged`);
  // Sent once: the simulator received exactly one archive for it.
  const sent = await hub.db
    .selectFrom('actes_transmissions')
    .select(['attempts', 'archive_name'])
    .where('id', '=', failedId)
    .executeTakeFirstOrThrow();
  if (sent.attempts !== 1 || !sent.archive_name) throw new Error(`unexpected send record ${JSON.stringify(sent)}`);
});

await step('Journal: every action is there, and the CSV export downloads', async () => {
  await open('Journal');
  for (const action of ['second-facteur.enregistre', 'collectivite.reglages', 'actes.relancer'])
    await expectVisible(page.getByRole('cell', { name: action, exact: true }));
  await checkA11y(page, 'console (journal)');
  await shot('console-06-journal');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Exporter/ }).click()]);
  if (!download.suggestedFilename().endsWith('.csv')) throw new Error(`export named ${download.suggestedFilename()}`);
});

await step('signing out ends the session', async () => {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expectText(heading(), /Console du département/);
  const me = await page.evaluate(async () => (await fetch('/console/api/me')).status);
  if (me !== 401) throw new Error(`after sign-out /console/api/me answered ${me}`);
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
