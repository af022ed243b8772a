import type { Logger } from 'pino';

/**
 * The platform seam: everything the client core needs from the machine.
 * The Electron shell provides one backed by `safeStorage` (electron/shell/electron-platform.ts);
 * plain Node (tests, web host, CLI) uses electron/platform/node-platform.ts.
 * The core never imports `electron`.
 */
export interface SecretStore {
  /** 'os-keychain' when secrets are encrypted by the OS (Electron safeStorage), 'file' for a 0600 file (headless). */
  readonly kind: 'os-keychain' | 'file';
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Platform {
  /** Folder holding the local SQLite file, logs and queued uploads for this installation. */
  dataDir: string;
  secrets: SecretStore;
  /** Wall clock, injected so tests control it. Used for display and scheduling only, never to order changes. */
  now(): Date;
  log: Logger;
  /** Name shown to the mayor in the device list (the PC's hostname by default). */
  deviceName: string;
}
