/**
 * How an address read from MAJIC is shown, on the screens and in the relevé
 * alike. MAJIC writes the street number on four zero-padded digits followed by
 * the one-character repetition index (dnvoiri + dindic: `0020B`, `0020 ` when
 * none), in the parcel records and at the head of the owner's street line
 * (dlign4: `0020  ROUTE DE TROYES`). People read `20 B ROUTE DE TROYES`.
 */

/** Indices written after a space (typed addresses) that are read as one; a lone other letter starts the street's name (`A LA CROIX`). */
const SPACED_INDEX = 'B|T|Q|C|BIS|TER|QUATER|QUINQUIES';
const STREET_LINE = new RegExp(`^(\\d{1,4})(?:([A-Z])|\\s(${SPACED_INDEX})(?=\\s))?\\s+(\\S.*)$`, 'i');

/** `0020` + `B` → `20 B`; `0020` + `` → `20`; no number (or 0) → ``. */
export function streetNumber(number: string | undefined, index: string | undefined): string {
  const digits = (number ?? '').trim();
  const n = /^\d+$/.test(digits) ? Number(digits) : 0;
  if (n === 0) return '';
  const idx = (index ?? '').trim();
  return idx === '' ? String(n) : `${n} ${idx}`;
}

/** A parcel's or a local's address from its record: number, index, street label. */
export function streetAddress(number: string | undefined, index: string | undefined, label: string | undefined): string {
  return [streetNumber(number, index), (label ?? '').trim()].filter((p) => p !== '').join(' ');
}

/** One line of an owner's postal address with its street number as people write it. */
export function streetLine(line: string): string {
  const m = STREET_LINE.exec(line.trim());
  if (!m) return line.trim();
  return streetAddress(m[1], m[2] ?? m[3], m[4]);
}

/**
 * An owner's postal address (dlign3–6) on one line. The last line is the
 * postcode and town (some foreign postcodes start with a 0: `0150 OSLO`), so it
 * is kept as written.
 */
export function ownerAddress(lines: readonly string[]): string {
  const kept = lines.map((l) => l.trim()).filter((l) => l !== '');
  return kept.map((l, i) => (i === kept.length - 1 ? l : streetLine(l))).join(', ');
}
