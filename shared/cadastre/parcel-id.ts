/**
 * The national parcel identifier (14 characters) and the ways people write a
 * parcel reference. Shared by the cadastre (plan) and owners (MAJIC) domains:
 * the owners domain references parcels only by this id.
 *
 * Layout (DGFiP / Etalab): INSEE commune code (5: `25354`, `2A004`, `97101`)
 * + préfixe (3: `000`, or the ancienne commune of a merged commune)
 * + section (2, padded on the left with `0`: `0A`, `AB`)
 * + numéro (4, zero-padded). Example `25354000AK0012` = Luxiol, section AK, parcel 12.
 */

/** A valid, normalised (upper-case) 14-character parcel id. */
export type ParcelId = string & { readonly __parcelId: unique symbol };

export interface ParcelIdParts {
  /** INSEE code of the commune, 5 characters (`25354`, `2A004`). */
  insee: string;
  /** Préfixe, 3 digits (`000` unless an ancienne commune). */
  prefixe: string;
  /** Section as stored, 2 characters (`0A`, `ZB`). */
  section: string;
  /** Numéro as stored, 4 digits (`0012`). */
  numero: string;
}

/** A normalised id (also the owners' records' check: they name parcels by it). */
export const PARCEL_ID_PATTERN = /^(\d{2}|2A|2B)(\d{3})(\d{3})([0-9A-Z]{2})(\d{4})$/;

/** Reads a 14-character parcel id (case and inner spaces forgiven); `null` when it is not one. */
export function parseParcelId(input: string): (ParcelIdParts & { id: ParcelId }) | null {
  const s = input.replace(/\s+/g, '').toUpperCase();
  const m = PARCEL_ID_PATTERN.exec(s);
  if (!m) return null;
  const [, dep, com, prefixe, section, numero] = m as unknown as [string, string, string, string, string, string];
  if (numero === '0000' || section === '00') return null;
  return { id: s as ParcelId, insee: dep + com, prefixe, section, numero };
}

/** True when `input` is exactly a normalised parcel id. */
export function isParcelId(input: string): input is ParcelId {
  return parseParcelId(input)?.id === input;
}

/** Builds the id from its parts, padding section (left `0`) and numéro (zeros); throws on impossible parts. */
export function makeParcelId(parts: { insee: string; prefixe?: string; section: string; numero: string | number }): ParcelId {
  const section = padSection(parts.section);
  const numero = String(parts.numero).trim().padStart(4, '0');
  const id = `${parts.insee.toUpperCase()}${(parts.prefixe ?? '000').padStart(3, '0')}${section}${numero}`;
  const parsed = parseParcelId(id);
  if (!parsed) throw new Error(`identifiant de parcelle impossible: ${id}`);
  return parsed.id;
}

/** Section as stored in the id: upper case, padded on the left with `0` (`a` → `0A`). */
export function padSection(section: string): string {
  return section.trim().toUpperCase().padStart(2, '0');
}

/** Section as people read it: leading zeros trimmed (`0A` → `A`). */
export function displaySection(section: string): string {
  return section.replace(/^0+(?=.)/, '');
}

/**
 * The reference a secretary reads and writes: `ZB 12`, with the préfixe in
 * front only when there is one (`123 AB 12` for an ancienne commune).
 */
export function formatParcelRef(id: string): string {
  const p = parseParcelId(id);
  if (!p) return id;
  const ref = `${displaySection(p.section)} ${Number(p.numero)}`;
  return p.prefixe === '000' ? ref : `${p.prefixe} ${ref}`;
}

/** A section + numéro typed at the counter, normalised to the id's stored parts. */
export interface SectionNumero {
  prefixe?: string;
  section: string;
  /** Zero-padded to 4 digits. */
  numero: string;
}

/**
 * Reads the forms people type for « section + numéro »: `A 199`, `0A0199`,
 * `ZB12`, `zb 12`, `ZB 0012`, with an optional préfixe (`123 AB 12`, `000AB0012`).
 * Returns `null` for anything else (a lieu-dit, a street…).
 */
export function parseSectionNumero(input: string): SectionNumero | null {
  const s = input.trim().toUpperCase();
  const m = /^(?:(\d{3})\s*)?([0-9]?[A-Z]{1,2}|[A-Z]\d)\s*(\d{1,4})$/.exec(s);
  if (!m) return null;
  const [, prefixe, rawSection, num] = m as unknown as [string, string | undefined, string, string];
  const section = padSection(rawSection);
  if (!/^[0-9A-Z]{2}$/.test(section) || Number(num) === 0) return null;
  return prefixe ? { prefixe, section, numero: num.padStart(4, '0') } : { section, numero: num.padStart(4, '0') };
}

/** Contenance in m² written the surveyor's way: `1 ha 23 a 45 ca` (hectares, ares, centiares). */
export function formatHaACa(m2: number): string {
  const total = Math.max(0, Math.round(m2));
  const ha = Math.floor(total / 10_000);
  const a = Math.floor((total % 10_000) / 100);
  const ca = total % 100;
  const parts = ha > 0 ? [`${ha} ha`, `${pad2(a)} a`, `${pad2(ca)} ca`] : a > 0 ? [`${a} a`, `${pad2(ca)} ca`] : [`${ca} ca`];
  return parts.join(' ');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Thousands grouped with a plain space (`4 665`): PDF standard fonts have no narrow no-break space. */
export function groupThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
