import { createHash } from 'node:crypto';
import {
  OID,
  TAG,
  children,
  content,
  decodeOid,
  decodeTime,
  derNull,
  octetString,
  oid,
  readTlv,
  seq,
  setOf,
  smallInteger,
  tlv,
  whole,
} from './der.js';
import { parseCertificate, type CertificateInfo } from './certificate.js';
import type { SigningKey } from './key-store.js';

/**
 * CAdES detached SignedData for PAdES baseline B-B (ETSI EN 319 142-1 / 319 122-1), built
 * as in signing.md §1.5: signed attributes content-type, message-digest and ESS
 * signing-certificate-v2, sorted in DER order; no signing-time attribute (PAdES puts the
 * claimed time in the signature dictionary's /M). Hashing and the private-key operation
 * stay outside: the caller gives the digest, the SigningKey signs a few hundred bytes.
 */

const algorithmId = (dotted: string, withNull: boolean) => (withNull ? seq(oid(dotted), derNull()) : seq(oid(dotted)));
const attribute = (type: string, value: Buffer) => seq(oid(type), setOf([value]));

function signatureAlgorithm(cert: CertificateInfo): Buffer {
  // RFC 4055: NULL parameters for RSA; RFC 5758: absent for ECDSA.
  return cert.keyType === 'ec' ? algorithmId(OID.ecdsaWithSHA256, false) : algorithmId(OID.sha256WithRSAEncryption, true);
}

/** DER SET of the signed attributes (tag 0x31): the exact bytes the key signs. */
export function buildSignedAttributes(messageDigest: Buffer, cert: CertificateInfo): Buffer {
  const certHash = createHash('sha256').update(cert.der).digest();
  // hashAlgorithm omitted: SHA-256 is the DEFAULT of ESSCertIDv2 and DER omits defaults.
  const issuerSerial = seq(seq(tlv(0xa4, cert.issuerNameDer)), cert.serialDer);
  const essCertIdV2 = seq(octetString(certHash), issuerSerial);
  return setOf([
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(messageDigest)),
    attribute(OID.signingCertificateV2, seq(seq(essCertIdV2))),
  ]);
}

export async function buildCadesDetached(messageDigest: Buffer, key: SigningKey): Promise<Buffer> {
  const cert = parseCertificate(key.certificateDer());
  const signedAttrs = buildSignedAttributes(messageDigest, cert);
  const signature = await key.sign(signedAttrs);
  const implicitAttrs = Buffer.concat([Buffer.from([0xa0]), signedAttrs.subarray(1)]);
  const signerInfo = seq(
    smallInteger(1),
    seq(cert.issuerNameDer, cert.serialDer),
    algorithmId(OID.sha256, false),
    implicitAttrs,
    signatureAlgorithm(cert),
    octetString(signature),
  );
  const signedData = seq(
    smallInteger(1),
    setOf([algorithmId(OID.sha256, false)]),
    seq(oid(OID.data)),
    tlv(0xa0, cert.der, ...key.chainDer()),
    setOf([signerInfo]),
  );
  return seq(oid(OID.signedData), tlv(0xa0, signedData));
}

/** What verify.ts needs from a CMS blob. */
export interface ParsedCades {
  certificates: Buffer[];
  signerCertificate: CertificateInfo | null;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  /** Signed attributes re-tagged as SET (0x31), i.e. the signed bytes. */
  signedAttributes: Buffer;
  signature: Buffer;
  messageDigest: Buffer | null;
  signingTime: Date | null;
  /** ESS signing-certificate-v2 first cert hash and its algorithm, or null when absent. */
  essCertHash: { algorithm: string; hash: Buffer } | null;
}

/** Parses a DER CMS ContentInfo(SignedData) with one signer. Trailing zero padding (PDF /Contents) is ignored. */
export function parseCades(der: Buffer): ParsedCades {
  const ci = readTlv(der);
  const [ctype, explicit] = children(der, ci);
  if (decodeOid(der, ctype) !== OID.signedData) throw new Error('not a SignedData');
  const sd = children(der, children(der, explicit)[0]);
  let i = 3;
  const certificates: Buffer[] = [];
  if (sd[i].tag === 0xa0) {
    for (const c of children(der, sd[i])) certificates.push(whole(der, c));
    i++;
  }
  if (sd[i].tag === 0xa1) i++; // CRLs
  const signerInfos = children(der, sd[i]);
  if (signerInfos.length !== 1) throw new Error(`expected one SignerInfo, got ${signerInfos.length}`);
  const si = children(der, signerInfos[0]);
  const [issuer, serial] = children(der, si[1]);
  const issuerDer = whole(der, issuer);
  const serialDer = whole(der, serial);
  const digestAlgorithm = decodeOid(der, children(der, si[2])[0]);
  let j = 3;
  if (si[j].tag !== 0xa0) throw new Error('no signed attributes');
  const attrsTlv = si[j++];
  const signedAttributes = Buffer.concat([Buffer.from([TAG.SET]), der.subarray(attrsTlv.start + 1, attrsTlv.end)]);
  const signatureAlgorithm = decodeOid(der, children(der, si[j++])[0]);
  const signature = Buffer.from(content(der, si[j]));

  let messageDigest: Buffer | null = null;
  let signingTime: Date | null = null;
  let essCertHash: ParsedCades['essCertHash'] = null;
  for (const attr of children(der, attrsTlv)) {
    const [type, values] = children(der, attr);
    const value = children(der, values)[0];
    switch (decodeOid(der, type)) {
      case OID.messageDigest:
        messageDigest = Buffer.from(content(der, value));
        break;
      case OID.signingTime:
        signingTime = decodeTime(der, value);
        break;
      case OID.signingCertificateV2: {
        const firstId = children(der, children(der, children(der, value)[0])[0]);
        let k = 0;
        let algorithm: string = OID.sha256;
        if (firstId[0].tag === TAG.SEQUENCE) algorithm = decodeOid(der, children(der, firstId[k++])[0]);
        essCertHash = { algorithm, hash: Buffer.from(content(der, firstId[k])) };
        break;
      }
    }
  }

  let signerCertificate: CertificateInfo | null = null;
  for (const c of certificates) {
    const info = parseCertificate(c);
    if (info.issuerNameDer.equals(issuerDer) && info.serialDer.equals(serialDer)) signerCertificate = info;
  }
  return {
    certificates,
    signerCertificate,
    digestAlgorithm,
    signatureAlgorithm,
    signedAttributes,
    signature,
    messageDigest,
    signingTime,
    essCertHash,
  };
}
