/**
 * One print as a PDF streamed to a private file (0600 in `<data>/impressions`,
 * 0700): pdfkit flushes each page when the next one starts (no page
 * buffering), the file stream takes it, and the writer waits for the disk when
 * it falls behind (pdfkit's readable buffer included), so memory stays flat whatever the number of pages. A print
 * that fails leaves no half-written file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { ensurePrivateDirAsync, makePrivate } from '../../platform/private-files.js';

export const MM = 72 / 25.4;
/** A4 portrait in points (the page object exists only once a page is added). */
export const A4 = { width: 595.28, height: 841.89 };
/** Bytes waiting for the disk before the writer pauses. */
const HIGH_WATER = 256 * 1024;

export interface PdfPrint {
  doc: PDFKit.PDFDocument;
  fileName: string;
  path: string;
  pages(): number;
  /** Between chunks of rows: lets the event loop (and the disk) breathe, waits when the file lags behind. */
  breathe(): Promise<void>;
  /** Ends the document; resolves once the file is complete on disk. */
  finish(): Promise<{ pages: number; bytes: number }>;
  /** Drops the file (on error). */
  abort(): Promise<void>;
}

export function printsDir(dataDir: string): string {
  return join(dataDir, 'impressions');
}

export async function openPdfPrint(
  dataDir: string,
  fileName: string,
  info: { title: string; layout?: 'portrait' | 'landscape' },
): Promise<PdfPrint> {
  const dir = printsDir(dataDir);
  await ensurePrivateDirAsync(dir);
  const path = join(dir, fileName);
  const out: WriteStream = createWriteStream(path, { mode: 0o600 });
  await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  await makePrivate(path);
  const doc = new PDFDocument({
    size: 'A4',
    layout: info.layout ?? 'portrait',
    margin: 12 * MM,
    bufferPages: false,
    autoFirstPage: false,
    info: { Title: info.title, Creator: 'Guichet', Producer: 'Guichet' },
  });
  let pages = 0;
  doc.on('pageAdded', () => pages++);
  doc.pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', () => resolve());
    out.once('error', reject);
    doc.once('error', reject);
  });
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    doc,
    fileName,
    path,
    pages: () => pages,
    async breathe() {
      await tick();
      // What pdfkit produced but the file did not take yet sits in the document's readable buffer
      // (the pipe pauses it) and in the file stream's: wait for the disk until both are small.
      while (doc.readableLength + out.writableLength > HIGH_WATER)
        await new Promise<void>((resolve) => {
          if (out.writableNeedDrain) out.once('drain', () => resolve());
          else setImmediate(resolve);
        });
    },
    async finish() {
      doc.end();
      await done;
      return { pages, bytes: (await stat(path)).size };
    },
    async abort() {
      out.destroy();
      await rm(path, { force: true });
    },
  };
}

/** Text on one line inside a box, cut with an ellipsis rather than wrapped. */
export function cell(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  opts: PDFKit.Mixins.TextOptions = {},
): void {
  doc.text(text, x, y, { width, height: doc.currentLineHeight(true), ellipsis: true, ...opts });
}
