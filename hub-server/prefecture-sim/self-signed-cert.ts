import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

/**
 * The simulator's TLS identity: a self-signed certificate for 127.0.0.1 and
 * localhost, generated at first start and kept in the data folder so the hub
 * can pin it across restarts (the real ministry server is pinned too).
 */
export async function loadOrCreateCertificate(dataDir: string): Promise<{ keyPem: string; certPem: string; certPath: string }> {
  const keyPath = path.join(dataDir, 'sim-key.pem');
  const certPath = path.join(dataDir, 'sim-cert.pem');
  if (existsSync(keyPath) && existsSync(certPath)) {
    return { keyPem: await readFile(keyPath, 'utf8'), certPem: await readFile(certPath, 'utf8'), certPath };
  }
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const attrs = [
    { name: 'commonName', value: 'localhost' },
    { name: 'organizationName', value: 'Simulateur @CTES (Guichet)' },
    { name: 'countryName', value: 'FR' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  const certPem = forge.pki.certificateToPem(cert);
  await mkdir(dataDir, { recursive: true });
  await writeFile(keyPath, keyPem, { mode: 0o600 });
  await writeFile(certPath, certPem);
  return { keyPem, certPem, certPath };
}
