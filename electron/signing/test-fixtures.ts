/**
 * Real fixtures for the signing tests (and the bench): a CA and a commune certificate made with
 * the `openssl` CLI, PKCS#12 files in the variants CAs hand out, PDFs made with pdf-lib, and the
 * independent verifiers (pdfsig, openssl cms, qpdf). Nothing here is a mock.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, PDFName, StandardFonts, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState } from 'pdf-lib';

export const P12_PASSWORD = 'Mairie-Évreux-2026';

export interface Pki {
  dir: string;
  caPem: string;
  signerPem: string;
  signerKey: string;
  /** OpenSSL 3 default: PBES2 / PBKDF2 / AES-256-CBC, MAC SHA-256. */
  p12Aes: string;
  /** `-legacy`: RC2-40 certificates, 3DES key, MAC SHA-1. */
  p12Legacy: string;
  /** PBE-SHA1-3DES for both, MAC SHA-1. */
  p12TripleDes: string;
  /** Valid 12/03/2024 → 12/03/2025 (12:00 UTC). */
  p12Expired: string;
  /** Valid only from 2099. */
  p12NotYetValid: string;
  /** An ECDSA P-256 certificate (Paul Martin, Mairie de Vernon) from the same CA, OpenSSL 3 defaults. */
  p12Ec: string;
}

const CA_CONFIG = `[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
x509_extensions = signer
[any]
commonName = supplied
organizationName = optional
organizationIdentifier = optional
serialNumber = optional
countryName = optional
[signer]
keyUsage = critical, digitalSignature, nonRepudiation
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Subject of the signer certificate (OpenSSL `-subj` syntax); default: Jeanne Dupont, Mairie d'Évreux, no SIREN. */
export interface PkiOptions {
  signerSubject?: string;
  caName?: string;
}

/** A test CA ("AC Test Guichet") and Jeanne Dupont's certificate for the Mairie d'Évreux, in several PKCS#12 wrappings. */
export function makePki(dir: string, options: PkiOptions = {}): Pki {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial.txt'), '1000\n');
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '3650',
    '-utf8',
    '-subj',
    `/CN=${options.caName ?? 'AC Test Guichet'}/O=Département Test/C=FR`,
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'signer.key',
    '-out',
    'signer.csr',
    '-utf8',
    '-subj',
    options.signerSubject ?? "/CN=Jeanne Dupont/O=Mairie d'Évreux/C=FR",
  );
  const issue = (out: string, start: string, end: string) =>
    openssl(
      dir,
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      'signer.csr',
      '-out',
      out,
      '-utf8',
      '-notext',
      '-startdate',
      start,
      '-enddate',
      end,
    );
  const now = new Date();
  const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  issue('signer.pem', stamp(new Date(now.getTime() - 86_400_000)), stamp(new Date(now.getTime() + 365 * 86_400_000)));
  issue('expired.pem', '20240312000000Z', '20250312120000Z');
  issue('future.pem', '20990101000000Z', '20991231000000Z');

  openssl(
    dir,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ec.key',
    '-out',
    'ec.csr',
    '-utf8',
    '-subj',
    '/CN=Paul Martin/O=Mairie de Vernon/C=FR',
  );
  openssl(
    dir,
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'ec.csr',
    '-out',
    'ec.pem',
    '-utf8',
    '-notext',
    '-days',
    '365',
  );

  const pass = `pass:${P12_PASSWORD}`;
  openssl(dir, 'pkcs12', '-export', '-inkey', 'ec.key', '-in', 'ec.pem', '-certfile', 'ca.pem', '-out', 'ec.p12', '-passout', pass);
  const base = ['pkcs12', '-export', '-inkey', 'signer.key', '-certfile', 'ca.pem', '-passout', pass];
  openssl(dir, ...base, '-in', 'signer.pem', '-out', 'aes.p12');
  openssl(dir, ...base, '-in', 'signer.pem', '-out', 'legacy.p12', '-legacy');
  openssl(
    dir,
    ...base,
    '-in',
    'signer.pem',
    '-out',
    '3des.p12',
    '-keypbe',
    'PBE-SHA1-3DES',
    '-certpbe',
    'PBE-SHA1-3DES',
    '-macalg',
    'sha1',
  );
  openssl(dir, ...base, '-in', 'expired.pem', '-out', 'expired.p12');
  openssl(dir, ...base, '-in', 'future.pem', '-out', 'future.p12');
  return {
    dir,
    caPem: join(dir, 'ca.pem'),
    signerPem: join(dir, 'signer.pem'),
    signerKey: join(dir, 'signer.key'),
    p12Aes: join(dir, 'aes.p12'),
    p12Legacy: join(dir, 'legacy.p12'),
    p12TripleDes: join(dir, '3des.p12'),
    p12Expired: join(dir, 'expired.p12'),
    p12NotYetValid: join(dir, 'future.p12'),
    p12Ec: join(dir, 'ec.p12'),
  };
}

/** Revokes `certPem` (a certificate this PKI's CA issued) with `openssl ca -revoke` and answers the CA's new CRL (PEM). */
export function revokeAndCrl(pki: Pki, certPem: string): Buffer {
  const ca = ['-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key'];
  openssl(pki.dir, 'ca', ...ca, '-revoke', certPem);
  openssl(pki.dir, 'ca', ...ca, '-gencrl', '-crldays', '30', '-out', 'crl.pem');
  return readFileSync(join(pki.dir, 'crl.pem'));
}

/** Serial of a PEM certificate as printed by openssl (upper-case hex). */
export function opensslSerial(pem: string): string {
  return execFileSync('openssl', ['x509', '-in', pem, '-noout', '-serial'], { encoding: 'utf8' })
    .trim()
    .replace(/^serial=/, '');
}

/**
 * A two-page délibération made with pdf-lib. `objectStreams` saves it PDF 1.5 style
 * (object streams + cross-reference stream); `imageBytes` adds an uncompressed RGB image of
 * about that size on page 1 (a scan), for the bench.
 */
export async function makePdf(path: string, opts: { objectStreams: boolean; imageBytes?: number }): Promise<void> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('Deliberation n 2026-012 du conseil municipal', { x: 50, y: 780, size: 14, font });
  page.drawText('Objet : travaux de voirie', { x: 50, y: 750, size: 12, font });
  doc.addPage([595, 842]).drawText('Fait et delibere en seance', { x: 50, y: 780, size: 12, font });
  if (opts.imageBytes) {
    const side = Math.ceil(Math.sqrt(opts.imageBytes / 3));
    const image = doc.context.register(
      doc.context.stream(randomBytes(side * side * 3), {
        Type: 'XObject',
        Subtype: 'Image',
        Width: side,
        Height: side,
        ColorSpace: 'DeviceRGB',
        BitsPerComponent: 8,
      }),
    );
    page.node.setXObject(PDFName.of('Scan'), image);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(495, 0, 0, 495, 50, 150), drawObject('Scan'), popGraphicsState());
  }
  writeFileSync(path, await doc.save({ useObjectStreams: opts.objectStreams }));
}

export interface PdfsigSignature {
  valid: boolean;
  totalDocumentSigned: boolean;
  text: string;
}

/** Runs poppler's pdfsig (NSS): crypto integrity and coverage of each signature. */
export function pdfsig(path: string): PdfsigSignature[] {
  // -nocert: integrity only; trusting the test CA is NSS configuration, not what these tests are about.
  const out = spawnSync('pdfsig', ['-nocert', path], { encoding: 'utf8' }).stdout;
  return out
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((text) => ({
      text,
      valid: text.includes('Signature Validation: Signature is Valid.'),
      totalDocumentSigned: /^\s*- Total document signed$/m.test(text),
    }));
}

/** Extracts the last signature's signed bytes and CMS as signing.md §7 does (ByteRange / Contents). */
export function extractLastSignature(path: string): { signedBytes: Buffer; cms: Buffer } {
  const pdf = readFileSync(path);
  const all = [...pdf.toString('latin1').matchAll(/\/ByteRange *\[([0-9 ]+)\]/g)];
  const [a, b, c, d] = all[all.length - 1][1].trim().split(/ +/).map(Number);
  const signedBytes = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1');
  return { signedBytes, cms: Buffer.from(hex, 'hex') };
}

/** `openssl cms -verify -cades`: checks the signature, the ESS signing-certificate-v2 and the chain to `caPem`. */
export function opensslCadesVerify(dir: string, signedBytes: Buffer, cms: Buffer, caPem: string): { ok: boolean; output: string } {
  writeFileSync(join(dir, 'sig.der'), cms);
  writeFileSync(join(dir, 'signed.bin'), signedBytes);
  const r = spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-cades',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'sig.der',
      '-content',
      'signed.bin',
      '-CAfile',
      caPem,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Signed attribute names as `openssl cms -cmsout -print` lists them. */
export function opensslSignedAttributeObjects(dir: string, cms: Buffer): string[] {
  writeFileSync(join(dir, 'print.der'), cms);
  const out = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'print.der'], { cwd: dir, encoding: 'utf8' });
  const signed = out.split('signedAttrs:')[1]?.split('signatureAlgorithm:')[0] ?? '';
  return [...signed.matchAll(/object: ([^\n]+)/g)].map((m) => m[1].trim());
}

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}
