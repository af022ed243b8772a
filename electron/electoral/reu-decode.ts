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
