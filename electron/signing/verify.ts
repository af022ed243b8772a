import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { digestByteRange } from './byte-range.js';
import { type ParsedCades, parseCades } from './cms.js';
import { OID } from './der.js';
import { type PdfDict, PdfName, PdfString, parsePdfDate, decodeTextString, type PdfValue } from './pdf-objects.js';
import { PdfFileReader } from './pdf-reader.js';
import type { CrlEntries } from '../../shared/acts/trust-chain.js';
import { chainVerdict, type TrustVerdict } from './trust.js';

export interface SignatureReport {
  fieldName: string | null;
  signerName: string | null;
  /** /M of the signature dictionary (PAdES), else the CMS signing-time attribute, else null. */
  signingTime: Date | null;
  subFilter: string | null;
  byteRange: number[];
  /** The ByteRange reaches the end of the file: nothing was appended after this signature. */
  coversWholeDocument: boolean;
  /** The digest of the ByteRange bytes equals the signed message-digest attribute. */
  digestOk: boolean;
  /** The signer's public key verifies the signature over the DER signed attributes. */
  signatureOk: boolean;
  /** ESS signing-certificate(-v2) hash matches the signer certificate; null when the attribute is absent (not PAdES). */
  signingCertificateOk: boolean | null;
  certificate: { notBefore: Date; notAfter: Date; issuer: string | null; serialHex: string; sha256: string; subject: string } | null;
  /** Whether the signer's chain leads to a CA of the trust list, valid at the signing time and unrevoked; null when no trust list was given. */
  trust: TrustVerdict | null;
  /** French explanation when the signature could not be checked at all. */
  problem?: string;
}

export interface VerifyReport {
  signatures: SignatureReport[];
}

const DIGESTS: Record<string, string> = {
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};
const SIGNATURE_DIGESTS: Record<string, string> = {
  [OID.sha256WithRSAEncryption]: 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
  [OID.ecdsaWithSHA256]: 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/**
 * Checks every signature field of a PDF with Node's crypto only: recomputes the ByteRange
 * digest (streamed), compares it with the signed message-digest, verifies the signature over
 * the signed attributes and checks the ESS certificate hash. It does not judge trust in the
 * issuing CA (no trust list here): that is a separate question from integrity.
 */
export interface VerifyOptions {
  trustAnchors?: Array<Buffer | string>;
  /** Revoked serials per listed CA (the hub's trust list). */
  crls?: readonly CrlEntries[];
}

export async function verifyPdf(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const reader = await PdfFileReader.open(path);
  const found: Array<{ name: string | null; sig: PdfDict }> = [];
  try {
    const catalog = await reader.resolveDict(reader.trailer.get('Root'));
    const acro = await reader.resolveDict(catalog?.get('AcroForm'));
    const fields = await reader.resolve(acro?.get('Fields'));
    const seen = new Set<string>();
    const walk = async (items: PdfValue[], inheritedFt: string | null, depth: number): Promise<void> => {
      if (depth > 32) return;
      for (const item of items) {
        const key = String(item);
        if (seen.has(key)) continue;
        seen.add(key);
        const field = await reader.resolveDict(item);
        if (!field) continue;
        const ftValue = field.get('FT');
        const ft = ftValue instanceof PdfName ? ftValue.name : inheritedFt;
        const t = field.get('T');
        if (ft === 'Sig') {
          const sig = await reader.resolveDict(field.get('V'));
          if (sig?.get('ByteRange')) found.push({ name: t instanceof PdfString ? decodeTextString(t) : null, sig });
        }
        const kids = await reader.resolve(field.get('Kids'));
        if (Array.isArray(kids)) await walk(kids, ft, depth + 1);
      }
    };
    if (Array.isArray(fields)) await walk(fields, null, 0);
  } finally {
    await reader.close();
  }

  const signatures: SignatureReport[] = [];
  for (const { name, sig } of found) signatures.push(await checkSignature(path, reader.size, name, sig, options));
  // Oldest first: the one covering the fewest bytes.
  signatures.sort((a, b) => (a.byteRange[2] ?? 0) + (a.byteRange[3] ?? 0) - ((b.byteRange[2] ?? 0) + (b.byteRange[3] ?? 0)));
  return { signatures };
}

async function checkSignature(
  path: string,
  fileSize: number,
  fieldName: string | null,
  sig: PdfDict,
  options: VerifyOptions,
): Promise<SignatureReport> {
  const byteRange = (Array.isArray(sig.get('ByteRange')) ? (sig.get('ByteRange') as PdfValue[]) : []).filter(
    (x): x is number => typeof x === 'number',
  );
  const sf = sig.get('SubFilter');
  const m = sig.get('M');
  const report: SignatureReport = {
    fieldName,
    signerName: null,
    signingTime: m instanceof PdfString ? parsePdfDate(m.bytes.toString('latin1')) : null,
    subFilter: sf instanceof PdfName ? sf.name : null,
    byteRange,
    coversWholeDocument: false,
    digestOk: false,
    signatureOk: false,
    signingCertificateOk: null,
    certificate: null,
    trust: null,
  };
  const rangesValid =
    byteRange.length === 4 &&
    byteRange[0] === 0 &&
    byteRange[1] > 0 &&
    byteRange[2] > byteRange[1] &&
    byteRange[2] + byteRange[3] <= fileSize;
  if (!rangesValid) return { ...report, problem: 'Plage d’octets signée incohérente : le fichier a été modifié ou tronqué.' };
  report.coversWholeDocument = byteRange[2] + byteRange[3] === fileSize;

  const contents = sig.get('Contents');
  if (!(contents instanceof PdfString)) return { ...report, problem: 'Signature vide.' };
  let cades: ParsedCades;
  try {
    cades = parseCades(contents.bytes);
  } catch (err) {
    return { ...report, problem: `Signature illisible (${(err as Error).message}).` };
  }
  const cert = cades.signerCertificate;
  report.signingTime ??= cades.signingTime;
  if (!cert) return { ...report, problem: 'Le certificat du signataire est absent de la signature.' };
  report.signerName = cert.holder.commonName;
  report.certificate = {
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    issuer: cert.issuer.commonName,
    serialHex: cert.serialHex,
    sha256: cert.sha256,
    subject: cert.subjectText,
  };
  if (options.trustAnchors)
    report.trust = chainVerdict(
      cert.der,
      cades.certificates.filter((c) => !c.equals(cert.der)),
      options.trustAnchors,
      // Dates are judged at the time the signature states (the PC signs at its clock's now).
      { at: report.signingTime, crls: options.crls ?? [] },
    );

  const digestName = DIGESTS[cades.digestAlgorithm];
  if (digestName && cades.messageDigest) {
    const digest = await digestByteRange(path, byteRange, digestName);
    report.digestOk = digest.equals(cades.messageDigest);
  }
  const sigDigest =
    SIGNATURE_DIGESTS[cades.signatureAlgorithm] ?? (cades.signatureAlgorithm === OID.rsaEncryption ? digestName : undefined);
  if (sigDigest) {
    try {
      report.signatureOk = cryptoVerify(sigDigest, cades.signedAttributes, new X509Certificate(cert.der).publicKey, cades.signature);
    } catch {
      report.signatureOk = false;
    }
  }
  if (cades.essCertHash) {
    const essDigest = DIGESTS[cades.essCertHash.algorithm];
    report.signingCertificateOk = essDigest ? createHash(essDigest).update(cert.der).digest().equals(cades.essCertHash.hash) : false;
  }
  return report;
}

/** A signature the user can rely on: intact bytes, valid cryptography, and the ESS binding when present. */
export function isIntact(s: SignatureReport): boolean {
  return s.digestOk && s.signatureOk && s.signingCertificateOk !== false;
}
