import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateSubject } from '../../shared/acts/signer-certificate.js';
import { GuichetError } from '../../shared/errors.js';

/**
 * The certificate that really signed an act's PDF, read by the hub from the file
 * itself (never from what the PC claims): the last signature of the PDF must
 * cover the whole file, its message digest must equal the digest of the signed
 * bytes and its signature must verify with the certificate's key. Only then is
 * that certificate's subject compared with the collectivité
 * (shared/acts/signer-certificate.ts). ASN.1 reading is node-forge's; hashing and
 * the signature check are Node's crypto.
 */
export interface SignerCertificate {
  der: Buffer;
  sha256: string;
  subject: CertificateSubject;
  subjectText: string;
  /** The other certificates the signature carries (intermediate CAs), for the chain to the trust list. */
  others: Buffer[];
  /** The CMS signing-time attribute (signed, but the signer's clock), null when absent. */
  signingTime: Date | null;
}

const OIDS = {
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  organizationName: '2.5.4.10',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  organizationIdentifier: '2.5.4.97',
};
const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** Signature algorithms → digest; rsaEncryption alone takes the SignerInfo's digest algorithm. */
const SIGNATURE_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.6': 'C',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.97': 'organizationIdentifier',
};

const bad = (detail: string): never => {
  throw new GuichetError(
    'invalid_input',
    "La signature de l'acte ne peut pas être vérifiée par le hub : signez-le à nouveau sur le poste de la mairie.",
    detail,
  );
};

type Node = forge.asn1.Asn1;
const kids = (n: Node | undefined): Node[] => (n && Array.isArray(n.value) ? (n.value as Node[]) : []);
const bytesOf = (n: Node | undefined): string => (n && typeof n.value === 'string' ? n.value : '');

/** The last /ByteRange of the file, which must cover it all but the hexadecimal /Contents it frames. */
function lastSignatureRange(pdf: Buffer): { range: [number, number, number, number]; cms: Buffer } {
  const at = pdf.lastIndexOf('/ByteRange');
  if (at < 0) bad('no ByteRange');
  const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(at, at + 120).toString('latin1'));
  if (!m) return bad('unreadable ByteRange');
  const range = m.slice(1, 5).map(Number) as [number, number, number, number];
  const [a, b, c, d] = range;
  if (a !== 0 || c <= b || c + d !== pdf.length) bad('ByteRange does not cover the whole file');
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) bad('ByteRange does not frame the Contents');
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1');
  if (!/^[0-9a-fA-F]*$/.test(hex)) bad('Contents is not hexadecimal');
  return { range, cms: Buffer.from(hex, 'hex') };
}

function decodeText(n: Node): string {
  const raw = bytesOf(n);
  if (n.type === forge.asn1.Type.UTF8) return forge.util.decodeUtf8(raw);
  if (n.type === forge.asn1.Type.BMPSTRING) return Buffer.from(raw, 'binary').swap16().toString('utf16le');
  return raw;
}

function subjectOf(certDer: Buffer): { subject: CertificateSubject; subjectText: string } {
  const cert = forge.asn1.fromDer(certDer.toString('binary'));
  const tbs = kids(kids(cert)[0]);
  const i = tbs[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const subject: CertificateSubject = { commonName: null, organization: [], organizationIdentifier: [], serialNumber: [] };
  const parts: string[] = [];
  for (const rdn of kids(tbs[i + 4])) {
    for (const atv of kids(rdn)) {
      const [type, value] = kids(atv);
      const oid = forge.asn1.derToOid(bytesOf(type));
      const text = decodeText(value);
      parts.push(`${SHORT[oid] ?? oid}=${text}`);
      if (oid === OIDS.commonName) subject.commonName ??= text;
      if (oid === OIDS.organizationName) subject.organization.push(text);
      if (oid === OIDS.organizationIdentifier) subject.organizationIdentifier.push(text);
      if (oid === OIDS.serialNumber) subject.serialNumber.push(text);
    }
  }
  return { subject, subjectText: parts.join(', ').slice(0, 1000) };
}

/** The signing-time signed attribute (UTCTime or GeneralizedTime), if any. */
function signingTimeOf(attrs: Node): Date | null {
  const attr = kids(attrs).find((a) => forge.asn1.derToOid(bytesOf(kids(a)[0])) === OIDS.signingTime);
  const t = kids(kids(attr)[1])[0];
  if (!t) return null;
  try {
    return t.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(bytesOf(t)) : forge.asn1.generalizedTimeToDate(bytesOf(t));
  } catch {
    return null;
  }
}

/** Reads the signer certificate of the PDF's last signature after checking that signature over the file's bytes. */
export function signerOfPdf(pdf: Buffer): SignerCertificate {
  const { range, cms } = lastSignatureRange(pdf);
  let contentInfo: Node;
  try {
    // /Contents is zero-padded after the DER: read the first element only (forge's typings miss this option).
    const fromDer = forge.asn1.fromDer as unknown as (bytes: string, options: { parseAllBytes: boolean }) => Node;
    contentInfo = fromDer(cms.toString('binary'), { parseAllBytes: false });
  } catch (err) {
    return bad(`CMS unreadable: ${(err as Error).message}`);
  }
  const signedData = kids(kids(kids(contentInfo)[1])[0]);
  const certificates = kids(signedData.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0)).map((c) =>
    Buffer.from(forge.asn1.toDer(c).getBytes(), 'binary'),
  );
  const signerInfos = kids(signedData[signedData.length - 1]);
  if (signerInfos.length !== 1) bad(`${signerInfos.length} SignerInfos`);
  const si = kids(signerInfos[0]);
  const digestName = DIGESTS[forge.asn1.derToOid(bytesOf(kids(si[2])[0]))] ?? bad('digest algorithm');
  const attrs = si[3];
  if (attrs?.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || attrs.type !== 0) bad('no signed attributes');
  const signedAttrs = Buffer.from(forge.asn1.toDer(attrs).getBytes(), 'binary');
  signedAttrs[0] = 0x31; // the signature covers the attributes as a SET (RFC 5652 §5.4)
  const digestAttr = kids(attrs).find((a) => forge.asn1.derToOid(bytesOf(kids(a)[0])) === OIDS.messageDigest);
  const claimed = Buffer.from(bytesOf(kids(kids(digestAttr)[1])[0]), 'binary');
  const [a, b, c, d] = range;
  const actual = createHash(digestName)
    .update(pdf.subarray(a, a + b))
    .update(pdf.subarray(c, c + d))
    .digest();
  if (!actual.equals(claimed)) bad('message digest differs from the signed bytes');
  const sigAlg = forge.asn1.derToOid(bytesOf(kids(si[4])[0]));
  const sigDigest = SIGNATURE_DIGESTS[sigAlg] ?? (sigAlg === '1.2.840.113549.1.1.1' ? digestName : bad(`signature algorithm ${sigAlg}`));
  const signature = Buffer.from(bytesOf(si[5]), 'binary');
  // The signer is the certificate whose key verifies the signature: no claim of the PC is taken on trust.
  for (const der of certificates) {
    let ok = false;
    try {
      ok = cryptoVerify(sigDigest, signedAttrs, new X509Certificate(der).publicKey, signature);
    } catch {
      ok = false;
    }
    if (ok)
      return {
        der,
        sha256: createHash('sha256').update(der).digest('hex'),
        ...subjectOf(der),
        others: certificates.filter((c) => !c.equals(der)),
        signingTime: signingTimeOf(attrs),
      };
  }
  return bad('no embedded certificate verifies the signature');
}
