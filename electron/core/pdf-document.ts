import PDFDocument from 'pdfkit';

/** Points per millimetre (PDF units are 1/72 inch). */
export const MM = 72 / 25.4;

/**
 * A small A4 portrait document drawn in one go and returned whole (a relevé, a map extract): the domains'
 * one-page prints. Long prints stream to a file instead (electron/electoral/polls/pdf-print.ts).
 */
export function renderA4(draw: (doc: PDFKit.PDFDocument) => void, title: string, margin = 15 * MM): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin, info: { Title: title, Creator: 'Guichet' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}
