import { createHash, createPrivateKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GuichetError } from '../../shared/errors.js';
import type { SecretStore } from '../platform/platform.js';
import { ensurePrivateDirAsync, makePrivate, PRIVATE_FILE_MODE } from '../platform/private-files.js';
import { assertCertificateUsable, parseCertificate, type CertificateInfo } from './certificate.js';
import { readPkcs12 } from './pkcs12.js';

/**
 * A key able to sign CMS signed attributes. The software store below implements it;
 * a PKCS#11 token (CKM_SHA256_RSA_PKCS on the same bytes) can implement it later
 * without the private key ever being exported.
 */
export interface SigningKey {
  certificateDer(): Buffer;
  /** Intermediate certificates to embed in the signature (may be empty). */
  chainDer(): Buffer[];
  /** Signs `data` (the DER SET of signed attributes) with SHA-256: RSA PKCS#1 v1.5, or ECDSA (DER) for EC keys. */
  sign(data: Buffer): Promise<Buffer>;
}

/** A key held in memory by this process (after PKCS#12 import or unlocking the store). */
export class SoftwareSigningKey implements SigningKey {
  constructor(
    private readonly key: KeyObject,
    private readonly cert: Buffer,
    private readonly chain: Buffer[],
  ) {}
  certificateDer(): Buffer {
    return this.cert;
  }
  chainDer(): Buffer[] {
    return this.chain;
  }
  async sign(data: Buffer): Promise<Buffer> {
    return cryptoSign('sha256', data, this.key);
  }
}

/**
 * How the private key is protected at rest. Either way the file on disk is an encrypted
 * PKCS#8 (PBES2/AES-256); with 'secret-store' its random passphrase is sealed by the Platform's
 * SecretStore (OS keychain under Electron), so the user does not type anything to sign.
 */
export type KeyProtection = { kind: 'passphrase'; passphrase: string } | { kind: 'secret-store'; secrets: SecretStore };

export interface StoredKeyEntry {
  id: string;
  protection: KeyProtection['kind'];
  importedAt: string;
  certificate: CertificateInfo;
}

const KEY_FILE = 'key.p8.pem';
const CERT_FILE = 'certificate.der';
const ENTRY_FILE = 'entry.json';
const secretName = (id: string) => `signing.key-passphrase.${id}`;

/** Opens an in-memory signing key straight from a PKCS#12 file (used by `guichet sign --p12`). */
export function signingKeyFromPkcs12(file: Buffer, password: string, now: Date): { key: SigningKey; certificate: CertificateInfo } {
  const p12 = readPkcs12(file, password);
  const certificate = parseCertificate(p12.certificateDer);
  assertCertificateUsable(certificate, now);
  return { key: new SoftwareSigningKey(p12.privateKey, p12.certificateDer, p12.chainDer), certificate };
}

/** Keys imported on this PC, one sub-folder per certificate, in `folder` (e.g. `<dataDir>/signing-keys`). */
export class SoftwareKeyStore {
  constructor(
    private readonly folder: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async importPkcs12(file: Buffer, password: string, protection: KeyProtection): Promise<StoredKeyEntry> {
    const p12 = readPkcs12(file, password);
    const certificate = parseCertificate(p12.certificateDer);
    assertCertificateUsable(certificate, this.now());
    const id = createHash('sha256').update(p12.certificateDer).digest('hex').slice(0, 16);

    let passphrase: string;
    if (protection.kind === 'passphrase') {
      if (protection.passphrase.length < 8) {
        throw new GuichetError(
          'invalid_input',
          'La phrase de passe de la clé doit contenir au moins 8 caractères.',
          'passphrase too short',
        );
      }
      passphrase = protection.passphrase;
    } else {
      passphrase = randomBytes(32).toString('base64');
      await protection.secrets.set(secretName(id), passphrase);
    }
    const pem = p12.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;

    // The OS user's only (0700 / 0600), whatever the umask.
    await ensurePrivateDirAsync(this.folder);
    const tmp = join(this.folder, `.${id}.${process.pid}.tmp`);
    await rm(tmp, { recursive: true, force: true });
    await ensurePrivateDirAsync(tmp);
    const importedAt = this.now().toISOString();
    const files: [string, string | Uint8Array][] = [
      [KEY_FILE, pem],
      [CERT_FILE, p12.certificateDer],
      ...p12.chainDer.map((der, i): [string, Uint8Array] => [`chain-${i}.der`, der]),
      [ENTRY_FILE, JSON.stringify({ protection: protection.kind, importedAt })],
    ];
    for (const [name, content] of files) {
      await writeFile(join(tmp, name), content, { mode: PRIVATE_FILE_MODE });
      await makePrivate(join(tmp, name));
    }
    // Re-importing the same certificate replaces the previous copy.
    await rm(join(this.folder, id), { recursive: true, force: true });
    await rename(tmp, join(this.folder, id));
    return { id, protection: protection.kind, importedAt, certificate };
  }

  async list(): Promise<StoredKeyEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: StoredKeyEntry[] = [];
    for (const id of names.filter((n) => !n.startsWith('.')).sort()) out.push(await this.entry(id));
    return out;
  }

  private async entry(id: string): Promise<StoredKeyEntry> {
    const dir = join(this.folder, id);
    try {
      const meta = JSON.parse(await readFile(join(dir, ENTRY_FILE), 'utf8')) as { protection: KeyProtection['kind']; importedAt: string };
      return { id, ...meta, certificate: parseCertificate(await readFile(join(dir, CERT_FILE))) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new GuichetError('not_found', "Ce certificat n'est pas installé sur ce poste.", `key ${id} not found`);
      }
      throw err;
    }
  }

  /** Unlocks a stored key for signing; refuses it once the certificate has expired. */
  async open(id: string, protection: KeyProtection): Promise<SigningKey> {
    const entry = await this.entry(id);
    assertCertificateUsable(entry.certificate, this.now());
    const dir = join(this.folder, id);
    let passphrase: string | null;
    if (protection.kind === 'passphrase') passphrase = protection.passphrase;
    else passphrase = await protection.secrets.get(secretName(id));
    if (passphrase === null) {
      throw new GuichetError(
        'not_found',
        'La clé de ce certificat est introuvable dans le coffre du poste : importez de nouveau le certificat.',
        `no secret for ${id}`,
      );
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: await readFile(join(dir, KEY_FILE), 'utf8'), format: 'pem', passphrase });
    } catch {
      throw new GuichetError('invalid_input', 'Phrase de passe de la clé incorrecte.', `cannot decrypt key ${id}`);
    }
    const chain: Buffer[] = [];
    for (const n of (await readdir(dir))
      .filter((f) => /^chain-\d+\.der$/.test(f))
      .sort((a, b) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10))) {
      chain.push(await readFile(join(dir, n)));
    }
    return new SoftwareSigningKey(key, entry.certificate.der, chain);
  }

  async remove(id: string, secrets?: SecretStore): Promise<void> {
    await rm(join(this.folder, id), { recursive: true, force: true });
    if (secrets) await secrets.delete(secretName(id));
  }
}
