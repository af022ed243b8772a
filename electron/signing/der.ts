/**
 * Minimal DER reading and writing on Buffers.
 *
 * Why not forge.asn1 here: the CMS we build must copy certificate fields
 * (issuer, serial) byte for byte, and forge re-encodes what it parses and works
 * on binary strings. A Buffer-native TLV walker keeps exact slices and no copies;
 * forge stays for PKCS#12 (see pkcs12.ts).
 */

export interface Tlv {
  /** First identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  /** Offset of the identifier octet in the source buffer. */
  start: number;
  /** Offset of the content. */
  contentStart: number;
  /** Offset just after the content. */
  end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export class DerError extends Error {}

/** Reads the TLV starting at `offset`. Only definite lengths (DER). */
export function readTlv(buf: Buffer, offset = 0): Tlv {
  if (offset + 2 > buf.length) throw new DerError('DER tronqué');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('DER: numéro de balise long non géré');
  let pos = offset + 1;
  let len = buf[pos++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('DER: longueur indéfinie ou trop grande');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
  }
  const end = pos + len;
  if (end > buf.length) throw new DerError('DER tronqué');
  return { tag, start: offset, contentStart: pos, end };
}

/** Children of a constructed TLV. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const c = readTlv(buf, pos);
    out.push(c);
    pos = c.end;
  }
  return out;
}

export const whole = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.start, t.end);
export const content = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.contentStart, t.end);

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...parts);
export const octetString = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);
export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function setOf(elements: Buffer[]): Buffer {
  return tlv(TAG.SET, ...[...elements].sort(Buffer.compare));
}

export function smallInteger(n: number): Buffer {
  if (n < 0 || n > 127) throw new DerError('entier hors domaine');
  return Buffer.from([TAG.INTEGER, 1, n]);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const b: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) b.unshift((v & 0x7f) | 0x80);
    bytes.push(...b);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

export function decodeOid(buf: Buffer, t: Tlv): string {
  const c = content(buf, t);
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    v = v * 128 + (c[i] & 0x7f);
    if (!(c[i] & 0x80)) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** UTCTime / GeneralizedTime → Date (RFC 5280 forms, always Z). */
export function decodeTime(buf: Buffer, t: Tlv): Date {
  const s = content(buf, t).toString('latin1');
  const m =
    t.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError(`date ASN.1 illisible: ${s}`);
  let year = Number(m[1]);
  if (t.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** Text of a DirectoryString-like value. */
export function decodeString(buf: Buffer, t: Tlv): string {
  const c = content(buf, t);
  if (t.tag === TAG.BMP_STRING) {
    const swapped = Buffer.from(c);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (t.tag === TAG.UTF8_STRING) return c.toString('utf8');
  return c.toString('latin1');
}

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  serialNumber: '2.5.4.5',
  organizationIdentifier: '2.5.4.97',
} as const;
