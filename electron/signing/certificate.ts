import { createHash, X509Certificate } from 'node:crypto';
import type { CertificateSubject } from '../../shared/acts/signer-certificate.js';
import { GuichetError } from '../../shared/errors.js';
import { OID, TAG, children, content, decodeOid, decodeString, decodeTime, readTlv, whole } from './der.js';

/** What the town hall sees about a signing certificate, plus the exact DER pieces CMS needs. */
export interface CertificateInfo {
  holder: { commonName: string | null; organization: string | null };
  issuer: { commonName: string | null; organization: string | null };
  /** The subject attributes that may name the collectivité's SIREN (shared/acts/signer-certificate.ts). */
  subject: CertificateSubject;
  /** The subject as one line (RFC 2253 order reversed as OpenSSL prints it: `C=FR, O=…, CN=…`), for the act's history. */
  subjectText: string;
  /** SHA-256 of the certificate's DER, lower-case hex. */
  sha256: string;
  /** Serial number, upper-case hex without leading zeros padding beyond DER. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** 'rsa' or 'ec': decides the CMS signature algorithm. */
  keyType: 'rsa' | 'ec';
  der: Buffer;
  /** Issuer Name and serial INTEGER, verbatim from the TBS (for IssuerAndSerialNumber / ESS IssuerSerial). */
  issuerNameDer: Buffer;
  serialDer: Buffer;
}

const SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.organizationName]: 'O',
  [OID.serialNumber]: 'serialNumber',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  '2.5.4.6': 'C',
  '2.5.4.11': 'OU',
  '2.5.4.7': 'L',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function subjectOf(buf: Buffer, name: ReturnType<typeof readTlv>): { subject: CertificateSubject; subjectText: string } {
  const subject: CertificateSubject = { commonName: null, organization: [], organizationIdentifier: [], serialNumber: [] };
  const parts: string[] = [];
  for (const rdn of children(buf, name)) {
    for (const atv of children(buf, rdn)) {
      const [type, value] = children(buf, atv);
      const id = decodeOid(buf, type);
      let text: string;
      try {
        text = decodeString(buf, value);
      } catch {
        continue; // a non-string value (rare) names no SIREN
      }
      parts.push(`${SHORT_NAMES[id] ?? id}=${text}`);
      if (id === OID.commonName) subject.commonName ??= text;
      if (id === OID.organizationName) subject.organization.push(text);
      if (id === OID.organizationIdentifier) subject.organizationIdentifier.push(text);
      if (id === OID.serialNumber) subject.serialNumber.push(text);
    }
  }
  return { subject, subjectText: parts.join(', ').slice(0, 1000) };
}

function nameParts(buf: Buffer, name: ReturnType<typeof readTlv>): CertificateInfo['holder'] {
  const out: CertificateInfo['holder'] = { commonName: null, organization: null };
  for (const rdn of children(buf, name)) {
    for (const atv of children(buf, rdn)) {
      const [type, value] = children(buf, atv);
      const id = decodeOid(buf, type);
      if (id === OID.commonName && out.commonName === null) out.commonName = decodeString(buf, value);
      if (id === OID.organizationName && out.organization === null) out.organization = decodeString(buf, value);
    }
  }
  return out;
}

export function parseCertificate(der: Buffer): CertificateInfo {
  try {
    const cert = readTlv(der);
    const [tbs] = children(der, cert);
    const fields = children(der, tbs);
    const i = fields[0].tag === 0xa0 ? 1 : 0; // explicit [0] version is optional (v1 certs)
    const serial = fields[i];
    const issuer = fields[i + 2];
    const [notBefore, notAfter] = children(der, fields[i + 3]);
    const subject = fields[i + 4];
    const [spkiAlg] = children(der, fields[i + 5]);
    const keyOid = decodeOid(der, children(der, spkiAlg)[0]);
    if (serial.tag !== TAG.INTEGER) throw new Error('numéro de série absent');
    const serialHex = content(der, serial)
      .toString('hex')
      .replace(/^(00)+(?=.)/, '')
      .toUpperCase();
    const certDer = Buffer.from(der.subarray(cert.start, cert.end));
    return {
      holder: nameParts(der, subject),
      ...subjectOf(der, subject),
      sha256: createHash('sha256').update(certDer).digest('hex'),
      issuer: nameParts(der, issuer),
      serialHex,
      notBefore: decodeTime(der, notBefore),
      notAfter: decodeTime(der, notAfter),
      keyType: keyOid === OID.ecPublicKey ? 'ec' : 'rsa',
      der: certDer,
      issuerNameDer: Buffer.from(whole(der, issuer)),
      serialDer: Buffer.from(whole(der, serial)),
    };
  } catch (err) {
    throw new GuichetError('invalid_input', 'Le certificat est illisible.', (err as Error).message);
  }
}

/** dd/mm/yyyy in French civil time (Europe/Paris), as printed in the refusal messages. */
export function frenchDate(d: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

/** Refuses a certificate outside its validity window: a signature made with it would be worthless. */
export function assertCertificateUsable(info: CertificateInfo, now: Date): void {
  if (now.getTime() > info.notAfter.getTime()) {
    throw new GuichetError(
      'invalid_input',
      `Le certificat a expiré le ${frenchDate(info.notAfter)} : demandez son renouvellement à votre autorité de certification.`,
      `certificate expired (notAfter ${info.notAfter.toISOString()})`,
    );
  }
  if (now.getTime() < info.notBefore.getTime()) {
    throw new GuichetError(
      'invalid_input',
      `Le certificat n'est valable qu'à partir du ${frenchDate(info.notBefore)} : vérifiez la date de l'ordinateur ou attendez cette date.`,
      `certificate not yet valid (notBefore ${info.notBefore.toISOString()})`,
    );
  }
}

/** True when `publicKeyOf(der)` is the public half of `privateKey` (guards against a p12 holding mismatched pieces). */
export function certificateMatchesKey(der: Buffer, privateKeyPublicDer: Buffer): boolean {
  const pub = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.compare(pub, privateKeyPublicDer) === 0;
}

/** One-line French description for the CLI and the UI. */
export function describeCertificate(info: CertificateInfo): string[] {
  const who = [info.holder.commonName, info.holder.organization].filter(Boolean).join(', ');
  const by = [info.issuer.commonName, info.issuer.organization].filter(Boolean).join(', ');
  return [
    `Titulaire : ${who || '(inconnu)'}`,
    `Émetteur : ${by || '(inconnu)'}`,
    `Numéro de série : ${info.serialHex}`,
    `Valide du ${frenchDate(info.notBefore)} au ${frenchDate(info.notAfter)}`,
  ];
}
