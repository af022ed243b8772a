import { hostname } from 'node:os';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { Logger } from 'pino';
import { createClientLogger } from '../platform/node-platform.js';
import type { Platform } from '../platform/platform.js';
import { ensurePrivateDir } from '../platform/private-files.js';
import { createSafeStorageSecretStore } from './safe-storage-secrets.js';

export interface ElectronPlatformOptions {
  /** app.getPath('userData'): the SQLite file, logs and secrets live here. */
  dataDir: string;
  log?: Logger;
  /** Injected by tests; process.platform otherwise. */
  os?: NodeJS.Platform;
}

/**
 * The Platform of the desktop app: secrets encrypted by the OS through
 * Electron's safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/
 * kwallet on Linux). Must be created after app 'ready' (safeStorage needs it).
 */
export function createElectronPlatform(options: ElectronPlatformOptions): Platform {
  const { dataDir } = options;
  // userData holds the electors' personal data: the OS user's only (0700), whatever the umask.
  ensurePrivateDir(dataDir);
  // Same log file, level and redaction of personal data as the headless platform.
  const log = options.log ?? createClientLogger(join(dataDir, 'logs', 'guichet.log'));
  const secrets = createSafeStorageSecretStore({
    file: join(dataDir, 'secrets.json'),
    safeStorage,
    log,
    os: options.os ?? process.platform,
  });
  return { dataDir, secrets, now: () => new Date(), log, deviceName: hostname() };
}
