import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/api/ipc.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const VITE = join(ROOT, 'node_modules', '.bin', 'vite');

/**
 * Child process that loads the built main.cjs with `electron` replaced by a
 * stand-in (no binary here), starts the shell with the production deps (the
 * real bundled client core, real better-sqlite3) and calls IPC handlers like
 * the preload would.
 */
const CHILD = String.raw`
const Module = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const [mainCjs, appPath, userData] = process.argv.slice(2);
const ipc = new Map();
const appHandlers = new Map();
const windows = [];
const stub = {
  app: {
    requestSingleInstanceLock: () => true, quit() {}, exit(code) { process.exit(code); }, enableSandbox() {},
    on: (name, fn) => { appHandlers.set(name, fn); return stub.app; }, once() {}, whenReady: async () => {},
    getPath: () => userData, getAppPath: () => appPath, isPackaged: true, getVersion: () => '0.1.0', getName: () => 'Guichet',
  },
  BrowserWindow: class {
    constructor(options) { this.options = options; this.loaded = []; this.webContents = { send() {} }; windows.push(this); }
    once() {} show() {} isDestroyed() { return false; }
    async loadFile(p) { this.loaded.push(p); }
  },
  ipcMain: { handle: (channel, fn) => ipc.set(channel, fn) },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onHeadersReceived() {} } } },
  safeStorage: {
    isEncryptionAvailable: () => true, getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s) => Buffer.from(s).reverse(), decryptString: (b) => Buffer.from(b).reverse().toString(),
  },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? stub : load.call(this, request, ...rest); };

(async () => {
  const main = require(mainCjs);
  const shell = await main.startShell(main.productionDeps);
  const trusted = { senderFrame: { url: pathToFileURL(join(appPath, 'dist', 'renderer', 'index.html')).href } };
  const out = {
    started: shell !== null,
    channels: [...ipc.keys()],
    session: await ipc.get('session:get')(trusted, null),
    invalid: await ipc.get('accounts:disable-user')(trusted, { id: 42 }),
    foreign: await ipc.get('session:get')({ senderFrame: { url: 'https://evil.example/' } }, null),
    update: await ipc.get('update:state')(trusted, null),
    prefs: windows[0].options.webPreferences,
    loaded: windows[0].loaded,
  };
  process.stdout.write('RESULT ' + JSON.stringify(out) + '\n');
  appHandlers.get('will-quit')({ preventDefault() {} });
  setTimeout(() => process.exit(0), 300);
})().catch((err) => { console.error(err); process.exit(3); });
`;

describe('bundled Electron main (dist/electron/main.cjs) with the real client core', () => {
  let dir: string;
  let appPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-bundle-'));
    appPath = join(dir, 'app');
    const out = join(appPath, 'dist', 'electron');
    for (const mode of ['main', 'preload']) {
      await run(VITE, ['build', '--config', join(ROOT, 'electron', 'vite.config.ts'), '--mode', mode, '--outDir', out], { cwd: ROOT });
    }
    mkdirSync(join(appPath, 'dist', 'renderer'), { recursive: true });
    writeFileSync(join(appPath, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Guichet</title>');
    writeFileSync(join(dir, 'child.cjs'), CHILD);
    // Externals (better-sqlite3, electron-updater) resolve from the app folder, as in the package.
    symlinkSync(join(ROOT, 'node_modules'), join(appPath, 'node_modules'), 'dir');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a self-contained preload that requires nothing but electron', () => {
    const preload = readFileSync(join(appPath, 'dist', 'electron', 'preload.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('starts the shell from the bundle, opens the SQLite file and answers IPC through the real core', async () => {
    const userData = join(dir, 'userData');
    const { stdout } = await run(
      process.execPath,
      [join(dir, 'child.cjs'), join(appPath, 'dist', 'electron', 'main.cjs'), appPath, userData],
      { cwd: dir, timeout: 60_000 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, stdout).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length));
    expect(result.started).toBe(true);
    for (const channel of CHANNELS) expect(result.channels).toContain(channel);
    expect(result.session).toMatchObject({ ok: true, value: { status: 'not_enrolled' } });
    // The core validates inputs with the channel's schema: errors come back as data.
    expect(result.invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(result.foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(result.update.ok).toBe(true);
    expect(result.prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: join(appPath, 'dist', 'electron', 'preload.cjs'),
    });
    expect(result.loaded).toEqual([join(appPath, 'dist', 'renderer', 'index.html')]);
    expect(existsSync(join(userData, 'guichet.sqlite'))).toBe(true);
  }, 90_000);
});
