/**
 * The 14-character national parcel id: dep2 + com3 (the INSEE code) + préfixe3
 * + section2 + numéro4, e.g. `10034000AB0012`. The owners domain references
 * parcels by this id only (the plan is the cadastre domain's). MAJIC's own key
 * has 15 characters (a DGFiP direction digit after the département), dropped here.
 * Minimal on purpose: when shared/cadastre/ brings its parcel id helper, this one
 * should become a re-export of it.
 */
export const PARCEL_ID_PATTERN = /^[0-9][0-9AB][0-9]{3}[0-9]{3}[0-9A-Z]{2}[0-9]{4}$/;

export interface ParcelRef {
  insee: string;
  prefixe: string;
  section: string;
  numero: string;
}

/** From MAJIC's fields (ccodep, ccocom, ccopre, ccosec, dnupla); spaces become `0` as MAJIC keys do. */
export function parcelIdOf(p: { ccodep: string; ccocom: string; ccopre: string; ccosec: string; dnupla: string }): string {
  return `${p.ccodep}${p.ccocom}${p.ccopre}${p.ccosec}${p.dnupla}`.replace(/ /g, '0');
}

export function parseParcelId(id: string): ParcelRef | null {
  if (!PARCEL_ID_PATTERN.test(id)) return null;
  return { insee: id.slice(0, 5), prefixe: id.slice(5, 8), section: id.slice(8, 10), numero: id.slice(10, 14) };
}

/** As printed: `AB 12` (section without its padding zero, numéro without leading zeros), préfixe shown when not 000. */
export function parcelLabel(id: string): string {
  const p = parseParcelId(id);
  if (!p) return id;
  const section = p.section.replace(/^0/, '');
  const numero = String(Number(p.numero));
  return p.prefixe === '000' ? `${section} ${numero}` : `${p.prefixe} ${section} ${numero}`;
}
