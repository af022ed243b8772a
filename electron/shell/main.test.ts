import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, type Channel, type Envelope } from '../../shared/api/ipc.js';

// Electron stand-in: records what main.ts asks of it (the binary is absent here).
const h = vi.hoisted(() => {
  const state = {
    lock: true,
    appHandlers: new Map<string, (...args: unknown[]) => void>(),
    ipcHandlers: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
    windows: [] as { options: Record<string, unknown>; sent: [string, unknown][]; loaded: string[] }[],
    permissionHandler: null as null | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | ((...a: unknown[]) => boolean),
    headersHook: null as
      | null
      | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
    userData: '',
    quit: 0,
    setPaths: [] as [string, string][],
  };
  return { state };
});

vi.mock('electron', () => {
  const { state } = h;
  class BrowserWindow {
    options: Record<string, unknown>;
    sent: [string, unknown][] = [];
    loaded: string[] = [];
    webContents = { send: (channel: string, payload: unknown) => this.sent.push([channel, payload]) };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
    }
    once() {}
    show() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    async loadFile(path: string) {
      this.loaded.push(path);
    }
  }
  return {
    app: {
      requestSingleInstanceLock: () => state.lock,
      quit: () => {
        state.quit++;
      },
      exit: () => {},
      enableSandbox: () => {},
      on: (name: string, fn: (...args: unknown[]) => void) => state.appHandlers.set(name, fn),
      whenReady: async () => {},
      getPath: () => state.userData,
      setPath: (name: string, value: string) => {
        state.setPaths.push([name, value]);
        state.userData = value;
      },
      getAppPath: () => '/opt/guichet/resources/app.asar',
      isPackaged: true,
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) => state.ipcHandlers.set(channel, fn) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof state.permissionHandler) => {
          state.permissionHandler = fn;
        },
        setPermissionCheckHandler: (fn: typeof state.permissionCheck) => {
          state.permissionCheck = fn;
        },
        webRequest: {
          onHeadersReceived: (fn: typeof state.headersHook) => {
            state.headersHook = fn;
          },
        },
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
    },
  };
});

const { startShell } = await import('./main.js');
type ShellCore = import('./main.js').ShellCore;

const trusted = { senderFrame: { url: 'file:///opt/guichet/resources/app.asar/dist/renderer/index.html' } };

function fakeCore() {
  const events = new EventEmitter();
  const calls: [Channel, unknown][] = [];
  return {
    calls,
    events,
    closed: 0,
    invoke: vi.fn(async (channel: Channel, input: unknown): Promise<Envelope<unknown>> => {
      calls.push([channel, input]);
      if (channel === 'accounts:users') throw new Error('bug');
      if (channel === 'session:get') return { ok: true, value: { status: 'not_enrolled', hubUrl: null } };
      return { ok: true, value: `réponse ${channel}` };
    }),
    on(event: string, listener: (p: unknown) => void) {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    close() {
      this.closed++;
    },
  };
}

function fakeUpdater() {
  return Object.assign(new EventEmitter(), {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
  });
}

describe('Electron main process', () => {
  let core: ReturnType<typeof fakeCore>;
  beforeEach(() => {
    h.state.userData = mkdtempSync(join(tmpdir(), 'guichet-shell-'));
    h.state.lock = true;
    h.state.quit = 0;
    h.state.windows.length = 0;
    h.state.ipcHandlers.clear();
    h.state.appHandlers.clear();
    core = fakeCore();
  });
  afterEach(() => rmSync(h.state.userData, { recursive: true, force: true }));

  const start = () => startShell({ createCore: async () => core as unknown as ShellCore, loadUpdater: async () => fakeUpdater() });

  it('opens one window, isolated, sandboxed, without Node, on the built renderer', async () => {
    const shell = await start();
    expect(shell).not.toBeNull();
    expect(h.state.windows).toHaveLength(1);
    const prefs = h.state.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    expect(prefs.preload).toBe('/opt/guichet/resources/app.asar/dist/electron/preload.cjs');
    expect(h.state.windows[0].loaded).toEqual(['/opt/guichet/resources/app.asar/dist/renderer/index.html']);
  });

  it('uses the profile folder given by GUICHET_USER_DATA (tests, second installation)', async () => {
    const own = join(h.state.userData, 'profil-test');
    process.env.GUICHET_USER_DATA = own;
    try {
      await start();
    } finally {
      delete process.env.GUICHET_USER_DATA;
    }
    expect(h.state.setPaths).toContainEqual(['userData', own]);
  });

  it('does nothing but quit when another instance already runs', async () => {
    h.state.lock = false;
    expect(await start()).toBeNull();
    expect(h.state.quit).toBe(1);
    expect(h.state.windows).toHaveLength(0);
    expect(h.state.ipcHandlers.size).toBe(0);
  });

  it('denies navigation, new windows, webviews and every permission, and sets the CSP', async () => {
    await start();
    const handlers = new Map<string, (e: { preventDefault(): void }) => void>();
    let openHandler: (() => { action: string }) | null = null;
    h.state.appHandlers.get('web-contents-created')!(
      {},
      {
        on: (name: string, fn: (e: { preventDefault(): void }) => void) => handlers.set(name, fn),
        setWindowOpenHandler: (fn: () => { action: string }) => {
          openHandler = fn;
        },
      },
    );
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      handlers.get(name)!(event);
      expect(event.preventDefault, name).toHaveBeenCalled();
    }
    expect(openHandler!()).toEqual({ action: 'deny' });

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const cb = vi.fn();
      h.state.permissionHandler!({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    expect(h.state.permissionCheck!()).toBe(false);

    let headers: Record<string, string[]> = {};
    h.state.headersHook!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => {
      headers = r.responseHeaders;
    });
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'none'");
    expect(headers['X-Other']).toEqual(['1']);
  });

  it('routes every contract channel to the core and answers envelopes', async () => {
    await start();
    for (const channel of CHANNELS) expect(h.state.ipcHandlers.has(channel), channel).toBe(true);
    const answer = await h.state.ipcHandlers.get('electoral:search')!(trusted, { query: 'dupont' });
    expect(answer).toEqual({ ok: true, value: 'réponse electoral:search' });
    expect(core.calls).toContainEqual(['electoral:search', { query: 'dupont' }]);
    // A throwing core is a bug, but the renderer still gets an envelope, not a rejected IPC.
    expect(await h.state.ipcHandlers.get('accounts:users')!(trusted, null)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses IPC from any frame that is not our renderer page', async () => {
    await start();
    const before = core.calls.length;
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'file:///opt/guichet/resources/app.asar/dist/renderer-evil/x.html',
      '',
    ]) {
      const answer = await h.state.ipcHandlers.get('session:logout')!({ senderFrame: { url } }, null);
      expect(answer, url).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await h.state.ipcHandlers.get('session:logout')!({ senderFrame: null }, null)).toMatchObject({ ok: false });
    expect(core.calls.length).toBe(before);
  });

  it('forwards core events to the window on prefixed channels', async () => {
    await start();
    core.events.emit('sync:state', { online: true, pending: 2 });
    expect(h.state.windows[0].sent).toContainEqual(['guichet-event:sync:state', { online: true, pending: 2 }]);
  });

  it('serves the update channels and closes the core before quitting', async () => {
    await start();
    expect(await h.state.ipcHandlers.get('update:state')!(trusted, null)).toMatchObject({ ok: true, value: { status: 'idle' } });
    const event = { preventDefault: vi.fn() };
    h.state.appHandlers.get('will-quit')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(core.closed).toBe(1));
    await vi.waitFor(() => expect(h.state.quit).toBe(1));
  });

  it('asks the update feed with the session’s device token and lets the core report the update state', async () => {
    const updater = fakeUpdater();
    let updateState: (() => unknown) | undefined;
    const enrolled = Object.assign(core, {
      session: { token: () => 'jeton-du-poste-0123456789' },
      invoke: vi.fn(async (): Promise<Envelope<unknown>> => ({ ok: true, value: { status: 'logged_in', hubUrl: 'https://hub.cd.fr' } })),
    });
    await startShell({
      createCore: async (args) => {
        updateState = args.updateState;
        return enrolled as unknown as ShellCore;
      },
      loadUpdater: async () => updater,
    });
    await h.state.ipcHandlers.get('update:check')!(trusted, null);
    expect((updater as unknown as { requestHeaders: unknown }).requestHeaders).toEqual({
      authorization: 'Bearer jeton-du-poste-0123456789',
    });
    expect(updateState?.()).toMatchObject({ status: expect.any(String) });
  });
});
