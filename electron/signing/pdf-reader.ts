import { open, type FileHandle } from 'node:fs/promises';
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import { GuichetError } from '../../shared/errors.js';
import { NeedMoreData, PdfDict, PdfName, PdfParser, PdfRef, PdfStream, PdfSyntaxError, type PdfValue } from './pdf-objects.js';

type XrefEntry = { kind: 'free' } | { kind: 'offset'; offset: number; gen: number } | { kind: 'compressed'; stream: number; index: number };

export const damagedPdf = (detail: string) =>
  new GuichetError(
    'invalid_input',
    'Ce PDF est endommagé ou d’un format non pris en charge : enregistrez-le de nouveau depuis son logiciel d’origine.',
    detail,
  );

/**
 * Lazy reader of a PDF file on disk: follows the cross-reference chain (classic tables,
 * xref streams, hybrid files) and reads only the objects asked for, by offset. The file is
 * never loaded whole, so a 150 MB scan costs a few reads of a few KB.
 */
export class PdfFileReader {
  private readonly xref = new Map<number, XrefEntry>();
  private readonly objectStreams = new Map<number, { first: number; offsets: number[]; data: Buffer }>();
  trailer = new PdfDict();
  /** Offset of the last cross-reference section (the new /Prev). */
  startxref = 0;
  /** Whether that section is a cross-reference stream (then our update writes one too). */
  lastXrefIsStream = false;
  /** True when the file ends with an end-of-line (else the update starts with one). */
  endsWithEol = true;

  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<PdfFileReader> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const reader = new PdfFileReader(fh, size);
      await reader.load();
      return reader;
    } catch (err) {
      await fh.close();
      if (err instanceof GuichetError) throw err;
      if (err instanceof PdfSyntaxError || err instanceof NeedMoreData || err instanceof RangeError)
        throw damagedPdf((err as Error).message);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.alloc(len);
    if (len > 0) await this.fh.read(buf, 0, len, offset);
    return buf;
  }

  /** Runs `parse` on a slice starting at `offset`, growing the slice while the object is cut short. */
  private async withSlice<T>(offset: number, parse: (p: PdfParser) => T): Promise<T> {
    for (let size = 16 * 1024; ; size *= 8) {
      const atEof = offset + size >= this.size;
      const buf = await this.read(offset, size);
      try {
        // A /Length given by reference is left unresolved: the parser then finds "endstream".
        return parse(new PdfParser(buf, 0, atEof));
      } catch (err) {
        if (err instanceof NeedMoreData && !atEof) continue;
        throw err;
      }
    }
  }

  private async load(): Promise<void> {
    const tail = await this.read(Math.max(0, this.size - 2048), 2048);
    const tailText = tail.toString('latin1');
    this.endsWithEol = /[\r\n]$/.test(tailText);
    const idx = tailText.lastIndexOf('startxref');
    if (idx < 0) throw damagedPdf('startxref not found');
    const m = /^startxref\s+(\d+)/.exec(tailText.slice(idx));
    if (!m) throw damagedPdf('startxref unreadable');
    this.startxref = Number(m[1]);

    const seen = new Set<number>();
    let offset: number | null = this.startxref;
    let first = true;
    while (offset !== null) {
      if (seen.has(offset) || offset >= this.size) throw damagedPdf(`bad xref offset ${offset}`);
      seen.add(offset);
      const section = await this.readXrefSection(offset);
      if (first) {
        this.trailer = section.trailer;
        this.lastXrefIsStream = section.isStream;
        first = false;
      }
      const prev = section.trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : null;
    }
    if (!(this.trailer.get('Root') instanceof PdfRef)) throw damagedPdf('no /Root in trailer');
  }

  private setEntry(num: number, e: XrefEntry): void {
    if (!this.xref.has(num)) this.xref.set(num, e); // newest section read first wins
  }

  private async readXrefSection(offset: number): Promise<{ trailer: PdfDict; isStream: boolean }> {
    const isTable = (await this.read(offset, 4)).toString('latin1') === 'xref';
    if (!isTable) {
      const trailer = await this.readXrefStream(offset);
      return { trailer, isStream: true };
    }
    const { entries, trailer } = await this.withSlice(offset, (p) => {
      p.expectKeyword('xref');
      const found: Array<[number, XrefEntry]> = [];
      while (!p.peekKeyword('trailer')) {
        const start = p.readInt();
        const count = p.readInt();
        for (let i = 0; i < count; i++) {
          const off = p.readInt();
          const gen = p.readInt();
          p.skipWs();
          const type = String.fromCharCode(p.buf[p.pos++]);
          found.push([start + i, type === 'n' ? { kind: 'offset', offset: off, gen } : { kind: 'free' }]);
        }
      }
      p.expectKeyword('trailer');
      const t = p.parseValue();
      if (!(t instanceof PdfDict)) throw new PdfSyntaxError('trailer is not a dictionary');
      return { entries: found, trailer: t };
    });
    // Hybrid files: objects in object streams are listed in /XRefStm, which completes this
    // section; the table marks them free, so its in-use entries go first, then the stream's,
    // then the table's free entries.
    for (const [n, e] of entries) if (e.kind !== 'free') this.setEntry(n, e);
    const stm = trailer.get('XRefStm');
    if (typeof stm === 'number') await this.readXrefStream(stm);
    for (const [n, e] of entries) this.setEntry(n, e);
    return { trailer, isStream: false };
  }

  private async readXrefStream(offset: number): Promise<PdfDict> {
    const obj = await this.withSlice(offset, (p) => p.parseIndirectObject());
    const type = obj.value instanceof PdfStream ? obj.value.dict.get('Type') : undefined;
    if (!(obj.value instanceof PdfStream) || !(type instanceof PdfName) || type.name !== 'XRef') throw damagedPdf(`no xref at ${offset}`);
    const { dict } = obj.value;
    const data = decodeStream(obj.value);
    const w = (dict.get('W') as number[]).map(Number);
    const size = dict.get('Size') as number;
    const index = (dict.get('Index') as number[] | undefined) ?? [0, size];
    const rowLen = w[0] + w[1] + w[2];
    let pos = 0;
    const field = (width: number, dflt: number) => {
      if (width === 0) return dflt;
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + data[pos++];
      return v;
    };
    for (let s = 0; s < index.length; s += 2) {
      for (let i = 0; i < index[s + 1]; i++) {
        if (pos + rowLen > data.length) throw damagedPdf('xref stream too short');
        const type = field(w[0], 1);
        const f2 = field(w[1], 0);
        const f3 = field(w[2], 0);
        const num = index[s] + i;
        if (type === 0) this.setEntry(num, { kind: 'free' });
        else if (type === 1) this.setEntry(num, { kind: 'offset', offset: f2, gen: f3 });
        else if (type === 2) this.setEntry(num, { kind: 'compressed', stream: f2, index: f3 });
      }
    }
    return dict;
  }

  /** The object `ref` points to (null when free or missing, as the spec says). */
  async getObject(ref: PdfRef): Promise<PdfValue> {
    const e = this.xref.get(ref.num);
    if (!e || e.kind === 'free') return null;
    if (e.kind === 'offset') return this.readObjectAt(e.offset);
    const stm = await this.objectStream(e.stream);
    const p = new PdfParser(stm.data, stm.first + stm.offsets[e.index], true);
    return p.parseValue();
  }

  async resolve(v: PdfValue | undefined): Promise<PdfValue | undefined> {
    return v instanceof PdfRef ? this.getObject(v) : v;
  }

  async resolveDict(v: PdfValue | undefined): Promise<PdfDict | null> {
    const r = await this.resolve(v);
    return r instanceof PdfDict ? r : r instanceof PdfStream ? r.dict : null;
  }

  private async readObjectAt(offset: number): Promise<PdfValue> {
    return (await this.withSlice(offset, (p) => p.parseIndirectObject())).value;
  }

  private async objectStream(num: number) {
    let s = this.objectStreams.get(num);
    if (s) return s;
    const obj = await this.getObject(new PdfRef(num, 0));
    if (!(obj instanceof PdfStream)) throw damagedPdf(`object stream ${num} missing`);
    const data = decodeStream(obj);
    const n = obj.dict.get('N') as number;
    const first = obj.dict.get('First') as number;
    const header = new PdfParser(data, 0, true);
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      header.readInt();
      offsets.push(header.readInt());
    }
    s = { first, offsets, data };
    this.objectStreams.set(num, s);
    return s;
  }

  /** Follows /Pages /Kids down to the first page leaf. */
  async firstPage(): Promise<{ ref: PdfRef; dict: PdfDict }> {
    const catalog = await this.resolveDict(this.trailer.get('Root'));
    let node = catalog?.get('Pages');
    for (let depth = 0; depth < 64; depth++) {
      if (!(node instanceof PdfRef)) break;
      const dict = await this.resolveDict(node);
      if (!dict) break;
      const type = dict.get('Type');
      const kids = await this.resolve(dict.get('Kids'));
      if (type instanceof PdfName && type.name === 'Page') return { ref: node, dict };
      if (!Array.isArray(kids) || kids.length === 0) break;
      node = kids[0];
    }
    throw damagedPdf('no page found');
  }
}

/** Decodes FlateDecode streams (with PNG predictors, as xref streams use); other filters are not needed here. */
export function decodeStream(stream: PdfStream): Buffer {
  const filter = stream.dict.get('Filter');
  const filters = (Array.isArray(filter) ? filter : filter ? [filter] : []) as PdfName[];
  let data: Buffer = stream.data;
  for (const f of filters) {
    if (f.name !== 'FlateDecode') throw damagedPdf(`unsupported filter ${f.name}`);
    data = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  }
  const parms = stream.dict.get('DecodeParms');
  const dp = (Array.isArray(parms) ? parms[0] : parms) as PdfDict | undefined;
  const predictor = dp instanceof PdfDict ? ((dp.get('Predictor') as number | undefined) ?? 1) : 1;
  if (predictor >= 10) data = undoPngPredictor(data, (dp!.get('Columns') as number | undefined) ?? 1);
  else if (predictor !== 1) throw damagedPdf(`unsupported predictor ${predictor}`);
  return data;
}

function undoPngPredictor(data: Buffer, columns: number): Buffer {
  const rows = Math.floor(data.length / (columns + 1));
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (columns + 1)];
    for (let c = 0; c < columns; c++) {
      const x = data[r * (columns + 1) + 1 + c];
      const left = c > 0 ? out[r * columns + c - 1] : 0;
      const up = r > 0 ? out[(r - 1) * columns + c] : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1] : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + left;
          break;
        case 2:
          v = x + up;
          break;
        case 3:
          v = x + ((left + up) >> 1);
          break;
        case 4: {
          const pa = Math.abs(up - upLeft),
            pb = Math.abs(left - upLeft),
            pc = Math.abs(left + up - 2 * upLeft);
          v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw damagedPdf(`bad PNG predictor row type ${type}`);
      }
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}
