import type { Logger } from 'pino';
import type { UpdateState } from '../../shared/api/updates.js';

/** The AppUpdater events we listen to, with the payload fields we read (a subset of electron-updater's AppUpdaterEvents). */
export interface UpdaterEvents {
  'checking-for-update': () => void;
  'update-available': (info: { version: string }) => void;
  'update-not-available': () => void;
  'download-progress': (progress: { percent: number }) => void;
  'update-downloaded': (info: { version: string }) => void;
  error: (err: Error) => void;
}

/** The part of electron-updater's AppUpdater we drive (injected: the real one needs the Electron runtime). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on<E extends keyof UpdaterEvents>(event: E, listener: UpdaterEvents[E]): unknown;
}

export interface UpdateServiceOptions {
  updater: UpdaterLike;
  /** The enrolled hub's address, or null before enrollment (no feed then). */
  getHubUrl(): Promise<string | null>;
  /** Every state change, to forward to the renderer. */
  notify(state: UpdateState): void;
  log: Logger;
  /** Four hours by default. */
  intervalMs?: number;
}

export interface UpdateService {
  state(): UpdateState;
  check(): Promise<UpdateState>;
  /** Quits and installs if an update is downloaded; otherwise answers the state unchanged. */
  install(): UpdateState;
  stop(): void;
}

export const UPDATE_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** The hub serves the electron-builder generic feed under /updates/. */
export function updateFeedUrl(hubUrl: string): string {
  return new URL('updates/', hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`).toString();
}

/**
 * Background updates: check at start and every 4 h, download silently,
 * install when the user asks or at the next quit. Being offline is normal
 * for a town-hall PC, so a failed check is logged and shown, never thrown.
 */
export function startUpdateService(options: UpdateServiceOptions): UpdateService {
  const { updater, getHubUrl, notify, log } = options;
  let current: UpdateState = { status: 'idle', version: null, percent: null, message: null };
  let feed: string | null = null;

  const set = (next: Partial<UpdateState>): void => {
    current = { ...current, ...next };
    notify(current);
  };

  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.on('checking-for-update', () => set({ status: 'checking', message: null }));
  updater.on('update-available', (info) => set({ status: 'downloading', version: info.version, percent: 0 }));
  updater.on('update-not-available', () => set({ status: 'up_to_date', version: null, percent: null }));
  updater.on('download-progress', (p) => set({ status: 'downloading', percent: Math.round(p.percent) }));
  updater.on('update-downloaded', (info) => set({ status: 'ready', version: info.version, percent: 100 }));
  updater.on('error', (err) => {
    log.warn({ err: err?.message }, 'update check or download failed');
    // A download already finished stays installable.
    if (current.status !== 'ready')
      set({ status: 'error', percent: null, message: 'La recherche de mise à jour a échoué ; nouvel essai plus tard.' });
  });

  const check = async (): Promise<UpdateState> => {
    const hubUrl = await getHubUrl().catch(() => null);
    if (!hubUrl) return current; // not enrolled yet: no feed to ask
    const url = updateFeedUrl(hubUrl);
    if (url !== feed) {
      updater.setFeedURL({ provider: 'generic', url });
      feed = url;
    }
    if (current.status === 'ready' || current.status === 'downloading') return current;
    try {
      await updater.checkForUpdates();
    } catch (err) {
      // The 'error' event has already updated the state; nothing else to do.
      log.debug({ err: err instanceof Error ? err.message : 'unknown' }, 'checkForUpdates rejected');
    }
    return current;
  };

  void check();
  const timer = setInterval(() => void check(), options.intervalMs ?? UPDATE_INTERVAL_MS);
  timer.unref?.();

  return {
    state: () => current,
    check,
    install() {
      if (current.status !== 'ready') return current;
      log.info({ version: current.version }, 'installing update at user request');
      // Silent (no installer wizard for the agent), then relaunch Guichet on the new version.
      updater.quitAndInstall(true, true);
      return current;
    },
    stop: () => clearInterval(timer),
  };
}
