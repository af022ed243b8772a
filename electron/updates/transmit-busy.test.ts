import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setClassification } from '../../hub-server/acts/classification.js';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { call, openCore } from '../../test/sync/core-harness.js';
import { startFlakyProxy, type FlakyProxy } from '../../test/sync/flaky-proxy.js';
import { CLASSIFICATION, deliberationPdf, draftInput } from '../acts/test-fixtures.js';
import type { ClientCore } from '../core/client-core.js';
import { makePki, P12_PASSWORD, type Pki } from '../signing/test-fixtures.js';
import { startUpdateService, type UpdateService } from './update-service.js';

/**
 * An act's transmission is queued in the outbox as the `acts.transmit` command, pushed by the
 * generic sync engine. While the hub has not acknowledged it, the PC is busy: an update that is
 * ready waits, and installs as soon as the push is acknowledged (real client core, real hub).
 */
let hub: TestHub;
let proxy: FlakyProxy;
let pki: Pki;
let dir: string;
let core: ClientCore;
let service: UpdateService | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-transmit-busy-'));
  pki = makePki(join(dir, 'pki'));
  hub = await createTestHub('sqlite');
  proxy = await startFlakyProxy(await hub.listen());
  await hub.seedCommune({ insee: '10387', services: ['acts'] });
  await setClassification(hub.db, CLASSIFICATION);
  core = await openCore(undefined, 'PC maire');
  await call(core, 'session:login', {
    hubUrl: proxy.url,
    insee: '10387',
    username: 'maire',
    password: TEST_PASSWORD,
    deviceName: 'PC maire',
  });
  expect((await call(core, 'sync:now', null)).lastError).toBeNull();
}, 120_000);
afterAll(async () => {
  service?.stop();
  await core?.close();
  await proxy?.close();
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an update and a queued transmission', () => {
  it('never installs while the transmit command waits for the hub, and installs once it is acknowledged', async () => {
    await call(core, 'acts:import-certificate', {
      fileName: 'maire.p12',
      content: new Uint8Array(readFileSync(pki.p12Aes)),
      password: P12_PASSWORD,
    });
    const { act } = await call(core, 'acts:create', draftInput(await deliberationPdf(dir), { numeroInterne: 'BUSY_1' }));
    await call(core, 'acts:sign', { id: act.id, password: P12_PASSWORD, confirmNoSiren: true });
    // A drafted and signed act, not transmitted: nothing holds an update.
    expect((await call(core, 'sync:now', null)).pending).toBe(0);
    expect(core.busy.isBusy()).toBe(false);

    const updater = Object.assign(new EventEmitter(), {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      setFeedURL: vi.fn(),
      checkForUpdates: vi.fn(async () => null),
      quitAndInstall: vi.fn(),
    });
    service = startUpdateService({
      updater,
      getHubUrl: async () => null,
      notify: () => {},
      log: pino({ level: 'silent' }),
      busy: core.busy,
    });
    updater.emit('update-downloaded', { version: '9.9.9' });

    // The line is down: the transmission stays in the outbox, unacknowledged.
    proxy.refuse = true;
    await call(core, 'acts:transmit', { id: act.id });
    expect((await call(core, 'sync:now', null)).lastError?.code).toBe('offline');
    expect(core.busy.current().map((b) => b.label)).toContain("transmission d'un acte à la préfecture");

    expect(service.install().message).toMatch(/transmission d'un acte/);
    // Other cycles, still offline: the command is still there, the update still waits.
    await call(core, 'sync:now', null);
    await call(core, 'sync:now', null);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();

    proxy.refuse = false;
    const back = await call(core, 'sync:now', null);
    expect(back.lastError).toBeNull();
    expect(back.pending).toBe(0);
    expect(core.busy.isBusy()).toBe(false);
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
  }, 120_000);
});
