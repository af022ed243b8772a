/**
 * Byte-level variants of a synthetic extract, as mairies actually hand them
 * over: re-saved by a spreadsheet in Windows-1252, with a BOM and CRLF, or
 * cut short by a failed download. Used by tests, the bench and the demo.
 */
import iconv from 'iconv-lite';

export function utf8Bytes(csv: string): Uint8Array {
  return new Uint8Array(Buffer.from(csv, 'utf-8'));
}

/** What "Enregistrer sous… CSV" of a French spreadsheet gives: Windows-1252 bytes, CRLF. */
export function asWindows1252(csv: string): Uint8Array {
  return new Uint8Array(iconv.encode(csv.replace(/\r?\n/g, '\r\n'), 'windows-1252'));
}

export function withBomAndCrlf(csv: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv.replace(/\r?\n/g, '\r\n'), 'utf-8')]));
}

/** A UTF-8 file decoded once as Windows-1252 and saved again as UTF-8: "é" becomes "Ã©". */
export function asMojibake(csv: string): Uint8Array {
  return utf8Bytes(iconv.decode(Buffer.from(csv, 'utf-8'), 'windows-1252'));
}

/** The file cut in the middle of a row, `fraction` of the way through (a failed download). */
export function truncated(csv: string, fraction = 0.6): Uint8Array {
  const bytes = Buffer.from(csv, 'utf-8');
  let cut = Math.floor(bytes.length * fraction);
  // Land inside a row, past its first separators, so the damage is a short row.
  const lineStart = bytes.lastIndexOf(0x0a, cut) + 1;
  cut = Math.max(cut, lineStart + 40);
  while (cut < bytes.length && (bytes[cut] & 0xc0) === 0x80) cut++;
  return new Uint8Array(bytes.subarray(0, cut));
}
