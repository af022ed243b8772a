import { appendFile, copyFile, open, rename, rm } from 'node:fs/promises';
import { GuichetError } from '../../shared/errors.js';
import { digestByteRange } from './byte-range.js';
import { assertCertificateUsable, parseCertificate } from './certificate.js';
import { buildCadesDetached } from './cms.js';
import type { SigningKey } from './key-store.js';
import {
  PdfDict,
  PdfName,
  PdfRaw,
  PdfRef,
  PdfString,
  decodeTextString,
  pdfDate,
  serialize,
  textString,
  type PdfValue,
} from './pdf-objects.js';
import { PdfFileReader } from './pdf-reader.js';

export interface SignPdfOptions {
  input: string;
  output: string;
  key: SigningKey;
  reason?: string;
  location?: string;
  /** Claimed signing time, written in the signature dictionary's /M (PAdES forbids a CMS signing-time). */
  signingTime?: Date;
}

export interface SignPdfResult {
  fieldName: string;
  byteRange: number[];
  /** Size of the CMS blob, in bytes. */
  cmsBytes: number;
}

const BYTE_RANGE_WIDTH = 10;

/**
 * Signs a PDF as PAdES baseline B-B, appended as an incremental update so the original bytes,
 * and any earlier signature over them, stay untouched. The update holds: the signature
 * dictionary, an invisible widget/field on page 1, the AcroForm (SigFlags 3), the page with its
 * new /Annots (and the catalog when the AcroForm was inline or absent), then a cross-reference
 * section of the same kind as the file's last one (classic table, or xref stream for PDF 1.5+
 * files, as ISO 32000-1 §7.5.8.4 requires readers of stream-only files to expect) with /Prev.
 */
export async function signPdf(opts: SignPdfOptions): Promise<SignPdfResult> {
  const signingTime = opts.signingTime ?? new Date();
  const cert = parseCertificate(opts.key.certificateDer());
  assertCertificateUsable(cert, signingTime);
  const reserve = 8192 + cert.der.length + opts.key.chainDer().reduce((n, c) => n + c.length, 0);

  const reader = await PdfFileReader.open(opts.input);
  let update: Buffer;
  let fieldName: string;
  let contentsAt: number;
  let byteRange: number[];
  try {
    if (reader.trailer.get('Encrypt') !== undefined) {
      throw new GuichetError(
        'invalid_input',
        'Ce PDF est protégé par un mot de passe : enregistrez-en une version non protégée avant de le signer.',
        'encrypted PDF',
      );
    }
    const rootRef = reader.trailer.get('Root') as PdfRef;
    const catalog = (await reader.resolveDict(rootRef))?.clone();
    if (!catalog) throw new GuichetError('invalid_input', 'Ce PDF est endommagé : catalogue introuvable.', 'no catalog');
    const page = await reader.firstPage();

    const acroValue = catalog.get('AcroForm');
    const acroRef = acroValue instanceof PdfRef ? acroValue : null;
    const acroForm = (await reader.resolveDict(acroValue))?.clone() ?? new PdfDict();
    const fieldsValue = await reader.resolve(acroForm.get('Fields'));
    const fields = Array.isArray(fieldsValue) ? [...fieldsValue] : [];
    const names = new Set<string>();
    for (const f of fields) {
      const t = (await reader.resolveDict(f))?.get('T');
      if (t instanceof PdfString) names.add(decodeTextString(t));
    }
    let n = 1;
    while (names.has(`Signature${n}`)) n++;
    fieldName = `Signature${n}`;

    const size = reader.trailer.get('Size') as number;
    let next = size;
    const sigRef = new PdfRef(next++, 0);
    const widgetRef = new PdfRef(next++, 0);
    const newAcroRef = acroRef ?? new PdfRef(next++, 0);

    const sigDict = new PdfDict()
      .set('Type', new PdfName('Sig'))
      .set('Filter', new PdfName('Adobe.PPKLite'))
      .set('SubFilter', new PdfName('ETSI.CAdES.detached'))
      .set('ByteRange', new PdfRaw(`[0 ${'*'.repeat(BYTE_RANGE_WIDTH)} ${'*'.repeat(BYTE_RANGE_WIDTH)} ${'*'.repeat(BYTE_RANGE_WIDTH)}]`))
      .set('Contents', new PdfRaw(`<${'0'.repeat(reserve * 2)}>`))
      .set('M', new PdfString(Buffer.from(pdfDate(signingTime), 'latin1')));
    if (opts.reason) sigDict.set('Reason', textString(opts.reason));
    if (opts.location) sigDict.set('Location', textString(opts.location));

    // Invisible signature: zero-size widget, flags Print (4) + Locked (128).
    const widget = new PdfDict()
      .set('Type', new PdfName('Annot'))
      .set('Subtype', new PdfName('Widget'))
      .set('FT', new PdfName('Sig'))
      .set('T', textString(fieldName))
      .set('V', sigRef)
      .set('Rect', [0, 0, 0, 0])
      .set('F', 132)
      .set('P', page.ref);
    acroForm.set('Fields', [...fields, widgetRef]).set('SigFlags', 3);
    const annots = await reader.resolve(page.dict.get('Annots'));
    const newPage = page.dict.clone().set('Annots', [...(Array.isArray(annots) ? annots : []), widgetRef]);

    const objects: Array<[PdfRef, PdfValue]> = [
      [sigRef, sigDict],
      [widgetRef, widget],
      [newAcroRef, acroForm],
      [page.ref, newPage],
    ];
    if (!acroRef) objects.push([rootRef, catalog.set('AcroForm', newAcroRef)]);

    const base = reader.size + (reader.endsWithEol ? 0 : 1);
    const chunks: string[] = reader.endsWithEol ? [] : ['\n'];
    let length = 0;
    const push = (s: string) => {
      chunks.push(s);
      length += Buffer.byteLength(s, 'latin1');
    };
    const offsets = new Map<number, { offset: number; gen: number }>();
    for (const [ref, value] of objects) {
      offsets.set(ref.num, { offset: base + length, gen: ref.gen });
      push(`${ref.num} ${ref.gen} obj\n${serialize(value)}\nendobj\n`);
    }
    const sizeAfter = Math.max(size, next + (reader.lastXrefIsStream ? 1 : 0));
    const trailer = new PdfDict().set('Size', sizeAfter).set('Root', rootRef).set('Prev', reader.startxref);
    for (const k of ['Info', 'ID']) {
      const v = reader.trailer.get(k);
      if (v !== undefined) trailer.set(k, v);
    }
    const xrefAt = base + length;
    let xrefBinary: Buffer | null = null;
    if (!reader.lastXrefIsStream) {
      push(
        `xref\n${subsections(offsets)
          .map(
            ([start, rows]) =>
              `${start} ${rows.length}\n${rows.map((r) => `${String(r.offset).padStart(10, '0')} ${String(r.gen).padStart(5, '0')} n\r\n`).join('')}`,
          )
          .join('')}`,
      );
      push(`trailer\n${serialize(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`);
    } else {
      // The update's own xref stream: uncompressed rows (W [1 4 2]), which every reader accepts.
      const xrefRef = new PdfRef(next, 0);
      offsets.set(xrefRef.num, { offset: xrefAt, gen: 0 });
      const groups = subsections(offsets);
      const rows = groups.flatMap(([, r]) => r);
      xrefBinary = Buffer.alloc(rows.length * 7);
      rows.forEach((r, i) => {
        xrefBinary!.writeUInt8(1, i * 7);
        xrefBinary!.writeUInt32BE(r.offset, i * 7 + 1);
        xrefBinary!.writeUInt16BE(r.gen, i * 7 + 5);
      });
      trailer
        .set('Type', new PdfName('XRef'))
        .set('W', [1, 4, 2])
        .set(
          'Index',
          groups.flatMap(([start, r]) => [start, r.length]),
        )
        .set('Length', xrefBinary.length);
      push(`${xrefRef.num} 0 obj\n${serialize(trailer)}\nstream\n`);
    }
    const head = Buffer.from(chunks.join(''), 'latin1');
    update = xrefBinary
      ? Buffer.concat([head, xrefBinary, Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1')])
      : head;

    // Fill the ByteRange now: its digits are signed too, and fixed-width so no offset moves.
    const contentsRel = update.indexOf(`/Contents <${'0'.repeat(16)}`, 0, 'latin1') + '/Contents '.length;
    contentsAt = reader.size + contentsRel;
    const contentsEnd = contentsAt + reserve * 2 + 2;
    const total = reader.size + update.length;
    byteRange = [0, contentsAt, contentsEnd, total - contentsEnd];
    const brRel = update.indexOf(`[0 ${'*'.repeat(BYTE_RANGE_WIDTH)}`, 0, 'latin1');
    update.write(
      `[0 ${byteRange
        .slice(1)
        .map((x) => String(x).padEnd(BYTE_RANGE_WIDTH, ' '))
        .join(' ')}]`,
      brRel,
      'latin1',
    );
  } finally {
    await reader.close();
  }

  // Write beside the target then rename: a failure never leaves a half-signed file.
  const tmp = `${opts.output}.${process.pid}.part`;
  try {
    await copyFile(opts.input, tmp);
    await appendFile(tmp, update);
    const digest = await digestByteRange(tmp, byteRange);
    const cms = await buildCadesDetached(digest, opts.key);
    if (cms.length > reserve)
      throw new GuichetError(
        'internal',
        'La signature est plus grande que la place réservée dans le PDF.',
        `cms ${cms.length} > ${reserve}`,
      );
    const fh = await open(tmp, 'r+');
    try {
      await fh.write(Buffer.from(cms.toString('hex'), 'latin1'), 0, cms.length * 2, contentsAt + 1);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, opts.output);
    return { fieldName, byteRange, cmsBytes: cms.length };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Object numbers grouped into consecutive runs, as xref subsections need. */
function subsections(offsets: Map<number, { offset: number; gen: number }>): Array<[number, Array<{ offset: number; gen: number }>]> {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const out: Array<[number, Array<{ offset: number; gen: number }>]> = [];
  for (const num of nums) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1].length === num) last[1].push(offsets.get(num)!);
    else out.push([num, [offsets.get(num)!]]);
  }
  return out;
}
