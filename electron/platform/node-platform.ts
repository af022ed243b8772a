import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Platform, SecretStore } from './platform.js';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE } from './private-files.js';

/**
 * Fields never written to the client log: credentials and what a user typed
 * about a person. Handlers log ids and counts, these catch the rest.
 */
export const CLIENT_REDACT_PATHS = [
  'token',
  'password',
  'code',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  'data',
  'payload',
  'applicant',
  '*.token',
  '*.password',
  '*.code',
  '*.authorization',
  '*.Authorization',
  '*.data',
  '*.payload',
  '*.applicant',
];

export interface NodePlatformOptions {
  dataDir: string;
  deviceName?: string;
  /** Tests pass a fixed clock. */
  now?: () => Date;
  /** Default `GUICHET_LOG_LEVEL` or 'info'. */
  logLevel?: string;
}

/**
 * The platform outside Electron (CLI, web host, tests). Secrets go to a
 * `secrets.json` file readable by the OS user only (0600): the headless
 * fallback. The Electron shell uses `safeStorage` (OS keychain) instead.
 */
export function createNodePlatform(options: NodePlatformOptions): Platform {
  const { dataDir } = options;
  // Names, birth dates and addresses live here: the OS user's only (0700), whatever the umask.
  ensurePrivateDir(dataDir);
  return {
    dataDir,
    secrets: createFileSecretStore(join(dataDir, 'secrets.json')),
    now: options.now ?? (() => new Date()),
    log: createClientLogger(join(dataDir, 'logs', 'guichet.log'), options.logLevel),
    deviceName: options.deviceName ?? hostname(),
  };
}

/** The log file and its folder are the OS user's only (0700/0600): ids and counts only, yet nobody else's business. */
export function createClientLogger(file: string, level?: string): Logger {
  ensurePrivateDir(dirname(file));
  ensurePrivateFile(file);
  return pino(
    {
      level: level ?? process.env.GUICHET_LOG_LEVEL ?? 'info',
      base: { svc: 'client' },
      redact: { paths: CLIENT_REDACT_PATHS, censor: '[masqué]' },
    },
    // Synchronous writes: a line logged just before a crash is still in the file.
    pino.destination({ dest: file, sync: true, mode: PRIVATE_FILE_MODE }),
  );
}

export function createFileSecretStore(file: string): SecretStore {
  const read = (): Record<string, string> => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {});
  const write = (values: Record<string, string>): void => {
    // Write-then-rename: a crash never leaves a half-written secrets file.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(values), { mode: PRIVATE_FILE_MODE });
    if (process.platform !== 'win32') chmodSync(tmp, PRIVATE_FILE_MODE);
    renameSync(tmp, file);
  };
  return {
    kind: 'file',
    async get(key) {
      return read()[key] ?? null;
    },
    async set(key, value) {
      write({ ...read(), [key]: value });
    },
    async delete(key) {
      const values = read();
      delete values[key];
      write(values);
    },
  };
}
