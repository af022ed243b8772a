import { X509Certificate } from 'node:crypto';

/**
 * Does a signer certificate lead to a CA of the département's trust list? The chain
 * is built from the certificates the signature carries (intermediates) up to an
 * anchor: each link must name its issuer (`checkIssued`) and carry its issuer's
 * signature (`verify`). Integrity of the signature is verify.ts's question; this one
 * only says « certificat reconnu » or not. Revocation (CRL/OCSP) is not checked
 * here: PCs are often offline, and the prefecture does not require it for ACTES.
 */
export interface TrustVerdict {
  trusted: boolean;
  /** Common name of the trusted CA the chain reached. */
  ca: string | null;
}

const MAX_DEPTH = 8;

function commonName(cert: X509Certificate): string {
  const cn = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return cn ? cn.slice(3) : cert.subject.split('\n').join(', ');
}

function issues(issuer: X509Certificate, cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function parse(ders: Array<Buffer | string>): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const d of ders) {
    try {
      out.push(new X509Certificate(d));
    } catch {
      // An unreadable certificate in a signature or a list leads nowhere.
    }
  }
  return out;
}

/** `anchors`: PEM or DER of the trusted CAs; `intermediates`: the other certificates the signature carries. */
export function chainVerdict(signerDer: Buffer, intermediates: Buffer[], anchors: Array<Buffer | string>): TrustVerdict {
  const trusted = parse(anchors);
  const pool = parse(intermediates);
  let current = new X509Certificate(signerDer);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const anchor = trusted.find((a) => a.fingerprint256 === current.fingerprint256) ?? trusted.find((a) => issues(a, current)) ?? null;
    if (anchor) return { trusted: true, ca: commonName(anchor) };
    const next = pool.find((c) => c.fingerprint256 !== current.fingerprint256 && c.ca && issues(c, current));
    if (!next) break;
    current = next;
  }
  return { trusted: false, ca: null };
}

/** The certificates of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks), as a trust list file holds them. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
