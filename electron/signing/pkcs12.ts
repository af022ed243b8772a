import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { GuichetError } from '../../shared/errors.js';
import { certificateMatchesKey } from './certificate.js';

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** The certificate whose public key matches `privateKey`. */
  certificateDer: Buffer;
  /** The other certificates of the file (intermediate CAs), in file order. */
  chainDer: Buffer[];
}

const WRONG_PASSWORD = 'Mot de passe du certificat incorrect.';

/**
 * Reads a PKCS#12 (.p12/.pfx) file with node-forge.
 *
 * Choice of library: Node's crypto has no PKCS#12 reader, and Electron's BoringSSL may lack the
 * legacy PBEs (RC2-40, 3DES) that older CA exports use; forge implements all of them in JS,
 * plus PBES2/PBKDF2/AES (OpenSSL 3 defaults). Forge is used for this parsing only.
 *
 * The one variant forge gets wrong (signing.md §1.1, verified): PBES2 files with a non-ASCII
 * password. Forge derives the MAC key from the password as UTF-16 (correct) but feeds PBKDF2
 * the JS string as Latin-1 instead of UTF-8 as OpenSSL does. So when the password is not ASCII,
 * we let forge check the MAC with the real password first (which proves the password right),
 * and if decrypting the contents then fails we retry without the MAC and with the UTF-8 bytes of
 * the password, which is what PBES2 expects. Legacy-PBE files (BMPString passwords) succeed on
 * the first pass.
 */
export function readPkcs12(file: Buffer, password: string): Pkcs12Contents {
  let asn: forge.asn1.Asn1;
  try {
    asn = forge.asn1.fromDer(forge.util.createBuffer(file.toString('binary')), { strict: false } as never);
  } catch (err) {
    throw new GuichetError('invalid_input', "Le fichier n'est pas un certificat PKCS#12 (.p12 ou .pfx) lisible.", (err as Error).message);
  }

  try {
    return contentsOf(forge.pkcs12.pkcs12FromAsn1(asn, false, password));
  } catch (err) {
    const msg = (err as Error).message;
    if (/MAC could not be verified/i.test(msg)) throw new GuichetError('invalid_input', WRONG_PASSWORD, 'PKCS#12 MAC mismatch');
    const utf8 = forge.util.encodeUtf8(password);
    if (utf8 === password) throw err instanceof GuichetError ? err : decryptFailure(msg);
    // MAC verified (or absent): retry the PBES2 decryption with UTF-8 password bytes. Any
    // failure of the first pass lands here, including the rare wrong-key decryption that
    // happens to unpad cleanly (contentsOf() then finds no usable key or no matching certificate).
    const value = asn.value as forge.asn1.Asn1[];
    if (value.length > 2) value.length = 2; // drop macData: already verified above with the real password
    let p12: forge.pkcs12.Pkcs12Pfx;
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, utf8);
    } catch (err2) {
      throw decryptFailure((err2 as Error).message);
    }
    return contentsOf(p12);
  }
}

function contentsOf(p12: forge.pkcs12.Pkcs12Pfx): Pkcs12Contents {
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  if (keyBags.length === 0) throw new GuichetError('invalid_input', 'Le fichier PKCS#12 ne contient pas de clé privée.', 'no key bag');
  if (certBags.length === 0) throw new GuichetError('invalid_input', 'Le fichier PKCS#12 ne contient pas de certificat.', 'no cert bag');

  const keyBag = keyBags[0];
  let privateKey: KeyObject;
  try {
    // Non-RSA keys (EC) come back as bag.asn1 (PrivateKeyInfo) with bag.key = null.
    privateKey = keyBag.key
      ? createPrivateKey(forge.pki.privateKeyToPem(keyBag.key as forge.pki.rsa.PrivateKey))
      : createPrivateKey({
          key: Buffer.from(forge.asn1.toDer(keyBag.asn1 as forge.asn1.Asn1).getBytes(), 'binary'),
          format: 'der',
          type: 'pkcs8',
        });
  } catch {
    throw new GuichetError('invalid_input', WRONG_PASSWORD, 'private key unreadable after decryption');
  }

  const certs = certBags.map((bag) => {
    // certificateToAsn1 reuses the parsed TBS, so the DER comes back as it was in the file.
    const a = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : ((bag as { asn1?: forge.asn1.Asn1 }).asn1 as forge.asn1.Asn1);
    return Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
  });
  const publicDer = createPublicDer(privateKey);
  const signerIndex = certs.findIndex((der) => certificateMatchesKey(der, publicDer));
  if (signerIndex < 0) {
    throw new GuichetError(
      'invalid_input',
      'Le fichier PKCS#12 ne contient pas le certificat de sa clé privée.',
      'no certificate matches the key',
    );
  }
  return { privateKey, certificateDer: certs[signerIndex], chainDer: certs.filter((_, i) => i !== signerIndex) };
}

function createPublicDer(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

function decryptFailure(detail: string): GuichetError {
  if (/decrypt|password|pad/i.test(detail)) return new GuichetError('invalid_input', WRONG_PASSWORD, 'PKCS#12 decryption failed');
  return new GuichetError('invalid_input', "Le fichier PKCS#12 n'a pas pu être lu (format non pris en charge).", detail);
}
