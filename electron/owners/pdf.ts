import { frenchDay, parisDay } from '../../shared/calendar.js';
import { formatHaACa, formatParcelRef, groupThousands } from '../../shared/cadastre/parcel-id.js';
import type { CompteView, OwnersFile, ReleveMode } from '../../shared/owners/ipc.js';
import type { Exemption } from '../../shared/owners/types.js';
import { MM, renderA4 } from '../core/pdf-document.js';

/**
 * The relevé de propriété of a compte communal, A4 portrait. Two modes:
 * - `complet`, the commune's own use: owners with birth date and place,
 *   rights, parcels with contenance, locals (bâti), exemptions;
 * - `tiers`, given to someone outside the town hall (LPF L107 A, avis CADA):
 *   no birth date, no birth place, no exemption (its reason would tell about
 *   the person). What a third party may not see is never written into the
 *   document, not merely hidden.
 */

const LOCAL_TYPES: Readonly<Record<string, string>> = {
  '1': 'Maison',
  '2': 'Appartement',
  '3': 'Dépendance bâtie isolée',
  '4': 'Local commercial ou industriel',
  '5': 'Dépendance bâtie d’un local',
};

function exemptionText(e: Exemption): string {
  const pct = e.percent === null ? '' : ` à ${groupThousands(e.percent / 100)} %`;
  return `exonération ${e.code} (${e.collectivite})${pct}, ${e.from || '…'}–${e.to || '…'}`;
}

export interface ReleveOptions {
  mode: ReleveMode;
  today: Date;
  /** For `tiers`: who asked, printed on the relevé. */
  requesterName?: string;
}

export async function relevePdf(c: CompteView, opts: ReleveOptions): Promise<OwnersFile> {
  const full = opts.mode === 'complet';
  const title = `Relevé de propriété — compte ${c.dnupro}`;
  const content = await renderA4((doc) => {
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.font('Helvetica-Bold').fontSize(16).text('Relevé de propriété');
    doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#333')
      .text(
        `Commune INSEE ${c.insee} — compte communal ${c.dnupro} — millésime ${c.millesime} — édité le ${frenchDay(parisDay(opts.today))}`,
      );
    doc.text(
      full
        ? 'Usage interne de la commune : document contenant des données personnelles, à ne pas communiquer à un tiers.'
        : `Communiqué à : ${opts.requesterName ?? ''} (article L107 A du livre des procédures fiscales).`,
    );
    doc.fillColor('black').moveDown(0.8);

    doc.font('Helvetica-Bold').fontSize(12).text('Titulaires de droits');
    doc.moveDown(0.3);
    for (const o of c.owners) {
      const right = [o.rightLabel, o.dismembermentLabel].filter(Boolean).join(' — ');
      doc
        .font('Helvetica-Bold')
        .fontSize(10)
        .text(`${o.designation.replace('/', ' ')}  (${right})`);
      const lines: string[] = [];
      if (!o.legalPerson) {
        if (o.birthName) lines.push(`Nom de naissance : ${o.birthName} ${o.birthFirstNames}`.trimEnd());
        if (o.usageName) lines.push(`Nom d’usage : ${o.usageName} ${o.usageFirstNames}`.trimEnd());
        if (full) lines.push(`Né(e) le ${o.birthDate ?? 'date inconnue'}${o.birthPlace ? ` à ${o.birthPlace}` : ''}`);
      } else {
        if (o.siren) lines.push(`SIREN ${o.siren}`);
      }
      if (o.postalAddress) lines.push(`Adresse : ${o.postalAddress}`);
      lines.push(`N° de personne : ${o.dnuper}`);
      doc
        .font('Helvetica')
        .fontSize(9)
        .text(lines.join('\n'), left + 5 * MM, doc.y, { width: width - 5 * MM });
      doc.moveDown(0.5);
    }

    doc.moveDown(0.5);
    doc
      .font('Helvetica-Bold')
      .fontSize(12)
      .text(`Propriétés non bâties et bâties — ${c.parcels.length} parcelle(s), ${c.totalContenance}`, left);
    doc.moveDown(0.3);
    for (const p of c.parcels) {
      doc
        .font('Helvetica-Bold')
        .fontSize(10)
        .text(`${p.ref}  —  ${p.contenance} (${groupThousands(p.area)} m²)  —  ${p.built ? 'bâtie' : 'non bâtie'}`, left);
      const lines: string[] = [];
      if (p.address) lines.push(p.address);
      for (const s of p.subdivisions) {
        const base = `Subdivision ${s.sub || '—'} : nature ${s.nature || '—'}, ${formatHaACa(s.area)}, revenu cadastral ${groupThousands(s.revenue / 100)} €`;
        lines.push(full && s.exemptions.length > 0 ? `${base} ; ${s.exemptions.map(exemptionText).join(' ; ')}` : base);
      }
      if (lines.length)
        doc
          .font('Helvetica')
          .fontSize(9)
          .text(lines.join('\n'), left + 5 * MM, doc.y, { width: width - 5 * MM });
      doc.moveDown(0.4);
    }

    if (c.locals.length > 0) {
      doc.moveDown(0.5);
      doc.font('Helvetica-Bold').fontSize(12).text(`Locaux — ${c.locals.length}`, left);
      doc.moveDown(0.3);
      for (const l of c.locals) {
        const value = l.rentalValue === null ? '' : `, valeur locative ${groupThousands(l.rentalValue)} €`;
        const ex = full && l.exemptions.length > 0 ? ` ; ${l.exemptions.map(exemptionText).join(' ; ')}` : '';
        doc
          .font('Helvetica')
          .fontSize(9)
          .text(
            `${formatParcelRef(l.parcelId)} — ${LOCAL_TYPES[l.type] ?? `type ${l.type}`} — invariant ${l.invar} — ${l.address}${value}${ex}`,
            left,
            doc.y,
            {
              width,
            },
          );
      }
    }
    if (c.lots.length > 0) {
      doc.moveDown(0.5);
      doc.font('Helvetica-Bold').fontSize(12).text(`Lots de copropriété — ${c.lots.length}`, left);
      for (const l of c.lots)
        doc
          .font('Helvetica')
          .fontSize(9)
          .text(`${formatParcelRef(l.parcelId)} — lot ${l.lot} (PDL ${l.pdl}) — ${l.share}`, left, doc.y, { width });
    }
    doc.moveDown(1);
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#333')
      .text(
        `Source : DGFiP – fichiers fonciers MAJIC, millésime ${c.millesime}. Document sans valeur juridique.${full ? '' : ' Les dates et lieux de naissance et les motifs d’exonération ne sont pas communiqués aux tiers.'}`,
        left,
        doc.y,
        { width },
      );
  }, title);
  const file = `releve-propriete-${c.dnupro.replace(/[^0-9A-Za-z]/g, '_')}${full ? '' : '-tiers'}.pdf`;
  return { fileName: file, mime: 'application/pdf', content };
}
