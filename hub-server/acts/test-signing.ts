import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import type { NoSirenConfirmation } from '../../shared/acts/signer-certificate.js';

/**
 * Real signed PDFs for the hub's tests (the hub reads the signer certificate of every
 * signed act it transmits, hub-server/acts/signed-act.ts): a certificate made with
 * node-forge (key from Node's crypto), a detached CMS made with forge's pkcs7 signer
 * (content-type and message-digest signed attributes, SHA-256), and a PDF whose last
 * /ByteRange covers the whole file but its /Contents. The PC's PAdES signer is tested
 * in electron/signing; this one only gives the hub something true to read.
 */
export interface TestSigner {
  certPem: string;
  keyPem: string;
  certificateSha256: string;
  subjectText: string;
}

type Attr = { name?: string; type?: string; value: string; valueTagClass?: number };

export function makeTestSigner(subject: Attr[]): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = subject.map((a) => ({ ...a, valueTagClass: a.valueTagClass ?? forge.asn1.Type.UTF8 })) as forge.pki.CertificateField[];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const subjectText = subject
    .map((a) => `${a.name === 'commonName' ? 'CN' : a.name === 'organizationName' ? 'O' : (a.name ?? a.type)}=${a.value}`)
    .join(', ');
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem,
    certificateSha256: createHash('sha256').update(der).digest('hex'),
    subjectText,
  };
}

const PLACEHOLDER = 8192;

/** `pdf` followed by a signature dictionary whose /Contents holds a CMS over everything else. */
export function signTestPdf(pdf: Buffer, signer: TestSigner): Buffer {
  const head = Buffer.concat([pdf, Buffer.from('\n99 0 obj\n<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange ', 'latin1')]);
  const rangeWidth = '[0 0000000000 0000000000 0000000000]'.length;
  const b = head.length + rangeWidth + ' /Contents '.length;
  const c = b + 2 + PLACEHOLDER * 2;
  const tail = Buffer.from(' >>\nendobj\n%%EOF\n', 'latin1');
  const d = tail.length;
  const range = `[0 ${String(b).padStart(10, '0')} ${String(c).padStart(10, '0')} ${String(d).padStart(10, '0')}]`;
  const before = Buffer.concat([head, Buffer.from(`${range} /Contents `, 'latin1')]);
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(Buffer.concat([before, tail]).toString('binary'));
  const cert = forge.pki.certificateFromPem(signer.certPem);
  p7.addCertificate(cert);
  p7.addSigner({
    key: forge.pki.privateKeyFromPem(signer.keyPem) as forge.pki.rsa.PrivateKey,
    certificate: cert,
    digestAlgorithm: forge.pki.oids.sha256,
    authenticatedAttributes: [{ type: forge.pki.oids.contentType, value: forge.pki.oids.data }, { type: forge.pki.oids.messageDigest }],
  });
  p7.sign({ detached: true });
  const hex = Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary')
    .toString('hex')
    .padEnd(PLACEHOLDER * 2, '0');
  return Buffer.concat([before, Buffer.from(`<${hex}>`, 'latin1'), tail]);
}

let defaultSigner: TestSigner | null = null;

/** A mayor's personal certificate naming no SIREN (as many are), made once per test process. */
export function noSirenSigner(): TestSigner {
  defaultSigner ??= makeTestSigner([
    { name: 'commonName', value: 'Le maire' },
    { name: 'organizationName', value: 'Mairie' },
    { name: 'countryName', value: 'FR', valueTagClass: forge.asn1.Type.PRINTABLESTRING },
  ]);
  return defaultSigner;
}

/** The confirmation the PC records when the mayor signs with `signer` (no SIREN in it). */
export function confirmationFor(signer: TestSigner): NoSirenConfirmation {
  return {
    by: 'Le maire',
    at: '2026-11-21T10:00:00.000Z',
    certificateSubject: signer.subjectText,
    certificateSha256: signer.certificateSha256,
  };
}

/**
 * A CA made with the openssl CLI (its index kept, so it can revoke and publish a CRL) and the
 * certificates it issues, as TestSigners for signTestPdf: the trust list's tests run on real
 * certificates and real CRLs.
 */
export interface OpensslCa {
  caPem: string;
  /** Issues a certificate for `subject` (OpenSSL `-subj`), valid from `start` to `end` (YYYYMMDDHHMMSSZ, default: yesterday → next year). */
  issue(subject: string, name: string, validity?: { start: string; end: string }): TestSigner & { certFile: string };
  revoke(signer: { certFile: string }): void;
  /** The CRL as openssl writes it (PEM), or DER. */
  crl(form?: 'PEM' | 'DER'): Buffer;
}

const CA_CONFIG = `[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial.txt
crlnumber = crlnumber.txt
default_md = sha256
default_crl_days = 30
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

const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

export function makeOpensslCa(dir: string, caName: string, caValidity?: { days: number }): OpensslCa {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial.txt'), '1000\n');
  writeFileSync(join(dir, 'crlnumber.txt'), '01\n');
  run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'ca.key');
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    String(caValidity?.days ?? 3650),
    '-utf8',
    '-subj',
    `/CN=${caName}/C=FR`,
  );
  const ca = ['-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key'];
  return {
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    issue(subject, name, validity) {
      const now = Date.now();
      const start = validity?.start ?? stamp(new Date(now - 86_400_000));
      const end = validity?.end ?? stamp(new Date(now + 365 * 86_400_000));
      run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-utf8', '-subj', subject);
      run('ca', '-batch', ...ca, '-in', `${name}.csr`, '-out', `${name}.pem`, '-utf8', '-notext', '-startdate', start, '-enddate', end);
      const certPem = readFileSync(join(dir, `${name}.pem`), 'utf8');
      const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes();
      return {
        certPem,
        keyPem: readFileSync(join(dir, `${name}.key`), 'utf8'),
        certificateSha256: createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex'),
        subjectText: subject.split('/').filter(Boolean).join(', '),
        certFile: join(dir, `${name}.pem`),
      };
    },
    revoke(signer) {
      run('ca', ...ca, '-revoke', signer.certFile);
    },
    crl(form = 'PEM') {
      run('ca', ...ca, '-gencrl', '-out', 'crl.pem');
      if (form === 'PEM') return readFileSync(join(dir, 'crl.pem'));
      run('crl', '-in', 'crl.pem', '-outform', 'DER', '-out', 'crl.der');
      return readFileSync(join(dir, 'crl.der'));
    },
  };
}
