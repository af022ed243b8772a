import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UpdateState } from '../../shared/api/updates.js';
import { createBusyRegistry } from '../core/busy.js';
import { startUpdateService, updateFeedUrl, type UpdateService } from './update-service.js';

function fakeUpdater() {
  return Object.assign(new EventEmitter(), {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
  });
}

describe('update service', () => {
  let service: UpdateService | null = null;
  afterEach(() => {
    service?.stop();
    vi.useRealTimers();
  });

  it('builds the generic feed URL under the hub', () => {
    expect(updateFeedUrl('https://hub.cd.fr')).toBe('https://hub.cd.fr/updates/');
    expect(updateFeedUrl('https://hub.cd.fr/guichet/')).toBe('https://hub.cd.fr/guichet/updates/');
  });

  it('waits for enrollment, then checks at start and every 4 hours on the hub feed', async () => {
    vi.useFakeTimers();
    const updater = fakeUpdater();
    let hubUrl: string | null = null;
    service = startUpdateService({ updater, getHubUrl: async () => hubUrl, notify: () => {}, log: pino({ level: 'silent' }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);

    hubUrl = 'https://hub.departement.fr';
    await vi.advanceTimersByTimeAsync(4 * 60 * 60 * 1000);
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://hub.departement.fr/updates/' });
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4 * 60 * 60 * 1000 - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(updater.setFeedURL).toHaveBeenCalledTimes(1);
  });

  it('tells the renderer about download progress and installs only a downloaded update, on request', async () => {
    const updater = fakeUpdater();
    const seen: UpdateState[] = [];
    service = startUpdateService({
      updater,
      getHubUrl: async () => 'https://hub.cd.fr',
      notify: (s) => seen.push(s),
      log: pino({ level: 'silent' }),
    });
    expect(service.install().status).toBe('idle');
    expect(updater.quitAndInstall).not.toHaveBeenCalled();

    updater.emit('checking-for-update');
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('download-progress', { percent: 41.6 });
    expect(service.state()).toEqual({ status: 'downloading', version: '1.2.0', percent: 42, message: null });
    updater.emit('update-downloaded', { version: '1.2.0' });
    expect(seen.map((s) => s.status)).toEqual(['checking', 'downloading', 'downloading', 'ready']);

    // A later network error must not hide the update that is ready.
    updater.emit('error', new Error('net::ERR_INTERNET_DISCONNECTED'));
    expect(service.state().status).toBe('ready');
    service.install();
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
    expect(updater.quitAndInstall).toHaveBeenCalledWith(true, true);
  });

  it('stays quiet when the PC is offline (no error shown), and tries again later', async () => {
    const updater = fakeUpdater();
    updater.checkForUpdates.mockImplementation(async () => {
      updater.emit('error', new Error('getaddrinfo ENOTFOUND hub'));
      throw new Error('getaddrinfo ENOTFOUND hub');
    });
    service = startUpdateService({ updater, getHubUrl: async () => 'https://hub.cd.fr', notify: () => {}, log: pino({ level: 'silent' }) });
    const state = await service.check();
    expect(state).toEqual({ status: 'idle', version: null, percent: null, message: null });
  });

  it('retries a failed download later, backing off, and shows the failure', async () => {
    vi.useFakeTimers();
    const updater = fakeUpdater();
    updater.checkForUpdates.mockImplementation(async () => {
      updater.emit('update-available', { version: '1.2.0' });
      updater.emit('error', new Error('ERR_CHECKSUM_MISMATCH sha512 checksum mismatch'));
      return null;
    });
    service = startUpdateService({
      updater,
      getHubUrl: async () => 'https://hub.cd.fr',
      notify: () => {},
      log: pino({ level: 'silent' }),
      retryBaseMs: 60_000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(service.state()).toMatchObject({ status: 'error', message: expect.stringMatching(/nouvel essai plus tard/) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    // Second failure: twice as long before the next try.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(3);
  });

  it('never restarts to install while an import, a signature, a transmission or an assistance session runs', async () => {
    const updater = fakeUpdater();
    const busy = createBusyRegistry();
    service = startUpdateService({
      updater,
      getHubUrl: async () => 'https://hub.cd.fr',
      notify: () => {},
      log: pino({ level: 'silent' }),
      busy,
    });
    updater.emit('update-downloaded', { version: '1.3.0' });
    const endSession = busy.begin('assistance', "la session d'assistance");
    const endImport = busy.begin('import', 'l’import de la liste électorale');
    expect(service.install().message).toMatch(/dès la fin de : la session d'assistance, l’import de la liste électorale/);
    service.install(); // asked twice: still one install
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    endSession();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    endImport();
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
    expect(updater.quitAndInstall).toHaveBeenCalledWith(true, true);
  });

  it('tells the hub which PC asks (its bearer), so the hub picks its channel and rollout', async () => {
    const updater = fakeUpdater();
    service = startUpdateService({
      updater,
      getHubUrl: async () => 'https://hub.cd.fr',
      getToken: async () => 'jeton-du-poste-0123456789',
      notify: () => {},
      log: pino({ level: 'silent' }),
    });
    await service.check();
    expect((updater as unknown as { requestHeaders: unknown }).requestHeaders).toEqual({
      authorization: 'Bearer jeton-du-poste-0123456789',
    });
  });
});
