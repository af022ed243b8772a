/**
 * Display formats used across screens (French conventions).
 * Birth dates come from the REU as AAAA-MM-JJ with `00` for an unknown day or month;
 * the counter shows them as JJ/MM/AAAA with `..` for the unknown part.
 */
export { formatBirthDate } from '../../../shared/electoral/format.js';

/**
 * JJ/MM/AAAA typed by the user → AAAA-MM-JJ, or null when it is not a date.
 * With `allowUnknown`, `..` or `00` stands for an unknown day or month, as in the REU.
 */
export function parseFrenchDate(text: string, allowUnknown = false): string | null {
  const u = /^\s*(\.\.|00)\/(\.\.|00|\d{1,2})\/(\d{4})\s*$|^\s*(\d{1,2})\/(\.\.|00)\/(\d{4})\s*$/.exec(text);
  if (allowUnknown && u) {
    const [d, mo, y] = u[1] !== undefined ? [u[1], u[2], u[3]] : [u[4], u[5], u[6]];
    const two = (s: string) => (s === '..' ? '00' : s.padStart(2, '0'));
    if (Number(y) < 1850 || Number(two(mo)) > 12 || Number(two(d)) > 31) return null;
    return `${y}-${two(mo)}-${two(d)}`;
  }
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const y = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1850) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1) return null;
  return `${m[3]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A timestamp for display: "28/11/2026 à 18:20". Client clocks are for display only. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = d.toLocaleDateString('fr-FR');
  const time = d.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
  return `${date} à ${time}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;
}
