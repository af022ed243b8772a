import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import pino, { type Logger } from 'pino';
import type { Platform } from '../platform/platform.js';
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
  mkdirSync(dataDir, { recursive: true });
  const log = options.log ?? createFileLogger(dataDir);
  const secrets = createSafeStorageSecretStore({ file: join(dataDir, 'secrets.json'), safeStorage, log, os: options.os ?? process.platform });
  return { dataDir, secrets, now: () => new Date(), log, deviceName: hostname() };
}

function createFileLogger(dataDir: string): Logger {
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  return pino({ level: process.env.GUICHET_LOG_LEVEL ?? 'info', base: { app: 'guichet-desktop' } }, pino.destination({ dest: join(logDir, 'guichet.log'), sync: true }));
}
