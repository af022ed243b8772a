import type { Logger } from 'pino';
import type { UpdateState } from '../../shared/api/updates.js';
import type { BusyRegistry } from '../core/busy.js';

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
  /** Sent with every feed request: the PC's bearer, so the hub picks its channel and rollout by device. */
  requestHeaders?: Record<string, string> | null;
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
  /** The enrolled PC's bearer token (the hub serves each device its channel and rollout), or null. */
  getToken?(): Promise<string | null>;
  /** What must not be cut by the restart (core/busy.ts): installing waits until it is idle. */
  busy?: Pick<BusyRegistry, 'isBusy' | 'current' | 'onIdle'>;
  /** First retry after a failed check or download (5 min), doubled each time, capped at `intervalMs`. */
  retryBaseMs?: number;
}

export interface UpdateService {
  state(): UpdateState;
  check(): Promise<UpdateState>;
  /** Quits and installs if an update is downloaded; otherwise answers the state unchanged. */
  install(): UpdateState;
  stop(): void;
}

export const UPDATE_INTERVAL_MS = 4 * 60 * 60 * 1000;
export const UPDATE_RETRY_BASE_MS = 5 * 60 * 1000;

/** Errors that only mean « no network now »: a town-hall PC is often offline, so they stay quiet. */
const OFFLINE =
  /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|ERR_NAME_NOT_RESOLVED|ERR_CONNECTION_(REFUSED|RESET|TIMED_OUT)|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH/;

/** The hub serves the electron-builder generic feed under /updates/. */
export function updateFeedUrl(hubUrl: string): string {
  return new URL('updates/', hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`).toString();
}

/**
 * Background updates: check at start and every 4 h, download silently,
 * install when the user asks or at the next quit. Decisions (tested with the updater injected):
 * - offline is normal for a town-hall PC: the state goes back to idle, no message;
 * - any other failed check or download is shown and retried later (5 min, doubling, up to 4 h);
 * - never restart to install while an import, a signature, a transmission or an assistance
 *   session runs (`busy`): the install waits, then happens as soon as the PC is idle.
 */
export function startUpdateService(options: UpdateServiceOptions): UpdateService {
  const { updater, getHubUrl, notify, log } = options;
  let current: UpdateState = { status: 'idle', version: null, percent: null, message: null };
  let feed: string | null = null;
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let installWhenIdle: (() => void) | null = null;
  const interval = options.intervalMs ?? UPDATE_INTERVAL_MS;

  const set = (next: Partial<UpdateState>): void => {
    current = { ...current, ...next };
    notify(current);
  };

  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.on('checking-for-update', () => set({ status: 'checking', message: null }));
  updater.on('update-available', (info) => set({ status: 'downloading', version: info.version, percent: 0 }));
  updater.on('update-not-available', () => {
    failures = 0;
    set({ status: 'up_to_date', version: null, percent: null });
  });
  updater.on('download-progress', (p) => set({ status: 'downloading', percent: Math.round(p.percent) }));
  updater.on('update-downloaded', (info) => {
    failures = 0;
    set({ status: 'ready', version: info.version, percent: 100 });
  });
  updater.on('error', (err) => {
    const offline = OFFLINE.test(err?.message ?? '');
    log[offline ? 'debug' : 'warn']({ err: err?.message }, 'update check or download failed');
    // A download already finished stays installable.
    if (current.status === 'ready') return;
    if (offline) set({ status: 'idle', version: null, percent: null, message: null });
    else set({ status: 'error', percent: null, message: 'La recherche de mise à jour a échoué ; nouvel essai plus tard.' });
    // A failed download or check tries again sooner than the 4-hour round, backing off.
    failures += 1;
    if (retry) clearTimeout(retry);
    retry = setTimeout(
      () => {
        retry = null;
        void check();
      },
      Math.min(interval, (options.retryBaseMs ?? UPDATE_RETRY_BASE_MS) * 2 ** (failures - 1)),
    );
    retry.unref?.();
  });

  const check = async (): Promise<UpdateState> => {
    const hubUrl = await getHubUrl().catch(() => null);
    if (!hubUrl) return current; // not enrolled yet: no feed to ask
    const url = updateFeedUrl(hubUrl);
    if (url !== feed) {
      updater.setFeedURL({ provider: 'generic', url });
      feed = url;
    }
    const token = await options.getToken?.().catch(() => null);
    if (token) updater.requestHeaders = { authorization: `Bearer ${token}` };
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
  const timer = setInterval(() => void check(), interval);
  timer.unref?.();

  return {
    state: () => current,
    check,
    install() {
      if (current.status !== 'ready') return current;
      const busy = options.busy;
      if (busy?.isBusy()) {
        const what = busy.current().map((b) => b.label);
        log.info({ version: current.version, busy: busy.current().map((b) => b.kind) }, 'update install waits for running work');
        set({ message: `La mise à jour s’installera dès la fin de : ${what.join(', ')}.` });
        installWhenIdle ??= busy.onIdle(() => {
          installWhenIdle?.();
          installWhenIdle = null;
          log.info({ version: current.version }, 'installing update now that the PC is idle');
          updater.quitAndInstall(true, true);
        });
        return current;
      }
      log.info({ version: current.version }, 'installing update at user request');
      // Silent (no installer wizard for the agent), then relaunch Guichet on the new version.
      updater.quitAndInstall(true, true);
      return current;
    },
    stop: () => {
      clearInterval(timer);
      if (retry) clearTimeout(retry);
      installWhenIdle?.();
    },
  };
}
