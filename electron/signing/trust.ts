import { X509Certificate } from 'node:crypto';
import { buildChain, type ChainLink, type CrlEntries, judgeChain, normalSerial, type TrustVerdict } from '../../shared/acts/trust-chain.js';

/**
 * Does a signer certificate lead to a CA of the département's trust list, and was its
 * chain valid at the signing time and unrevoked? The chain is built from the
 * certificates the signature carries (intermediates) up to an anchor: each link must
 * name its issuer (`checkIssued`) and carry its issuer's signature (`verify`); the
 * judgement (dates, CRLs the département added) is shared/acts/trust-chain.ts's.
 * Integrity of the signature is verify.ts's question.
 */
export type { TrustVerdict } from '../../shared/acts/trust-chain.js';

export interface TrustOptions {
  /** Signing time: validity dates are judged at it (not judged when null). */
  at?: Date | null;
  /** Revoked serials per listed CA (the hub's trust list). */
  crls?: readonly CrlEntries[];
}

function commonName(cert: X509Certificate): string {
  const cn = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return cn ? cn.slice(3) : cert.subject.split('\n').join(', ');
}

const OPS = {
  fingerprint: (c: X509Certificate) => c.fingerprint256.replace(/:/g, '').toLowerCase(),
  isCa: (c: X509Certificate) => c.ca,
  issues(issuer: X509Certificate, cert: X509Certificate): boolean {
    try {
      return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    } catch {
      return false;
    }
  },
};

export function chainLink(cert: X509Certificate): ChainLink {
  return {
    fingerprint: OPS.fingerprint(cert),
    serial: normalSerial(cert.serialNumber),
    name: commonName(cert),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
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
export function chainVerdict(
  signerDer: Buffer,
  intermediates: Buffer[],
  anchors: Array<Buffer | string>,
  options: TrustOptions = {},
): TrustVerdict {
  const { chain, anchored } = buildChain(new X509Certificate(signerDer), parse(intermediates), parse(anchors), OPS);
  return judgeChain(chain.map(chainLink), anchored, options.at ?? null, options.crls ?? []);
}

/** The certificates of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks), as a trust list file holds them. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
