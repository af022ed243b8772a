import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Platform, SecretStore } from './platform.js';

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
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  return {
    dataDir,
    secrets: createFileSecretStore(join(dataDir, 'secrets.json')),
    now: options.now ?? (() => new Date()),
    log: createClientLogger(join(dataDir, 'logs', 'guichet.log'), options.logLevel),
    deviceName: options.deviceName ?? hostname(),
  };
}

export function createClientLogger(file: string, level?: string): Logger {
  return pino(
    {
      level: level ?? process.env.GUICHET_LOG_LEVEL ?? 'info',
      base: { svc: 'client' },
      redact: { paths: CLIENT_REDACT_PATHS, censor: '[masqué]' },
    },
    // Synchronous writes: a line logged just before a crash is still in the file.
    pino.destination({ dest: file, mkdir: true, sync: true }),
  );
}

export function createFileSecretStore(file: string): SecretStore {
  const read = (): Record<string, string> => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {});
  const write = (values: Record<string, string>): void => {
    // Write-then-rename: a crash never leaves a half-written secrets file.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(values), { mode: 0o600 });
    chmodSync(tmp, 0o600);
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
