import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientCore, type ClientCore } from '../../electron/core/client-core.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import { startWebHost, type WebHost } from '../../electron/webhost/server.js';

/**
 * The web host with real parts: the real client core on a temporary data
 * folder, the renderer built by Vite, and Chromium. Proves the strict CSP
 * lets the built renderer run, and that the secret travels only in the
 * fragment, then lives in sessionStorage.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const run = promisify(execFile);

describe('web host + real client core + built renderer in Chromium', () => {
  let dir: string;
  let core: ClientCore;
  let host: WebHost;
  let browser: BrowserContext | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-webhost-e2e-'));
    const rendererDir = join(dir, 'renderer');
    await run(
      join(ROOT, 'node_modules', '.bin', 'vite'),
      ['build', '--config', join(ROOT, 'renderer', 'vite.config.ts'), '--outDir', rendererDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: ROOT },
    );
    core = await createClientCore({
      platform: createNodePlatform({ dataDir: join(dir, 'data'), logLevel: 'silent' }),
      backgroundSync: false,
    });
    host = await startWebHost({ core, rendererDir });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await core?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (channel: string, input: unknown) =>
    fetch(`${host.origin}/api/invoke/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-guichet-secret': host.secret },
      body: JSON.stringify(input),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));

  it('answers the core over HTTP: session state, and input errors in French as envelopes', async () => {
    expect(await invoke('session:get', null)).toMatchObject({ status: 200, body: { ok: true, value: { status: 'not_enrolled' } } });
    const invalid = await invoke('session:enroll', { hubUrl: 'pas une adresse', code: 'x' });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'runs the built renderer under the CSP and shows the enrollment screen',
    async () => {
      browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(host.url);
      await expect.poll(() => page.getByRole('heading', { name: 'Première connexion de ce poste' }).count(), { timeout: 20_000 }).toBe(1);
      // The secret left the address bar but stays for this tab, so a reload keeps working.
      expect(page.url()).not.toContain('secret');
      expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(host.secret);
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { name: 'Première connexion de ce poste' }).count(), { timeout: 20_000 }).toBe(1);
      expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
      expect(problems).toEqual([]);
    },
    60_000,
  );
});
