/**
 * What the browser end-to-end scripts (run.mjs, acts.mjs) share: tsx for the
 * TypeScript sources, a temporary folder, the real hub, town-hall PCs (client
 * core + web host serving the built renderer), Chromium, the step runner that
 * counts passes and failures, screenshots, the polling helpers and teardown.
 *
 * A script calls `setUp()` first; a failure outside the steps (a hub, core or
 * browser that does not start) still ends with the `N passed, M failed` line.
 * At the end it calls `tearDown()` and prints that line itself.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { register } from 'tsx/esm/api';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium } from 'playwright-core';

register();

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'test', 'e2e', 'screenshots');
export const INSEE = '10387';
export const STEP_TIMEOUT = 20_000;
const RENDERER = process.env.GUICHET_RENDERER_DIR ?? join(ROOT, 'dist', 'renderer');
const CHROMIUM_ARGS = [
  '--lang=fr-FR',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @param {{ name?: string, totalSteps: number, onFailure?: () => Promise<unknown> }} options
 *   name: the story (`actes`), in the setup failure line and the temporary folder's name;
 *   onFailure: screenshots after a failed step.
 */
export async function setUp({ name, totalSteps, onFailure = async () => undefined }) {
  const label = name ? `e2e (${name})` : 'e2e';
  let passed = 0;
  let failed = 0;
  let broken = false;
  function abort(err) {
    console.error(`${label} setup failed:`, err);
    console.log(`${passed} passed, ${totalSteps - passed} failed`);
    process.exit(1);
  }
  process.on('uncaughtException', abort);
  process.on('unhandledRejection', abort);

  const { startHub } = await import('../../hub-server/server.ts');
  const { createClientCore } = await import('../../electron/core/client-core.ts');
  const { createNodePlatform } = await import('../../electron/platform/node-platform.ts');
  const { startWebHost } = await import('../../electron/webhost/server.ts');

  if (!existsSync(join(RENDERER, 'index.html'))) {
    abort(new Error('dist/renderer is missing: run `npm run build` (or `npm run build:renderer`) first.'));
  }
  mkdirSync(SHOTS, { recursive: true });

  const tmp = mkdtempSync(join(tmpdir(), name ? `guichet-e2e-${name}-` : 'guichet-e2e-'));
  const silent = pino({ level: 'silent' });
  const cleanups = [];
  const pageErrors = [];
  let hub = null;
  let browser = null;

  /** The hub on a temporary SQLite file; `stop()` then `restart()` bring it back on the same port. */
  async function startHubOnce(extra = {}) {
    const dataDir = join(tmp, 'hub');
    let current = await startHub({ port: 0, dataDir, log: silent, ...extra });
    const url = current.url;
    const port = Number(new URL(url).port);
    hub = {
      url,
      get db() {
        return current.db;
      },
      stop: () => current.close(),
      async restart() {
        current = await startHub({ port, dataDir, log: silent, ...extra });
      },
    };
    return hub;
  }

  /** A town-hall PC: its own client core and data folder, and a web host serving the renderer. */
  async function startPc(name) {
    const dataDir = join(tmp, name);
    const start = async (port = 0) => {
      const platform = createNodePlatform({ dataDir, deviceName: name, logLevel: 'warn' });
      const core = await createClientCore({
        platform,
        hub: { retry: { attempts: 1, baseDelayMs: 100, maxDelayMs: 200 }, timeoutMs: 4_000 },
        sync: { intervalMs: 1_500, debounceMs: 100, maxBackoffMs: 1_500 },
      });
      // The data folder keeps the web host's address (secret, port): a restarted PC answers the open tab.
      const host = await startWebHost({ core, rendererDir: RENDERER, log: silent, dataDir, port });
      return { core, host };
    };
    let running = await start();
    let stopped = false;
    const pc = {
      get core() {
        return running.core;
      },
      get host() {
        return running.host;
      },
      /** Guichet quits on this PC (web host and core). */
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await running.host.close();
        await running.core.close();
      },
      /** Guichet starts again on the same data folder. */
      restart: async () => {
        running = await start();
        stopped = false;
      },
    };
    cleanups.push(() => pc.stop());
    return pc;
  }

  /** Chromium with a French profile; `options` adds to or overrides the context options (viewport, downloads). */
  async function launchBrowser(options = {}) {
    browser = await chromium.launchPersistentContext(join(tmp, 'chromium'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 800 },
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      args: CHROMIUM_ARGS,
      ...options,
    });
    browser.setDefaultTimeout(STEP_TIMEOUT);
    return browser;
  }

  /** Collects the page's errors (its frames' included), printed at the end. */
  function watchErrors(page) {
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  }

  /** A tab at `url`, collecting page errors. The persistent context opens with one blank tab: the first call uses it. */
  async function openPage(url) {
    const blank = browser.pages().find((p) => p.url() === 'about:blank');
    const page = blank ?? (await browser.newPage());
    watchErrors(page);
    await page.goto(url);
    return page;
  }

  /** The Content Security Policy violations reported so far by the watched pages (a policy refusing what the app does). */
  const cspViolations = () => pageErrors.filter((e) => /Content Security Policy/i.test(e));

  /** Runs one step and prints its line; after a failure the later steps are counted as failed, not run. */
  async function step(name, fn) {
    if (broken) {
      failed++;
      console.log(`✗ ${name} (not run: an earlier step failed)`);
      return;
    }
    const started = Date.now();
    try {
      await fn();
      passed++;
      console.log(`✓ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      broken = true;
      console.log(
        `✗ ${name}\n    ${String(err?.stack ?? err)
          .split('\n')
          .slice(0, 6)
          .join('\n    ')}`,
      );
      await onFailure().catch(() => undefined);
    }
  }

  /** Prints the page errors, closes the browser, the PCs and whatever `cleanups` holds, then the hub; removes the folder. */
  async function tearDown() {
    if (pageErrors.length > 0) console.log(`page errors:\n  ${pageErrors.slice(0, 10).join('\n  ')}`);
    await browser?.close().catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await hub?.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
    return { passed, failed };
  }

  /**
   * The prefecture simulator and a hub with its ACTES service pointed at it (fast polling for the tests).
   * The simulator mails to a fixed port, so the hub's mailbox comes back on the same one after a restart.
   */
  async function startActesHub(extra = {}) {
    const { startPrefectureSim } = await import('../../hub-server/prefecture-sim/prefecture-sim.ts');
    const mailboxPort = await freePort();
    const sim = await startPrefectureSim({ port: 0, dataDir: join(tmp, 'prefecture'), smtp: { host: '127.0.0.1', port: mailboxPort } });
    cleanups.push(() => sim.close());
    const acts = {
      prefectureUrl: `${sim.url}/actes`,
      prefectureCertPem: sim.caCertPem,
      mailboxPort,
      mailboxHost: '127.0.0.1',
      tiers: { trigramme: 'GUI', quadrigramme: 'EACT', mailbox: 'actes@hub.departement.test' },
      pollMs: 200,
      backoffBaseMs: 200,
    };
    return { sim, hub: await startHubOnce({ ...extra, services: { ...extra.services, acts } }) };
  }

  return {
    tmp,
    silent,
    cleanups,
    startHub: startHubOnce,
    startActesHub,
    startPc,
    launchBrowser,
    openPage,
    watchErrors,
    cspViolations,
    step,
    tearDown,
  };
}

/** A port nobody listens on right now. */
async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** Saves a screenshot of `page` as screenshots/<name>.png. */
export const shot = (page, name, options = {}) => page.screenshot({ path: join(SHOTS, `${name}.png`), ...options });

export const expectVisible = (locator, timeout) => locator.waitFor({ state: 'visible', timeout });

/** Waits until the locator's text (white space folded) matches `re`; answers that text. */
export async function expectText(locator, re, timeout = STEP_TIMEOUT) {
  await expectVisible(locator, timeout);
  const deadline = Date.now() + timeout;
  for (;;) {
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node: innerText is the text a user sees (hidden parts left out)
    const text = (await locator.innerText()).replace(/\s+/g, ' ');
    if (re.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`expected ${re} in «${text}»`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The enrollment form as the mayor fills it; `repeated` is what she types in « Mot de passe (à nouveau) ». */
export async function fillEnrollment(page, { hubUrl, code, repeated = 'mot-de-passe-du-maire' }) {
  await page.getByLabel('Adresse du serveur départemental').fill(hubUrl);
  await page.getByLabel("Code d'inscription").fill(code);
  await page.getByLabel('Identifiant').fill('maire');
  await page.getByLabel('Nom et prénom').fill('Anne Maire');
  await page.getByLabel('Mot de passe', { exact: true }).fill('mot-de-passe-du-maire');
  await page.getByLabel('Mot de passe (à nouveau)').fill(repeated);
  await page.getByLabel('Nom de ce poste').fill('Accueil mairie');
}

/**
 * Runs axe-core on the page as it is and fails the step on any serious or
 * critical violation (RGAA / WCAG 2.1 AA and axe's best practices), naming the
 * screen, the rule and the elements. Legacy mode runs axe.run in the page
 * itself (no extra blank tab in the persistent context; the app has no frames).
 */
export async function checkA11y(page, screenName) {
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const lines = bad.map(
    (v) =>
      `${v.id} [${v.impact}] ${v.help}: ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
  throw new Error(`accessibility of « ${screenName} »:\n      ${lines.join('\n      ')}`);
}

/**
 * Hovers every entry of the main menu and checks the text keeps a contrast of
 * at least 4.5:1 against its background (axe looks at the page at rest only).
 */
export async function checkMenuHoverContrast(page) {
  const entries = page.getByRole('navigation', { name: 'Menu principal' }).getByRole('button');
  for (let i = 0; i < (await entries.count()); i++) {
    const entry = entries.nth(i);
    await entry.hover();
    const { ratio, label } = await entry.evaluate((el) => {
      const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      let bg = null;
      for (let n = el; n && !bg; n = n.parentElement) {
        const c = rgb(getComputedStyle(n).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) bg = c.slice(0, 3);
      }
      const fg = lum(rgb(getComputedStyle(el).color));
      const back = lum(bg ?? [255, 255, 255]);
      return { ratio: (Math.max(fg, back) + 0.05) / (Math.min(fg, back) + 0.05), label: el.textContent };
    });
    if (ratio < 4.5) throw new Error(`menu entry « ${label} » on hover: contrast ${ratio.toFixed(2)}:1, below 4.5:1`);
  }
  await page.mouse.move(0, 0);
}
