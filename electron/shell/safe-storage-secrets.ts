import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import type { Logger } from 'pino';
import { GuichetError } from '../../shared/errors.js';
import type { SecretStore } from '../platform/platform.js';

export interface SafeStorageSecretStoreOptions {
  /** JSON file `{ key: base64(ciphertext) }`, written 0600. */
  file: string;
  safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;
  log: Logger;
  os: NodeJS.Platform;
}

const UNAVAILABLE =
  "Le coffre-fort du système n'est pas disponible : Guichet ne peut pas protéger la session sur ce poste. Contactez l'assistance.";

/**
 * SecretStore over Electron safeStorage: only ciphertext ever reaches the
 * disk. On Windows and macOS an unavailable OS vault is refused (we would
 * otherwise store the device token in clear). On Linux without a keyring
 * Chromium falls back to 'basic_text' (a fixed key): still better than
 * nothing for a kiosk PC, so we accept it but say so in the log.
 */
export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { file, safeStorage, log, os } = options;
  let checked = false;

  const ensureAvailable = (): void => {
    if (checked) return;
    const available = safeStorage.isEncryptionAvailable();
    if (!available) {
      throw new GuichetError('internal', UNAVAILABLE, `safeStorage unavailable on ${os}`);
    }
    if (os === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      log.warn('safeStorage uses the basic_text backend (no keyring found): secrets are only obfuscated on this Linux PC');
    }
    checked = true;
  };

  const readAll = (): Record<string, string> => {
    if (!existsSync(file)) return {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      log.error('secret file unreadable, starting empty');
      return {};
    }
  };

  const writeAll = (entries: Record<string, string>): void => {
    // Write then rename: a crash never leaves a half-written vault.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries), { mode: 0o600 });
    renameSync(tmp, file);
  };

  return {
    kind: 'os-keychain',
    async get(key) {
      ensureAvailable();
      const sealed = readAll()[key];
      if (sealed === undefined) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        // The OS key changed (profile restored on another PC…): behave as if absent, the user re-logs in.
        log.warn({ key }, 'secret could not be decrypted, ignoring it');
        return null;
      }
    },
    async set(key, value) {
      ensureAvailable();
      const entries = readAll();
      entries[key] = safeStorage.encryptString(value).toString('base64');
      writeAll(entries);
    },
    async delete(key) {
      const entries = readAll();
      if (!(key in entries)) return;
      delete entries[key];
      writeAll(entries);
    },
  };
}
