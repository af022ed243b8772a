import iconv from 'iconv-lite';

/**
 * A minimal writer for ACTES XML: every element and attribute is qualified
 * with the `actes:` prefix (the schema has attributeFormDefault="qualified"),
 * children are written in the order given (the schema's sequences are
 * ordered), and the document is encoded in ISO-8859-1 like S²LOW and the
 * ministry do.
 */
export const ACTES_NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';
export const INSEE_NS = 'http://xml.insee.fr/schema';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: Array<XmlElement | undefined>;
  text?: string;
}

/** `actes:` is added to names without a prefix; pass `insee:SIREN` as is. */
function qualify(name: string): string {
  return name.includes(':') ? name : `actes:${name}`;
}

export function el(name: string, attrs?: XmlElement['attrs'], children?: XmlElement['children'] | string): XmlElement {
  return typeof children === 'string' ? { name, attrs, text: children } : { name, attrs, children };
}

export function escapeXml(s: string, inAttribute: boolean): string {
  // Characters outside Latin-1 become numeric references: valid in an
  // ISO-8859-1 document and lossless.
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (inAttribute && ch === '"') out += '&quot;';
    else if (inAttribute && (ch === '\n' || ch === '\r' || ch === '\t')) out += `&#${cp};`;
    else if (cp > 0xff) out += `&#x${cp.toString(16).toUpperCase()};`;
    else out += ch;
  }
  return out;
}

function render(e: XmlElement, indent: string, rootAttrs: string): string {
  const attrs = Object.entries(e.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${qualify(k)}="${escapeXml(String(v), true)}"`)
    .join('');
  const open = `${indent}<${qualify(e.name)}${rootAttrs}${attrs}`;
  const kids = (e.children ?? []).filter((c): c is XmlElement => c !== undefined);
  if (e.text !== undefined) return `${open}>${escapeXml(e.text, false)}</${qualify(e.name)}>\n`;
  if (kids.length === 0) return `${open}/>\n`;
  return `${open}>\n${kids.map((k) => render(k, `${indent}  `, '')).join('')}${indent}</${qualify(e.name)}>\n`;
}

/** The whole document as ISO-8859-1 bytes, with the declaration saying so. */
export function renderActesDocument(root: XmlElement): Buffer {
  const ns = ` xmlns:actes="${ACTES_NS}" xmlns:insee="${INSEE_NS}" xmlns:xsi="${XSI_NS}" xsi:schemaLocation="${ACTES_NS} actesv1_1.xsd"`;
  const text = `<?xml version="1.0" encoding="ISO-8859-1"?>\n${render(root, '', ns)}`;
  return iconv.encode(text, 'latin1');
}

/** `FichierSigne`: the file name and, when the act carries a detached PKCS#7, its base64. */
export function fichierSigne(name: string, fileName: string, signatureBase64?: string): XmlElement {
  return el(name, undefined, [
    el('NomFichier', undefined, fileName),
    signatureBase64 ? el('Signature', undefined, signatureBase64) : undefined,
  ]);
}
