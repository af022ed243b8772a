/**
 * The few PDF object types an incremental signature needs to read and rewrite
 * (catalog, page, AcroForm, trailer, xref and object streams), a parser working
 * on a Buffer slice and a serializer. Deliberately small: pdf-lib parses a whole
 * document into memory and writes it back whole, which would break earlier
 * signatures and load a 150 MB scan in RAM; here we read only the objects we touch.
 */

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}
/** A string's decoded bytes (literal or hex in the file); always written back as hex. */
export class PdfString {
  constructor(readonly bytes: Buffer) {}
}
export class PdfDict {
  constructor(readonly entries: Map<string, PdfValue> = new Map()) {}
  get(key: string): PdfValue | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: PdfValue): this {
    this.entries.set(key, value);
    return this;
  }
  clone(): PdfDict {
    return new PdfDict(new Map(this.entries));
  }
}
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** Raw (still encoded) stream data. */
    readonly data: Buffer,
  ) {}
}
/** Text we emit verbatim (placeholders); never produced by the parser. */
export class PdfRaw {
  constructor(readonly text: string) {}
}
export type PdfValue = number | boolean | null | PdfName | PdfRef | PdfString | PdfDict | PdfStream | PdfRaw | PdfValue[];

/** Thrown when the slice ends before the object does: the reader retries with a bigger slice. */
export class NeedMoreData extends Error {}
export class PdfSyntaxError extends Error {}

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

export type LengthResolver = (ref: PdfRef) => number | undefined;

export class PdfParser {
  pos: number;
  constructor(
    readonly buf: Buffer,
    pos = 0,
    /** True when `buf` ends where the file ends (running out is then a syntax error, not NeedMoreData). */
    private readonly atEof = false,
    private readonly resolveLength?: LengthResolver,
  ) {
    this.pos = pos;
  }

  private eof(): never {
    if (this.atEof) throw new PdfSyntaxError('fin de fichier inattendue');
    throw new NeedMoreData();
  }

  skipWs(): void {
    const b = this.buf;
    for (;;) {
      if (this.pos >= b.length) return;
      const c = b[this.pos];
      if (WS.has(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** A regular-character run (number, keyword). */
  private word(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && !WS.has(this.buf[this.pos]) && !DELIM.has(this.buf[this.pos])) this.pos++;
    if (this.pos >= this.buf.length && !this.atEof) throw new NeedMoreData();
    return this.buf.toString('latin1', start, this.pos);
  }

  peekKeyword(kw: string): boolean {
    this.skipWs();
    if (this.pos + kw.length > this.buf.length) this.eof();
    if (this.buf.toString('latin1', this.pos, this.pos + kw.length) !== kw) return false;
    const next = this.buf[this.pos + kw.length];
    return next === undefined || WS.has(next) || DELIM.has(next);
  }

  expectKeyword(kw: string): void {
    if (!this.peekKeyword(kw)) throw new PdfSyntaxError(`« ${kw} » attendu à l'octet ${this.pos}`);
    this.pos += kw.length;
  }

  readInt(): number {
    this.skipWs();
    const w = this.word();
    if (!/^\d+$/.test(w)) throw new PdfSyntaxError(`entier attendu à l'octet ${this.pos}`);
    return Number(w);
  }

  parseValue(): PdfValue {
    this.skipWs();
    const b = this.buf;
    if (this.pos >= b.length) this.eof();
    const c = b[this.pos];
    if (c === 0x2f) return this.parseName();
    if (c === 0x28) return this.parseLiteralString();
    if (c === 0x3c) {
      if (b[this.pos + 1] === undefined) this.eof();
      if (b[this.pos + 1] === 0x3c) return this.parseDictOrStream();
      return this.parseHexString();
    }
    if (c === 0x5b) {
      this.pos++;
      const arr: PdfValue[] = [];
      for (;;) {
        this.skipWs();
        if (this.pos >= b.length) this.eof();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return arr;
        }
        arr.push(this.parseValue());
      }
    }
    const w = this.word();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) {
      const n = Number(w);
      // "num gen R" → reference
      if (/^\d+$/.test(w)) {
        const save = this.pos;
        this.skipWs();
        const m = /^(\d+)[\s\0]+R(?=[\s\0()<>[\]{}/%]|$)/.exec(b.toString('latin1', this.pos, Math.min(b.length, this.pos + 24)));
        if (m) {
          this.pos += m[0].length;
          return new PdfRef(n, Number(m[1]));
        }
        if (b.length - this.pos < 24 && !this.atEof) throw new NeedMoreData();
        this.pos = save;
      }
      return n;
    }
    throw new PdfSyntaxError(`valeur illisible « ${w.slice(0, 20)} » à l'octet ${this.pos}`);
  }

  private parseName(): PdfName {
    this.pos++;
    const raw = this.word();
    return new PdfName(raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }

  private parseHexString(): PdfString {
    const end = this.buf.indexOf(0x3e, this.pos);
    if (end < 0) this.eof();
    let hex = this.buf.toString('latin1', this.pos + 1, end).replace(/[^0-9a-fA-F]/g, '');
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(Buffer.from(hex, 'hex'));
  }

  private parseLiteralString(): PdfString {
    const b = this.buf;
    const out: number[] = [];
    let depth = 0;
    this.pos++;
    for (;;) {
      if (this.pos >= b.length) this.eof();
      const c = b[this.pos++];
      if (c === 0x5c) {
        if (this.pos >= b.length) this.eof();
        const e = b[this.pos++];
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (e in map) out.push(map[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) v = v * 8 + (b[this.pos++] - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (depth === 0) return new PdfString(Buffer.from(out));
        depth--;
        out.push(c);
      } else out.push(c);
    }
  }

  private parseDictOrStream(): PdfDict | PdfStream {
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      this.skipWs();
      if (this.pos + 1 >= this.buf.length) this.eof();
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        break;
      }
      const key = this.parseValue();
      if (!(key instanceof PdfName)) throw new PdfSyntaxError(`clé de dictionnaire attendue à l'octet ${this.pos}`);
      dict.set(key.name, this.parseValue());
    }
    const save = this.pos;
    this.skipWs();
    if (this.pos + 6 > this.buf.length) {
      if (!this.atEof) throw new NeedMoreData();
      this.pos = save;
      return dict;
    }
    if (!this.peekKeyword('stream')) {
      this.pos = save;
      return dict;
    }
    this.pos += 6;
    if (this.buf[this.pos] === 0x0d) this.pos++;
    if (this.buf[this.pos] === 0x0a) this.pos++;
    const lenValue = dict.get('Length');
    const length = typeof lenValue === 'number' ? lenValue : lenValue instanceof PdfRef ? this.resolveLength?.(lenValue) : undefined;
    let end: number;
    if (length !== undefined && length >= 0) {
      end = this.pos + length;
      if (end > this.buf.length) this.eof();
    } else {
      // Length missing or unresolvable: find "endstream" (tolerated by every reader).
      end = this.buf.indexOf('endstream', this.pos, 'latin1');
      if (end < 0) this.eof();
      while (end > this.pos && (this.buf[end - 1] === 0x0a || this.buf[end - 1] === 0x0d)) end--;
    }
    const data = this.buf.subarray(this.pos, end);
    this.pos = end;
    this.skipWs();
    if (this.pos + 9 > this.buf.length) this.eof();
    return new PdfStream(dict, data);
  }

  /** "num gen obj <value> endobj" at the current position. */
  parseIndirectObject(): { num: number; gen: number; value: PdfValue } {
    const num = this.readInt();
    const gen = this.readInt();
    this.expectKeyword('obj');
    const value = this.parseValue();
    return { num, gen, value };
  }
}

function nameText(name: string): string {
  let out = '/';
  for (const ch of Buffer.from(name, 'latin1')) {
    out += ch < 0x21 || ch > 0x7e || ch === 0x23 || DELIM.has(ch) ? `#${ch.toString(16).padStart(2, '0')}` : String.fromCharCode(ch);
  }
  return out;
}

function numberText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

/** PDF syntax for a value (latin1 text). Streams are not serialized here. */
export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberText(v);
  if (v instanceof PdfName) return nameText(v.name);
  if (v instanceof PdfRef) return v.toString();
  if (v instanceof PdfString) return `<${v.bytes.toString('hex')}>`;
  if (v instanceof PdfRaw) return v.text;
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  if (v instanceof PdfDict) return `<<${[...v.entries].map(([k, x]) => `${nameText(k)} ${serialize(x)}`).join(' ')}>>`;
  throw new Error('stream values cannot be serialized inline');
}

/** A PDF text string: PDFDocEncoding when ASCII, otherwise UTF-16BE with BOM (accents in reasons, places). */
export function textString(s: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(s)) return new PdfString(Buffer.from(s, 'latin1'));
  const utf16 = Buffer.from(s, 'utf16le');
  utf16.swap16();
  return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]));
}

export function decodeTextString(s: PdfString): string {
  const b = s.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) {
    const c = Buffer.from(b.subarray(2));
    c.swap16();
    return c.toString('utf16le');
  }
  return b.toString('latin1');
}

/** D:YYYYMMDDHHmmSS+00'00' in UTC. */
export function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00'`;
}

export function parsePdfDate(s: string): Date | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-])?(\d{2})?'?(\d{2})?'?/.exec(s);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const offset = m[7] === '+' || m[7] === '-' ? (m[7] === '+' ? 1 : -1) * (Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0)) : 0;
  return new Date(utc - offset * 60_000);
}
