/**
 * Bytes of an REU extract → text. The REU writes UTF-8 (no BOM, LF), but
 * mairies open the file in a spreadsheet and save it again, which gives
 * Windows-1252 (and sometimes BOM + CRLF). Names garbled by an earlier wrong
 * conversion ("Ã©" for "é") are refused: importing them would put wrong
 * names on cards and émargement lists.
 */
import iconv from 'iconv-lite';
import { GuichetError } from '../../shared/errors.js';

export type ExtractEncoding = 'utf-8' | 'windows-1252';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What UTF-8 accented letters look like once decoded as Latin-1/Windows-1252:
 * a lead byte Ã/Â/Å/Ä then a continuation byte rendered as a Latin-1 or
 * Windows-1252 character. French names never contain these pairs.
 */
const MOJIBAKE =
  /[ÃÂ][\uFFFD\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]|â€/;

/** Control characters and the five bytes Windows-1252 leaves undefined: never in a genuine text extract. */
const IMPLAUSIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;

export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Start of `bytes` as Latin-1 text (one char per byte), to look for ASCII signatures and names. */
function head(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.byteLength)).toString('latin1');
}

/** What a ZIP container holds: office documents are ZIPs whose first entries name their kind. */
function zipKind(bytes: Uint8Array): string {
  // OpenDocument puts an uncompressed `mimetype` entry first; Office Open XML names its parts (`xl/…`, `word/…`).
  const start = head(bytes, 256);
  if (start.includes('application/vnd.oasis.opendocument.spreadsheet')) return 'un classeur LibreOffice (.ods)';
  if (start.includes('application/vnd.oasis.opendocument.text')) return 'un document LibreOffice (.odt)';
  const names = head(bytes, 1 << 20);
  if (names.includes('xl/')) return 'un classeur Excel (.xlsx)';
  if (names.includes('word/')) return 'un document Word (.docx)';
  return 'une archive ZIP';
}

/**
 * What a file chosen by mistake is, from its first bytes (« magic numbers »),
 * or null when it may be text. A PDF or a spreadsheet read as CSV fails on some
 * « accent » or « column » far down, which tells the secretary nothing; naming
 * the kind of file does.
 */
export function nonTextKindOf(bytes: Uint8Array): string | null {
  const b = bytes;
  const starts = (...sig: number[]) => b.byteLength >= sig.length && sig.every((v, i) => b[i] === v);
  if (head(b, 1024).startsWith('%PDF-')) return 'un PDF';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return zipKind(b);
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'un classeur Excel ou un document Word (ancien format .xls ou .doc)';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'une image PNG';
  if (starts(0xff, 0xd8, 0xff)) return 'une image JPEG';
  if (head(b, 6) === 'GIF87a' || head(b, 6) === 'GIF89a') return 'une image GIF';
  if (starts(0x1f, 0x8b)) return 'une archive compressée (.gz)';
  return null;
}

/** Refuses, saying what it is, a file that is plainly not a CSV extract (nonTextKindOf). */
export function refuseNonText(bytes: Uint8Array): void {
  const kind = nonTextKindOf(bytes);
  if (kind === null) return;
  throw new GuichetError(
    'import_rejected',
    `Ce fichier est ${kind}, pas un extrait du REU au format CSV : choisissez le fichier téléchargé depuis le REU, dont le nom se termine par « .csv ».`,
    `reason=not_csv kind=${kind.replace(/\s+/g, '_')}`,
  );
}

export function decodeExtract(bytes: Uint8Array): { text: string; encoding: ExtractEncoding } {
  let text: string;
  let encoding: ExtractEncoding;
  try {
    text = utf8.decode(bytes);
    encoding = 'utf-8';
  } catch {
    text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
    encoding = 'windows-1252';
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const garbled = MOJIBAKE.exec(text);
  if (garbled) {
    const line = lineOfOffset(text, garbled.index);
    throw new GuichetError(
      'import_rejected',
      `Ligne ${line} : les accents du fichier sont abîmés (par exemple « Ã© » au lieu de « é »). Le fichier a été ré-enregistré avec un mauvais encodage ; importez l'extrait tel que téléchargé depuis le REU, sans l'ouvrir dans un tableur.`,
      `line=${line} reason=mojibake encoding=${encoding}`,
    );
  }
  const bad = IMPLAUSIBLE.exec(text);
  if (bad) {
    const line = lineOfOffset(text, bad.index);
    throw new GuichetError(
      'import_rejected',
      `Ligne ${line} : le fichier contient des caractères illisibles. Ce n'est pas un extrait du REU au format texte (CSV en UTF-8 ou Windows-1252).`,
      `line=${line} reason=implausible_character code=U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} encoding=${encoding}`,
    );
  }
  return { text, encoding };
}
