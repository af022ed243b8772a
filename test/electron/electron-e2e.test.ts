import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/**
 * The real desktop app, driven by Playwright: the window must open on the
 * enrollment screen of a fresh PC. Runs only where the Electron binary exists
 * (a developer machine or CI with network); this build machine cannot
 * download it. Needs `npm run build` first.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SKIP_MESSAGE = "binaire Electron absent : test Electron ignoré — le même parcours est couvert par l'e2e navigateur via l'hôte web";

/** Path of the Electron binary, read the way the `electron` package does, without triggering its download. */
function electronBinary(): string | null {
  const pkg = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const built = existsSync(join(ROOT, 'dist', 'electron', 'main.cjs')) && existsSync(join(ROOT, 'dist', 'renderer', 'index.html'));

describe('Electron app end to end', () => {
  if (!binary) {
    it.skip(SKIP_MESSAGE, () => {});
    return;
  }

  it('opens the main window on the enrollment screen, with no Node in the page', async () => {
    expect(built, 'lancez « npm run build » avant ce test').toBe(true);
    const userData = mkdtempSync(join(tmpdir(), 'guichet-electron-e2e-'));
    const app = await electron.launch({
      executablePath: binary,
      args: [ROOT],
      env: { ...process.env, GUICHET_USER_DATA: userData, ELECTRON_ENABLE_LOGGING: '0' },
      timeout: 60_000,
    });
    try {
      const window = await app.firstWindow();
      await expect.poll(() => window.getByRole('heading', { name: 'Première connexion de ce poste' }).count(), { timeout: 30_000 }).toBe(1);
      // The sandboxed page sees the bridge and nothing of Node or Electron.
      const globals = await window.evaluate(() => ({
        bridge: Object.keys((window as unknown as { guichet: object }).guichet).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(globals).toEqual({ bridge: ['invoke', 'on'], require: 'undefined', process: 'undefined' });
      const session = await window.evaluate(() =>
        (window as unknown as { guichet: { invoke(c: string, i: unknown): Promise<unknown> } }).guichet.invoke('session:get', null),
      );
      expect(session).toMatchObject({ ok: true, value: { status: 'not_enrolled' } });
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  }, 120_000);
});
