import proj4 from 'proj4';
import { frenchDay, parisDay } from '../../shared/calendar.js';
import { bboxOf, polygonsOf, type BBox } from '../../shared/cadastre/geometry.js';
import type { CadastreFile, MapContent, ParcelFiche } from '../../shared/cadastre/ipc.js';
import { displaySection, formatHaACa, groupThousands } from '../../shared/cadastre/parcel-id.js';
import type { Position, SurfaceGeometry } from '../../shared/cadastre/records.js';
import { MM, renderA4 } from '../core/pdf-document.js';

/**
 * The two prints of the plan, A4 portrait: the relevé parcellaire (the
 * parcel's description) and the map extract (the parcel and its
 * surroundings at a round scale, north arrow, scale bar). Both carry the
 * source, « DGFiP – PCI vecteur, millésime … ». The extract is drawn in
 * Lambert-93 (proj4) so that a centimetre on paper is the scale's metres.
 */
const LAMBERT93 =
  '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
const toL93 = proj4('WGS84', LAMBERT93);
const SCALES = [500, 1_000, 2_000, 2_500, 5_000, 10_000, 25_000, 50_000];

function source(vintage: string | null): string {
  return `Source : DGFiP – PCI vecteur, millésime ${vintage ?? 'inconnu'}. Document sans valeur juridique (le plan cadastral n'a pas de valeur de bornage).`;
}

function header(doc: PDFKit.PDFDocument, title: string, f: ParcelFiche, today: Date): void {
  doc.font('Helvetica-Bold').fontSize(16).text(title);
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#333')
    .text(`${f.commune ?? f.parcel.insee} (INSEE ${f.parcel.insee}) — parcelle ${f.ref} — édité le ${frenchDay(parisDay(today))}`);
  doc.fillColor('black').moveDown(0.8);
}

export async function relevePdf(f: ParcelFiche, today: Date): Promise<CadastreFile> {
  const p = f.parcel;
  const title = `Relevé parcellaire ${f.ref}`;
  const content = await renderA4((doc) => {
    header(doc, 'Relevé parcellaire', f, today);
    const rows: [string, string][] = [
      ['Identifiant', p.id],
      ['Commune', `${f.commune ?? ''} (${p.insee})`],
      ['Préfixe', p.prefixe],
      ['Section', displaySection(p.section)],
      ['Numéro', String(Number(p.numero))],
      ['Feuille', p.feuille ?? '—'],
      ['Contenance', p.contenance === null ? 'non indiquée' : `${groupThousands(p.contenance)} m² (${formatHaACa(p.contenance)})`],
      ['Arpentée', p.arpente ? 'oui' : 'non'],
      ['Lieu-dit', p.lieuDit ?? '—'],
      ['Adresse', p.addresses.join(' ; ') || '—'],
      ['Subdivisions fiscales', p.subdivisions.join(', ') || 'aucune'],
      [
        'Bâtiments',
        f.buildings.length === 0 ? 'aucun' : f.buildings.map((b) => `${b.dur === 'leger' ? 'léger' : 'dur'} (${b.areaM2} m²)`).join(', '),
      ],
      ['Parcelles voisines', f.neighbours.map((n) => n.ref).join(', ') || 'aucune'],
      ['Mise à jour DGFiP', p.updated ? frenchDay(p.updated) : '—'],
    ];
    for (const [k, v] of rows) {
      const y = doc.y;
      doc
        .font('Helvetica-Bold')
        .fontSize(10)
        .text(k, doc.page.margins.left, y, { width: 45 * MM });
      doc.font('Helvetica').text(v, doc.page.margins.left + 48 * MM, y, { width: 130 * MM });
      doc.moveDown(0.4);
    }
    doc
      .moveDown(1)
      .fontSize(8)
      .fillColor('#333')
      .text(source(f.vintage), doc.page.margins.left, doc.y, { width: 180 * MM });
  }, title);
  return { fileName: `releve-parcellaire-${p.id}.pdf`, mime: 'application/pdf', content };
}

/** The round scale at which `extent` (metres) fits the frame (millimetres). */
export function chooseScale(widthM: number, heightM: number, frameW: number, frameH: number): number {
  return SCALES.find((s) => (widthM * 1000) / s <= frameW && (heightM * 1000) / s <= frameH) ?? (SCALES.at(-1) as number);
}

export async function extractPdf(f: ParcelFiche, around: MapContent, today: Date): Promise<CadastreFile> {
  const frame = { x: 15 * MM, y: 35 * MM, w: 180 * MM, h: 200 * MM };
  const box = bboxOf(f.parcel.geometry);
  const [x0, y0] = toL93.forward([box[0], box[1]]) as [number, number];
  const [x1, y1] = toL93.forward([box[2], box[3]]) as [number, number];
  const scale = chooseScale((x1 - x0) * 1.6, (y1 - y0) * 1.6, 180, 200);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const ptPerM = (1000 / scale) * MM;
  const toPage = ([lon, lat]: Position): [number, number] => {
    const [x, y] = toL93.forward([lon, lat]) as [number, number];
    return [frame.x + frame.w / 2 + (x - cx) * ptPerM, frame.y + frame.h / 2 - (y - cy) * ptPerM];
  };
  const surface = (doc: PDFKit.PDFDocument, g: SurfaceGeometry) => {
    for (const poly of polygonsOf(g)) for (const ring of poly) doc.polygon(...ring.map(toPage));
  };
  const title = `Extrait du plan cadastral ${f.ref}`;
  const content = await renderA4(
    (doc) => {
      doc.x = frame.x;
      doc.y = 15 * MM;
      header(doc, 'Extrait du plan cadastral', f, today);
      doc.save().rect(frame.x, frame.y, frame.w, frame.h).clip();
      for (const b of around.features.filter((x) => x.kind === 'batiment')) {
        if (b.geometry.type !== 'Polygon' && b.geometry.type !== 'MultiPolygon') continue;
        surface(doc, b.geometry);
        doc.fillColor(b.dur === 'leger' ? '#d9d9d9' : '#a6a6a6').fill('evenodd');
      }
      for (const p of around.parcels) {
        surface(doc, p.geometry);
        if (p.id === f.parcel.id) doc.fillOpacity(0.35).fillAndStroke('#f5a623', '#c0392b').fillOpacity(1);
        else doc.lineWidth(0.4).stroke('#555');
      }
      doc.fillColor('#222').fontSize(7);
      for (const p of around.parcels) {
        const [lx, ly] = toPage(labelPoint(p.geometry));
        if (lx < frame.x || lx > frame.x + frame.w || ly < frame.y || ly > frame.y + frame.h) continue;
        doc.text(p.label, lx - 10, ly - 3, { width: 20, align: 'center', lineBreak: false });
      }
      doc.restore();
      doc.lineWidth(0.8).rect(frame.x, frame.y, frame.w, frame.h).stroke('black');
      northArrow(doc, frame.x + frame.w - 12 * MM, frame.y + 8 * MM);
      scaleBar(doc, frame.x, frame.y + frame.h + 6 * MM, scale);
      doc
        .fillColor('black')
        .fontSize(9)
        .text(`Échelle 1:${groupThousands(scale)} (imprimer en A4 sans ajustement)`, frame.x + 70 * MM, frame.y + frame.h + 5 * MM);
      doc
        .fontSize(8)
        .fillColor('#333')
        .text(source(f.vintage), frame.x, frame.y + frame.h + 16 * MM, { width: frame.w });
    },
    title,
    0,
  );
  return { fileName: `extrait-plan-${f.parcel.id}.pdf`, mime: 'application/pdf', content };
}

function labelPoint(g: SurfaceGeometry): Position {
  const b: BBox = bboxOf(g);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

function northArrow(doc: PDFKit.PDFDocument, x: number, y: number): void {
  doc
    .save()
    .fillColor('black')
    .polygon([x, y], [x - 3 * MM, y + 9 * MM], [x, y + 7 * MM], [x + 3 * MM, y + 9 * MM])
    .fill();
  doc
    .fontSize(10)
    .text('N', x - 2 * MM, y - 5 * MM, { lineBreak: false })
    .restore();
}

/** A bar of a round length near 50 mm on paper, in two halves. */
function scaleBar(doc: PDFKit.PDFDocument, x: number, y: number, scale: number): void {
  const target = (50 * scale) / 1000;
  const metres = [10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500].reduce((a, b) =>
    Math.abs(b - target) < Math.abs(a - target) ? b : a,
  );
  const len = ((metres * 1000) / scale) * MM;
  doc
    .save()
    .lineWidth(0.5)
    .rect(x, y, len / 2, 2 * MM)
    .fillAndStroke('black', 'black');
  doc.rect(x + len / 2, y, len / 2, 2 * MM).fillAndStroke('white', 'black');
  doc
    .fillColor('black')
    .fontSize(8)
    .text('0', x - 1, y + 3 * MM, { lineBreak: false });
  doc.text(`${metres} m`, x + len - 6, y + 3 * MM, { lineBreak: false }).restore();
}
