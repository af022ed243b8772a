/**
 * Kinds of files ACTES accepts, recognised from their first bytes (like S²LOW's
 * MIME sniffing) rather than from the name a user gave them.
 */
export type ActFileKind = 'pdf' | 'xml' | 'png' | 'jpeg' | 'other';

export const FILE_KIND_EXTENSION: Record<Exclude<ActFileKind, 'other'>, string> = {
  pdf: 'pdf',
  xml: 'xml',
  png: 'png',
  jpeg: 'jpg',
};

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

export function sniffFileKind(bytes: Uint8Array): ActFileKind {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  // XML: optional UTF-8 BOM, optional whitespace, then "<?xml" or an element.
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (startsWith(bytes, [0x3c, 0x3f, 0x78, 0x6d, 0x6c], i)) return 'xml'; // <?xml
  return 'other';
}
