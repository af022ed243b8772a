import iconv from 'iconv-lite';

/**
 * Text of an incoming ACTES XML file. The ministry writes ISO-8859-1, but
 * attachments sometimes arrive as UTF-8 bytes under an ISO-8859-1 declaration
 * (S²LOW transcodes them): when the bytes are valid UTF-8 with multi-byte
 * sequences, they are read as UTF-8 whatever the prolog says.
 */
export function decodeActesXml(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prolog = buf.subarray(0, 200).toString('latin1');
  const declared = /encoding\s*=\s*["']([^"']+)["']/i.exec(prolog)?.[1]?.toLowerCase() ?? 'utf-8';
  const hasHighBytes = buf.some((b) => b >= 0x80);
  if (hasHighBytes) {
    try {
      const utf8 = new TextDecoder('utf-8', { fatal: true }).decode(buf);
      return utf8.replace(/^\uFEFF/, '');
    } catch {
      // Not UTF-8: trust the declaration (Latin-1 when it says so or says nothing usable).
    }
  }
  const encoding = iconv.encodingExists(declared) ? declared : 'latin1';
  return iconv.decode(buf, encoding === 'utf-8' || encoding === 'utf8' ? 'latin1' : encoding).replace(/^\uFEFF/, '');
}
