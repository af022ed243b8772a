/**
 * A REU birth date (`AAAA-MM-JJ`, `00` for an unknown day or month) as a French
 * reader expects it: `JJ/MM/AAAA`, unknown parts shown as dots. Used by the
 * screens and the headless CLI alike.
 */
export function formatBirthDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  const part = (s: string) => (s === '00' ? '..' : s);
  return `${part(d!)}/${part(mo!)}/${y === '0000' ? '....' : y}`;
}
