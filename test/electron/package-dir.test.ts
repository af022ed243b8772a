import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Packages the app with electron-builder (`--linux dir`, the only target that
 * works offline) and checks what would ship. Needs a prior `npm run build`
 * (dist/electron and dist/renderer), hence the gate:
 *   npm run build && GUICHET_PACKAGING_TEST=1 npx vitest run test/electron/package-dir.test.ts
 * No Electron binary can be downloaded here, so `electronDist` points at a
 * placeholder folder: this checks the packaging config and the asar, not a runnable app.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const enabled = process.env.GUICHET_PACKAGING_TEST === '1';
const run = promisify(execFile);
const asar = createRequire(import.meta.url)('@electron/asar') as {
  listPackage(archive: string): string[];
  extractFile(archive: string, file: string): Buffer;
};

describe.skipIf(!enabled)('electron-builder --linux dir (GUICHET_PACKAGING_TEST=1, after npm run build)', () => {
  let dir: string;
  let resources: string;

  beforeAll(async () => {
    for (const built of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
      if (!existsSync(join(ROOT, built))) throw new Error(`${built} absent : lancez « npm run build » avant ce test.`);
    }
    dir = mkdtempSync(join(tmpdir(), 'guichet-package-'));
    const fakeDist = join(dir, 'fake-electron-dist');
    mkdirSync(fakeDist);
    writeFileSync(join(fakeDist, 'electron'), '#!/bin/sh\necho "binaire Electron factice" >&2\nexit 1\n');
    chmodSync(join(fakeDist, 'electron'), 0o755);
    // Fuses are flipped inside the real Electron binary; the placeholder has none, so this run leaves them out.
    const config = JSON.parse(readFileSync(join(ROOT, 'build', 'electron-builder.json'), 'utf8')) as Record<string, unknown>;
    delete config.electronFuses;
    const configFile = join(dir, 'electron-builder.json');
    writeFileSync(configFile, JSON.stringify(config));
    await run(
      join(ROOT, 'node_modules', '.bin', 'electron-builder'),
      [
        '--linux',
        'dir',
        '--projectDir',
        ROOT,
        '--config',
        configFile,
        `-c.electronDist=${fakeDist}`,
        `-c.directories.output=${join(dir, 'release')}`,
        '--publish',
        'never',
      ],
      { cwd: ROOT, env: { ...process.env, GUICHET_UPDATE_URL: 'https://hub.departement.example/updates/' }, timeout: 240_000 },
    );
    resources = join(dir, 'release', 'linux-unpacked', 'resources');
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('puts main.cjs, preload.cjs and the renderer in the asar, and points main at the bundle', () => {
    const archive = join(resources, 'app.asar');
    const files = asar.listPackage(archive).map((p) => p.replaceAll('\\', '/'));
    for (const f of ['/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html', '/package.json'])
      expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('/dist/') && f.endsWith('.map'))).toEqual([]);
    // Nothing from the sources or tests ships.
    expect(files.some((f) => f.startsWith('/electron/') || f.startsWith('/hub-server/') || f.startsWith('/test/'))).toBe(false);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.cjs');
  });

  it('unpacks the better-sqlite3 native module outside the asar', () => {
    const release = join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release');
    expect(readdirSync(release).filter((f) => f.endsWith('.node'))).toContain('better_sqlite3.node');
  });

  it('hardens the real build with Electron fuses (no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect)', () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'build', 'electron-builder.json'), 'utf8')) as {
      electronFuses: Record<string, boolean>;
    };
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });

  it('writes the generic update feed and names the binary after the product', () => {
    const updateConfig = readFileSync(join(resources, 'app-update.yml'), 'utf8');
    expect(updateConfig).toContain('provider: generic');
    expect(updateConfig).toContain('url: https://hub.departement.example/updates/');
    expect(existsSync(join(dir, 'release', 'linux-unpacked', 'guichet'))).toBe(true);
  });
});
