import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  session,
  type BrowserWindowConstructorOptions,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { CHANNELS, EVENT_NAMES, type Envelope } from '../../shared/api/ipc.js';
import { UPDATE_EVENT, type UpdateChannel, type UpdateState } from '../../shared/api/updates.js';
import type { Platform } from '../platform/platform.js';
import type { CoreApi } from '../webhost/core-api.js';
import { CONTENT_SECURITY_POLICY } from '../webhost/csp.js';
import { createElectronPlatform } from './electron-platform.js';
import { eventChannel } from './ipc-names.js';
import type { BusyRegistry } from '../core/busy.js';
import { startUpdateService, type UpdaterLike, type UpdateService } from '../updates/update-service.js';

/**
 * The Electron main process: the only module that touches app,
 * BrowserWindow and ipcMain. Everything it serves comes from the client
 * core (plain Node); this file only wires windows, IPC and security.
 */

export interface ShellCore extends CoreApi {
  close(): Promise<void> | void;
  /** What an update's restart must wait for (the client core's registry, core/busy.ts). */
  busy?: BusyRegistry;
  /** The session's device token, for the update feed (staged rollout, pilot channel). */
  session?: { token(): string | null };
}

export interface ShellDeps {
  createCore(args: { platform: Platform; updateState?: () => UpdateState | null }): Promise<ShellCore>;
  /** electron-updater's autoUpdater (touching it outside Electron throws, hence injected). */
  loadUpdater(): Promise<UpdaterLike>;
}

export interface Shell {
  window: BrowserWindow;
  core: ShellCore;
  updates: UpdateService | null;
}

export function rendererDir(): string {
  return join(app.getAppPath(), 'dist', 'renderer');
}

/** The main window's options: every renderer runs isolated, sandboxed and without Node. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Guichet',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: true,
      devTools: !app.isPackaged,
    },
  };
}

/** A renderer may only call IPC from our own page (file:// under dist/renderer). */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, root: string): boolean {
  const url = event.senderFrame?.url;
  if (!url?.startsWith('file:')) return false;
  try {
    const prefix = root.endsWith(sep) ? root : root + sep;
    const path = fileURLToPath(url);
    // Windows paths compare case-insensitively (drive letter, folder names).
    return process.platform === 'win32' ? path.toLowerCase().startsWith(prefix.toLowerCase()) : path.startsWith(prefix);
  } catch {
    return false;
  }
}

const FORBIDDEN: Envelope<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'Requête refusée : elle ne vient pas de la page Guichet.', detail: 'untrusted IPC sender' },
};

/** One ipcMain.handle per contract channel, each routed to the core; errors come back as envelopes. */
export function registerCoreChannels(core: CoreApi, root: string, log: Platform['log']): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, input: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event, root)) return FORBIDDEN;
      try {
        return await core.invoke(channel, input);
      } catch (err) {
        log.error({ channel, err: err instanceof Error ? err.name : 'unknown' }, 'core.invoke threw');
        return {
          ok: false,
          error: { code: 'internal', message: "Une erreur interne est survenue. Réessayez ; si elle persiste, contactez l'assistance." },
        };
      }
    });
  }
}

function registerUpdateChannels(updates: UpdateService | null, root: string): void {
  const handlers: Record<UpdateChannel, () => Promise<UpdateState> | UpdateState> = {
    'update:state': () => updates?.state() ?? { status: 'idle', version: null, percent: null, message: null },
    'update:check': () => updates?.check() ?? { status: 'idle', version: null, percent: null, message: null },
    'update:install': () => updates?.install() ?? { status: 'idle', version: null, percent: null, message: null },
  };
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(
      channel,
      async (event): Promise<Envelope<UpdateState>> => (isTrustedSender(event, root) ? { ok: true, value: await handler() } : FORBIDDEN),
    );
  }
}

/** Navigation, pop-ups and <webview> are all refused: the app is one local page. */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** No camera, microphone, geolocation, notifications…; the CSP is added to every answer. */
export function hardenSession(target: Electron.Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

export async function startShell(deps: ShellDeps): Promise<Shell | null> {
  // A separate profile (tests, a second installation on the same account); must precede the lock, which is per profile.
  if (process.env.GUICHET_USER_DATA) app.setPath('userData', process.env.GUICHET_USER_DATA);
  // A second launch would open the same SQLite file: focus the first window instead.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  await app.whenReady();
  hardenSession(session.defaultSession);

  const platform = createElectronPlatform({ dataDir: app.getPath('userData') });
  const log = platform.log;
  let updates: UpdateService | null = null;
  // The core reports the update state to the console after each sync; the service starts after the core.
  const core = await deps.createCore({ platform, updateState: () => updates?.state() ?? null });
  const root = rendererDir();
  registerCoreChannels(core, root, log);

  const window = new BrowserWindow(windowOptions(join(app.getAppPath(), 'dist', 'electron', 'preload.cjs')));
  window.once('ready-to-show', () => window.show());
  const send = (event: string, payload: unknown): void => {
    if (!window.isDestroyed()) window.webContents.send(eventChannel(event), payload);
  };
  const unsubscribes = EVENT_NAMES.map((name) => core.on(name, (payload) => send(name, payload)));

  try {
    updates = startUpdateService({
      updater: await deps.loadUpdater(),
      getHubUrl: async () => {
        const session = await core.invoke('session:get', null);
        return session.ok ? ((session.value as { hubUrl: string | null }).hubUrl ?? null) : null;
      },
      getToken: async () => core.session?.token() ?? null,
      notify: (state) => send(UPDATE_EVENT, state),
      log,
      busy: core.busy,
    });
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'updater unavailable');
  }
  registerUpdateChannels(updates, root);

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    // Let the core finish its transaction and close SQLite before the process exits.
    closing = true;
    event.preventDefault();
    updates?.stop();
    for (const unsubscribe of unsubscribes) unsubscribe();
    void Promise.resolve(core.close())
      .catch(() => undefined)
      .finally(() => app.quit());
  });

  await window.loadFile(join(root, 'index.html'));
  return { window, core, updates };
}

/** The real core and electron-updater (exported so the bundle smoke test drives exactly what ships). */
export const productionDeps: ShellDeps = {
  createCore: async (args) => (await import('../core/client-core.js')).createClientCore(args),
  loadUpdater: async () => {
    // From the CJS bundle, import() of this CJS package exposes its lazy `autoUpdater` getter on `default` only.
    const mod = (await import('electron-updater')) as typeof import('electron-updater') & { default?: typeof import('electron-updater') };
    return (mod.default ?? mod).autoUpdater as unknown as UpdaterLike;
  },
};

// Started only inside the Electron runtime; tests import this module with `electron` mocked.
if (process.versions.electron) {
  startShell(productionDeps).catch((err: unknown) => {
    console.error('Guichet : échec du démarrage', err instanceof Error ? err.message : err);
    app.exit(1);
  });
}
