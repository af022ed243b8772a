/**
 * Browser end-to-end test of remote assistance, real parts only: a real hub
 * (temporary SQLite) serving the département's console, a town-hall PC (client
 * core + web host serving the built renderer), two Chromium pages.
 *
 * The story: the mayor enrolls the PC and imports 400 synthetic electors, searches
 * « mar », then clicks « Demander de l'aide » and reads the code; the agent
 * (console, staff account) types it; the PC shows who joined and the mayor accepts;
 * the agent sees the electoral search live with every name masked (the stream
 * the hub relayed is grepped for the electors' names and birth dates: zero hits);
 * the agent asks for the hand, the mayor gives it, the agent clicks in the live view
 * and types a query with real key presses (sent one by one, applied on the PC), then
 * opens an act (menu « Actes », « Ouvrir l'acte ») on the PC; the mayor takes the hand
 * back with Échap; the hub's audit (the mayor's screen) and the PC's log both show it;
 * neither page reported a Content Security Policy violation.
 *
 *   npm run build:renderer && node test/e2e/assistance.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSEE, SHOTS, checkA11y, expectText, expectVisible, fillEnrollment, setUp, shot } from './harness.mjs';

let pc;
let agent;

const e2e = await setUp({
  name: 'assistance',
  totalSteps: 8,
  onFailure: async () => {
    await pc?.screenshot({ path: join(SHOTS, 'failure-assistance-pc.png'), fullPage: true });
    await agent?.screenshot({ path: join(SHOTS, 'failure-assistance-agent.png'), fullPage: true });
  },
});
const { tmp, step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { seedStaff } = await import('../../hub-server/console/test-support.ts');
const { generateReuExtract, generateReuRows } = await import('../../shared/electoral/synthetic.ts');
const { setClassification } = await import('../../hub-server/acts/classification.ts');
const { CLASSIFICATION, deliberationPdf, draftInput } = await import('../../electron/acts/test-fixtures.ts');

const hub = await e2e.startHub();
await addCollectivite(hub.db, { insee: INSEE, services: ['electoral', 'assistance', 'acts'] });
await setClassification(hub.db, CLASSIFICATION);
const { code: enrollment } = await issueEnrollmentCode(hub.db, INSEE);
const staff = await seedStaff(hub.db, { login: 'marie.durand', role: 'assistance', displayName: 'Marie Durand' });
const opts = { seed: 7, count: 400, inseeCode: INSEE, communeName: 'TROYES', extractDate: '2026-11-02' };
const extract = generateReuExtract(opts);
const rows = generateReuRows(opts);
const target = rows.find((r) => /^[A-Z]{4,}$/.test(r.birthName) && r.firstNames);
const town = await e2e.startPc('accueil');
const { host } = town;

const browser = await e2e.launchBrowser({ viewport: { width: 1366, height: 768 } });
// The agent signed in to the console (staff account with its second factor: seeded, its cookie given to the browser).
await browser.addCookies([{ name: 'guichet_console', value: staff.token, url: `${hub.url}/console/` }]);

/** Everything the hub sent to the agent's page over its WebSocket. */
const relayed = [];
let codeShown = '';

await step('the mayor enrolls the PC, imports the list, searches « mar »', async () => {
  pc = await e2e.openPage(host.url);
  await fillEnrollment(pc, { hubUrl: hub.url, code: enrollment });
  await pc.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectText(pc.getByTestId('sync-online'), /En ligne/);
  await pc.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Importer' }).click();
  await pc
    .getByLabel('Fichier à importer')
    .setInputFiles({ name: extract.fileName, mimeType: 'text/csv', buffer: Buffer.from(extract.csv, 'utf8') });
  await pc.getByRole('main').getByRole('button', { name: 'Importer', exact: true }).click();
  await expectVisible(pc.getByText('Import terminé.'));
  await pc.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Rechercher' }).click();
  await pc.getByRole('combobox', { name: 'Nom, prénom ou date de naissance' }).fill('mar');
  await expectText(pc.locator('.result-count'), /\d+ électeurs trouvés/);
  // An act drafted earlier on this PC (the acts story drafts them through the screens): the agent will open it.
  const invoke = async (channel, input) => {
    const env = await town.core.invoke(channel, input);
    if (!env.ok) throw new Error(`${channel}: ${env.error.message}`);
    return env.value;
  };
  await invoke('sync:now', null);
  await invoke('acts:create', draftInput(await deliberationPdf(tmp), { numeroInterne: 'VOIRIE_2026_12' }));
});

await step("« Demander de l'aide » gives a 6-digit code; the agent types it in the console; the PC shows who joined", async () => {
  await pc.getByRole('button', { name: "Demander de l'aide" }).click();
  const code = pc.locator('.assist-code');
  codeShown = (await expectText(code, /\d{3} \d{3}/)).replace(/\D/g, '');
  await shot(pc, 'assistance-01-code');
  await checkA11y(pc, 'assistance (code)');

  agent = await browser.newPage();
  e2e.watchErrors(agent);
  agent.on('websocket', (ws) => ws.on('framereceived', (f) => relayed.push(String(f.payload))));
  await agent.goto(`${hub.url}/console/#/assistance`);
  await expectVisible(agent.getByRole('heading', { name: 'Assistance à distance' }));
  await checkA11y(agent, 'console : assistance (code)');
  await agent.getByLabel('Code donné par la mairie').fill(`${codeShown.slice(0, 3)} ${codeShown.slice(3)}`);
  await agent.getByRole('button', { name: 'Rejoindre' }).click();
  await expectText(pc.locator('.assist-panel'), /Marie Durand — Assistance du département a rejoint/);
  await shot(pc, 'assistance-02-accepter');
  await checkA11y(pc, 'assistance (accepter)');
});

await step('the mayor accepts: the agent sees the electoral search live, names and birth dates masked at the source', async () => {
  await pc.getByRole('button', { name: 'Accepter' }).click();
  const replay = agent.frameLocator('.assist-screen iframe.assist-replay').frameLocator('iframe');
  await expectText(replay.locator('h1'), /Rechercher un électeur/);
  await expectVisible(replay.locator('.result-row').first());
  await agent.waitForTimeout(500);
  await shot(agent, 'assistance-03-agent-voit');
  const masked = (await replay.locator('.result-row').first().textContent()) ?? '';
  if (!/^[*\s]+$/.test(masked)) throw new Error(`a result row is not masked on the agent's side: «${masked}»`);
});

await step('the agent takes the hand (second consent), types a query with key presses in the view, opens an act', async () => {
  await agent.getByRole('button', { name: 'Prendre la main' }).click();
  await pc.getByRole('button', { name: 'Donner la main' }).click();
  await expectVisible(pc.getByText("L'assistance du département a la main"));
  await shot(pc, 'assistance-04-bandeau');
  await checkA11y(pc, 'assistance (bandeau)');
  const replay = agent.frameLocator('.assist-screen iframe.assist-replay').frameLocator('iframe');
  await expectText(agent.locator('main'), /vous avez la main/);
  await expectVisible(agent.getByText('Cliquez dans la vue pour taper'));
  // A click in the view chooses the field on the PC and gives the view the keyboard (visible focus).
  await replay.locator('#search-q').click();
  const view = agent.getByRole('region', { name: /Écran de Guichet à la mairie/ });
  for (let i = 0; i < 20 && !(await view.evaluate((el) => el === document.activeElement)); i++) await agent.waitForTimeout(100);
  if (!(await view.evaluate((el) => el === document.activeElement))) throw new Error('the view did not take the keyboard');
  const outline = await view.evaluate((el) => getComputedStyle(el).outlineStyle);
  if (outline === 'none') throw new Error('the view has the keyboard but shows no focus');
  await checkA11y(agent, 'console : assistance (la main)');
  const search = pc.getByRole('combobox', { name: 'Nom, prénom ou date de naissance' });
  await search.fill('');
  const query = target.birthName.toLowerCase();
  // Real key presses on the agent's page: a letter to erase, Backspace, then the query.
  await agent.keyboard.type('x', { delay: 40 });
  await agent.keyboard.press('Backspace');
  await agent.keyboard.type(query, { delay: 40 });
  for (let i = 0; i < 50 && (await search.inputValue()) !== query; i++) await pc.waitForTimeout(100);
  if ((await search.inputValue()) !== query) throw new Error(`the keys typed by the agent gave «${await search.inputValue()}» on the PC`);
  await expectText(pc.locator('.result-count'), /électeurs? trouvés?/);
  await agent.waitForTimeout(500);
  await shot(agent, 'assistance-05-agent-tape');

  await replay.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: 'Actes' }).click();
  for (let i = 0; i < 50 && !(await pc.title()).startsWith('Contrôle de légalité'); i++) await pc.waitForTimeout(100);
  await expectVisible(replay.getByRole('button', { name: "Ouvrir l'acte VOIRIE_2026_12" }));
  await replay.getByRole('button', { name: "Ouvrir l'acte VOIRIE_2026_12" }).click();
  for (let i = 0; i < 50 && !(await pc.title()).startsWith('Acte'); i++) await pc.waitForTimeout(100);
  if (!(await pc.title()).startsWith('Acte')) throw new Error(`the act did not open on the PC (${await pc.title()})`);
  await expectText(pc.getByRole('main'), /Travaux de voirie rue des Écoles/);
  await expectText(replay.locator('main'), /Travaux de voirie rue des Écoles/);
  await shot(agent, 'assistance-05-agent-acte');
});

await step('the mayor takes the hand back with Échap; the agent can no longer act', async () => {
  await pc.keyboard.press('Escape');
  await pc.getByText("L'assistance du département a la main").waitFor({ state: 'detached' });
  await expectVisible(agent.getByRole('button', { name: 'Prendre la main' }));
  await checkA11y(agent, 'console : assistance (session)');
  await pc.getByRole('button', { name: "Terminer l'assistance" }).click();
  await expectText(agent.getByRole('status').first(), /terminée par la mairie/);
});

await step('nothing personal left the PC: the stream relayed to the agent holds no elector name or birth date', async () => {
  const stream = relayed.join('\n');
  if (!stream.includes('"t":"frames"')) throw new Error('no frame relayed');
  // The agent's own name (« Marie Durand », shown on the PC's panel) is not an elector's data.
  const names = new Set(
    rows.flatMap((r) => [r.birthName, r.usageName, r.firstNames].filter((n) => n && n.length >= 4 && !'Marie Durand'.includes(n))),
  );
  const leaks = [...names].filter((n) => new RegExp(`\\b${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(stream));
  const dates = rows.map((r) => r.birthDate).filter((d) => stream.includes(d));
  if (leaks.length > 0 || dates.length > 0) throw new Error(`leaked: ${[...leaks, ...dates].slice(0, 5).join(', ')}`);
  console.log(`    ${(stream.length / 1024).toFixed(0)} Kio relayed, ${names.size} names and ${rows.length} birth dates checked`);
});

await step("both audits show the session: the mayor's screen (hub) and the PC's log", async () => {
  await pc.getByRole('button', { name: 'Fermer' }).click();
  await pc.getByRole('navigation', { name: 'Menu principal' }).getByRole('button', { name: "Sessions d'assistance" }).click();
  const list = pc.getByRole('main');
  await expectText(list, /Agent : Marie Durand/);
  await expectText(list, /Prise en main accordée.*Action de l’agent dans l’application.*Main reprise par la mairie/);
  await shot(pc, 'assistance-06-historique', { fullPage: true });
  await checkA11y(pc, 'sessions d’assistance');
  const log = readFileSync(join(tmp, 'accueil', 'logs', 'guichet.log'), 'utf8');
  for (const action of ['created', 'accepted', 'control-granted', 'input', 'control-taken-back', 'ended'])
    if (!log.includes(`"action":"${action}"`)) throw new Error(`the PC's log lacks ${action}`);
});

await step('no Content Security Policy violation, on the PC (recorded by rrweb) nor in the console (replay)', async () => {
  // The PC and the console keep style-src 'self'; only the framed replay allows inline styles (docs/assistance.md).
  const violations = e2e.cspViolations();
  if (violations.length > 0) throw new Error(`${violations.length} violation(s), first: ${violations[0].slice(0, 300)}`);
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
