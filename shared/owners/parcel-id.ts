/**
 * Owners name parcels by the national 14-character id of the cadastre domain (its one home:
 * shared/cadastre/parcel-id.ts). MAJIC's own key has 15 characters (a DGFiP direction digit after the
 * département), dropped here.
 */
export { PARCEL_ID_PATTERN } from '../cadastre/parcel-id.js';

/** From MAJIC's fields (ccodep, ccocom, ccopre, ccosec, dnupla); spaces become `0` as MAJIC keys do. */
export function parcelIdOf(p: { ccodep: string; ccocom: string; ccopre: string; ccosec: string; dnupla: string }): string {
  return `${p.ccodep}${p.ccocom}${p.ccopre}${p.ccosec}${p.dnupla}`.replace(/ /g, '0');
}
