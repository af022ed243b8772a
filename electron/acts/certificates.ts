/**
 * The commune's signing certificate on this PC. The PKCS#12 is imported into
 * the SoftwareKeyStore protected by the p12's own password, so the password
 * is asked again at each signature (nothing on disk signs without it) and the
 * private key never leaves this machine. The current certificate's metadata
 * sits in `acts_certificate`.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { CertificateInfo as CertificateView } from '../../shared/acts/ipc.js';
import { GuichetError } from '../../shared/errors.js';
import type { CertificateInfo } from '../signing/certificate.js';
import { SoftwareKeyStore, type SigningKey } from '../signing/key-store.js';

const CURRENT = 'current';
const NO_CERTIFICATE = "Aucun certificat de signature n'est installé sur ce poste : importez celui de la commune (fichier .p12 ou .pfx).";
const WRONG_PASSWORD = 'Mot de passe du certificat incorrect.';

/**
 * The key store wants a passphrase of 8+ characters; CAs hand out p12 files with
 * shorter passwords. A fixed prefix keeps "the p12 password unlocks the key"
 * whatever its length (the strength is the password's either way).
 */
const passphraseOf = (password: string) => `guichet-actes:${password}`;

export function toView(id: string, info: CertificateInfo): CertificateView {
  return {
    id,
    holder: info.holder.commonName ?? '(inconnu)',
    organisation: info.holder.organization,
    issuer: [info.issuer.commonName, info.issuer.organization].filter(Boolean).join(', ') || '(inconnu)',
    serial: info.serialHex,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
  };
}

export function createCertificates(db: Database.Database, dataDir: string, now: () => Date) {
  const store = new SoftwareKeyStore(join(dataDir, 'signing-keys'), now);
  const select = db.prepare<[string], { key_id: string; info: string }>('SELECT key_id, info FROM acts_certificate WHERE id = ?');

  function current(): { keyId: string; view: CertificateView } | null {
    const row = select.get(CURRENT);
    return row ? { keyId: row.key_id, view: JSON.parse(row.info) as CertificateView } : null;
  }

  return {
    current: () => current()?.view ?? null,

    /** Refuses a wrong password (French message from the PKCS#12 reader) and a certificate outside its validity. */
    async import(content: Uint8Array, password: string): Promise<CertificateView> {
      const previous = current();
      const entry = await store.importPkcs12(Buffer.from(content), password, { kind: 'passphrase', passphrase: passphraseOf(password) });
      const view = toView(entry.id, entry.certificate);
      db.prepare(
        'INSERT INTO acts_certificate (id, key_id, info, imported_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, info = excluded.info, imported_at = excluded.imported_at',
      ).run(CURRENT, entry.id, JSON.stringify(view), entry.importedAt);
      // The replaced certificate's key is no use any more: do not leave it on disk.
      if (previous && previous.keyId !== entry.id) await store.remove(previous.keyId);
      return view;
    },

    /** The installed certificate itself (read from the key store, no password needed), or null. */
    async info(): Promise<CertificateInfo | null> {
      const cur = current();
      if (!cur) return null;
      return (await store.list()).find((e) => e.id === cur.keyId)?.certificate ?? null;
    },

    /** Unlocks the key for one signature; refuses an expired certificate and a wrong password in French. */
    async open(password: string): Promise<{ key: SigningKey; view: CertificateView }> {
      const cur = current();
      if (!cur) throw new GuichetError('not_found', NO_CERTIFICATE, 'no certificate installed');
      try {
        return { key: await store.open(cur.keyId, { kind: 'passphrase', passphrase: passphraseOf(password) }), view: cur.view };
      } catch (err) {
        if (err instanceof GuichetError && err.detail?.startsWith('cannot decrypt key'))
          throw new GuichetError('invalid_input', WRONG_PASSWORD, err.detail);
        throw err;
      }
    },
  };
}

export type Certificates = ReturnType<typeof createCertificates>;
