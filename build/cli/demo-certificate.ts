import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * The demo's signing certificate: a demo CA (« AC Démo Guichet ») and the mayor's
 * certificate for the demo commune, naming its SIREN in `organizationIdentifier`
 * (`NTRFR-<SIREN>`, the eIDAS form) so the PC and the hub recognise the collectivité.
 * Made with node-forge (keys from Node's crypto), so the demo needs no `openssl`;
 * written once in `<dir>` and kept across runs.
 */
export const DEMO_P12_PASSWORD = 'demo-signature-2026';

export interface DemoCertificate {
  p12: string;
  caPem: string;
}

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string),
  };
}

function certificate(
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  publicKey: forge.pki.PublicKey,
  serial: string,
  years: number,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  return cert;
}

const utf8 = (name: string, value: string) => ({ name, value, valueTagClass: forge.asn1.Type.UTF8 }) as forge.pki.CertificateField;

export function ensureDemoCertificate(dir: string, holder: { name: string; commune: string; siren: string }): DemoCertificate {
  const out = { p12: join(dir, 'certificat-maire.p12'), caPem: join(dir, 'ac-demo.pem') };
  if (existsSync(out.p12) && existsSync(out.caPem)) return out;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeys = keyPair();
  const caName = [utf8('commonName', 'AC Démo Guichet'), utf8('organizationName', 'Département de démonstration')];
  const ca = certificate(caName, caName, caKeys.publicKey, '01', 10, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = keyPair();
  const subject = [
    utf8('commonName', holder.name),
    utf8('organizationName', `MAIRIE DE ${holder.commune.toUpperCase()}`),
    { type: '2.5.4.97', value: `NTRFR-${holder.siren}`, valueTagClass: forge.asn1.Type.UTF8 } as forge.pki.CertificateField,
    { name: 'countryName', value: 'FR', valueTagClass: forge.asn1.Type.PRINTABLESTRING } as forge.pki.CertificateField,
  ];
  const cert = certificate(subject, caName, keys.publicKey, '1001', 3, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert, ca], DEMO_P12_PASSWORD, { algorithm: '3des' });
  writeFileSync(out.p12, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'), { mode: 0o600 });
  writeFileSync(out.caPem, forge.pki.certificateToPem(ca), { mode: 0o600 });
  return out;
}

export const readDemoCaPem = (c: DemoCertificate) => readFileSync(c.caPem);
