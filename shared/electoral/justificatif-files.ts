import { defineRoutes } from '../api/contract.js';
import { fileRoutes } from '../files/routes.js';
import { JUSTIFICATIF_MAX_BYTES } from './demand-fields.js';
import type { Demand } from './types.js';

/**
 * The demands' justificatifs on the hub (files module): uploaded by the PC
 * before the demand that names them is pushed, read by any PC of the commune
 * holding `electoral.read`, so a piece scanned at the counter opens on the
 * maire's PC.
 */
export const ELECTORAL_HUB_ROUTES = (() => {
  const r = fileRoutes({
    base: '/api/v1/electoral/justificatifs',
    tag: 'Listes électorales',
    read: 'electoral.read',
    write: 'electoral.demand',
    maxBytes: JUSTIFICATIF_MAX_BYTES,
    tooLarge: '20 Mo au plus par pièce.',
  });
  return defineRoutes({ justificatifStatus: r.status, justificatifUpload: r.upload, justificatifDownload: r.download });
})();

/**
 * How long the hub keeps a justificatif that no demand names (its demand was
 * refused by the hub after the upload, or the PC never pushed it): 2 years.
 *
 * A justificatif a demand names is never expired: it is a document of the
 * electoral dossier, kept « as long as the law requires », and only an explicit
 * archiving procedure (not in Guichet) may remove it. The 2 years cover the
 * orphan case: the REU itself keeps the current and the previous year, so a PC
 * that comes back within that horizon still finds the pieces it sent, and the
 * recourse route of a decision (RAPO within 5 days, commission 30 days, then the
 * tribunal judiciaire) is long closed by then. See docs/listes-electorales.md.
 */
export const JUSTIFICATIF_RETENTION_DAYS = 731;

/** The files a demand names (one home, read by the hub's push check and its file expiry). */
export function demandFiles(d: Pick<Demand, 'justificatifs'>): string[] {
  return (d.justificatifs ?? []).map((j) => j.sha256);
}
