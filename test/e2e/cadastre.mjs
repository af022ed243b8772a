/**
 * Browser end-to-end test of the cadastre plan, with real parts only: a real
 * hub (temporary SQLite) where the département loads the real EDIGEO sheets
 * of Luxiol (25354), a real client core with its web host serving the built
 * renderer, Chromium (OpenLayers draws on a Canvas 2D), pdftotext/pdfinfo.
 *
 * The story: the secretary enrolls the PC, the plan arrives by the sync; she
 * types « ZB 12 », the parcel is highlighted on the map, she opens its fiche,
 * clicks a neighbour on the map, and downloads the relevé parcellaire.
 *
 *   npm run build:renderer && node test/e2e/cadastre.mjs
 *
 * Prints one line per step, then exactly `N passed, M failed`; exits 1 on any failure.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SHOTS, checkA11y, expectText, expectVisible, fillEnrollment, setUp, shot as shotOf } from './harness.mjs';

let page;
const e2e = await setUp({
  name: 'cadastre',
  totalSteps: 4,
  onFailure: async () => page?.screenshot({ path: join(SHOTS, 'failure-cadastre.png'), fullPage: true }),
});
const { tmp, step } = e2e;
const { addCollectivite, issueEnrollmentCode } = await import('../../hub-server/accounts/admin.ts');
const { importCadastre } = await import('../../hub-server/cadastre/import.ts');

const LUXIOL = '25354';
const sheetsDir = join(ROOT, 'test', 'fixtures', 'cadastre', 'edigeo-25354');
const hub = await e2e.startHub({});
await addCollectivite(hub.db, { insee: LUXIOL, services: ['cadastre'] });
await importCadastre(
  hub.db,
  readdirSync(sheetsDir).map((f) => join(sheetsDir, f)),
  { vintage: '2026-10' },
);
const { code } = await issueEnrollmentCode(hub.db, LUXIOL);
const { host } = await e2e.startPc('accueil');

await e2e.launchBrowser({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
const shot = (name) => shotOf(page, name);

await step('the PC is enrolled and the plan of Luxiol arrives by the sync', async () => {
  page = await e2e.openPage(host.url);
  await fillEnrollment(page, { hubUrl: hub.url, code });
  await page.getByRole('button', { name: 'Inscrire ce poste' }).click();
  await expectText(page.getByTestId('sync-online'), /En ligne/);
  await page.getByRole('button', { name: 'Ouvrir le plan cadastral' }).click();
  await expectText(page.getByRole('heading', { level: 1 }), /Plan cadastral/);
  await expectText(page.getByText(/parcelles — /), /511 parcelles — LUXIOL \(millésime 2026-10\)/, 60_000);
  // OpenLayers draws on a 2D canvas (no WebGL needed) with the ScaleLine control.
  await expectVisible(page.locator('.cadastre-map canvas'));
  await expectVisible(page.locator('.ol-scale-line'));
  await checkA11y(page, 'plan cadastral');
});

await step('types « ZB 12 »: the parcel is found, highlighted on the map, its fiche opens', async () => {
  await page.getByLabel('Rechercher une parcelle').fill('ZB 12');
  await expectText(page.getByText(/parcelles? trouvées?\./), /^1 parcelle trouvée\.$/);
  await page.getByRole('button', { name: /ZB 12/ }).click();
  await expectText(page.locator('#cadastre-fiche-title'), /Parcelle ZB 12 — LUXIOL/);
  await expectText(page.locator('.cadastre-fiche'), /Contenance\s*[\d ]+ m² \(.*ca\)/);
  await expectText(page.locator('.cadastre-fiche'), /Millésime\s*2026-10/);
  // Let the map fit the parcel, then check the highlight is drawn: orange-ish pixels on the canvas.
  await page.waitForTimeout(800);
  const orange = await page
    .locator('.cadastre-map canvas')
    .first()
    .evaluate((c) => {
      const ctx = c.getContext('2d');
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 200 && data[i + 1] > 120 && data[i + 1] < 200 && data[i + 2] < 120) n++;
      return n;
    });
  if (orange < 200) throw new Error(`the selected parcel is not drawn highlighted (${orange} pixels)`);
  await shot('cadastre-01-zb12');
  await checkA11y(page, 'fiche parcelle');
});

await step('pans with the keyboard and clicks a neighbour on the map to open its fiche', async () => {
  const map = page.locator('.cadastre-map');
  await map.focus();
  const before = await page.locator('.cadastre-map canvas').first().screenshot();
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(400);
  const after = await page.locator('.cadastre-map canvas').first().screenshot();
  if (before.equals(after)) throw new Error('the arrow key did not move the map');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(400);
  // A click near the frame's edge lands on another parcel than ZB 12.
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width * 0.05, box.y + box.height * 0.5);
  await expectText(page.locator('#cadastre-fiche-title'), /Parcelle (?!ZB 12 )\S+ \d+ — LUXIOL/);
  await page.getByRole('button', { name: /ZB 12/ }).click();
  await expectText(page.locator('#cadastre-fiche-title'), /Parcelle ZB 12 — LUXIOL/);
});

await step('downloads the relevé parcellaire (A4, source and vintage)', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Relevé parcellaire (PDF)' }).click(),
  ]);
  const file = join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  const info = execFileSync('pdfinfo', [file]).toString();
  if (!/A4/.test(info)) throw new Error(`not A4: ${info}`);
  for (const s of ['Relevé parcellaire', '25354000ZB0012', 'DGFiP – PCI vecteur, millésime 2026-10'])
    if (!text.includes(s)) throw new Error(`« ${s} » missing from the PDF`);
});

const { passed, failed } = await e2e.tearDown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
