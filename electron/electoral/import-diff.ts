/**
 * What an extract would change in the local list: new electors, electors no
 * longer on it, moves between bureaux, address changes. Electors are matched
 * by their stable id (reu-parser.ts), so a moved person is a change, not a
 * removal plus an addition.
 */
import type { ImportDiffEntry } from '../../shared/electoral/ipc.js';
import type { Elector, ImportRecord } from '../../shared/electoral/types.js';
import { frenchDay } from '../../shared/calendar.js';

/** "DUPONT Marie (12/03/1950)": shown only to roles with electoral.read, never logged. */
export function electorLabel(e: Pick<Elector, 'birthName' | 'firstNames' | 'birthDate'>): string {
  return `${e.birthName}${e.firstNames ? ` ${e.firstNames}` : ''} (${frenchDay(e.birthDate)})`;
}

export function addressLabel(a: Elector['address']): string {
  const street = [a.number, a.street].filter(Boolean).join(' ');
  const city = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [street, a.complement1, a.complement2, a.lieuDit, city, a.country && a.country.toUpperCase() !== 'FRANCE' ? a.country : null]
    .filter(Boolean)
    .join(', ');
}

const bureauLabel = (b: Elector['bureau']) => (b.code ? `${b.code}${b.label ? ` (${b.label})` : ''}` : 'sans bureau');

const ORDER: Record<ImportDiffEntry['change'], number> = { added: 0, removed: 1, bureau: 2, address: 3 };

const sameAddress = (a: Elector['address'], b: Elector['address']) =>
  a.number === b.number &&
  a.street === b.street &&
  a.complement1 === b.complement1 &&
  a.complement2 === b.complement2 &&
  a.lieuDit === b.lieuDit &&
  a.postalCode === b.postalCode &&
  a.city === b.city &&
  a.country === b.country;

type Compared = Pick<Elector, 'id' | 'birthName' | 'firstNames' | 'birthDate' | 'bureau' | 'address'>;

export function computeImportDiff(
  current: readonly Compared[],
  next: readonly Compared[],
): { diff: ImportRecord['diff']; entries: ImportDiffEntry[] } {
  const before = new Map(current.map((e) => [e.id, e]));
  const entries: ImportDiffEntry[] = [];
  const diff = { added: 0, removed: 0, changedBureau: 0, changedAddress: 0 };
  for (const e of next) {
    const old = before.get(e.id);
    if (!old) {
      diff.added++;
      entries.push({ electorId: e.id, label: electorLabel(e), change: 'added' });
      continue;
    }
    before.delete(e.id);
    if (old.bureau.code !== e.bureau.code) {
      diff.changedBureau++;
      entries.push({
        electorId: e.id,
        label: electorLabel(e),
        change: 'bureau',
        before: bureauLabel(old.bureau),
        after: bureauLabel(e.bureau),
      });
    }
    // Most addresses are unchanged: compare the fields before building the two labels.
    if (sameAddress(old.address, e.address)) continue;
    const a0 = addressLabel(old.address);
    const a1 = addressLabel(e.address);
    if (a0 !== a1) {
      diff.changedAddress++;
      entries.push({ electorId: e.id, label: electorLabel(e), change: 'address', before: a0, after: a1 });
    }
  }
  // What is left in `before` (in the current list's order) is no longer on the extract.
  for (const old of before.values()) {
    diff.removed++;
    entries.push({ electorId: old.id, label: electorLabel(old), change: 'removed' });
  }
  // Plain code-point order: a locale collator costs seconds on a first import of 100 000 entries.
  entries.sort((x, y) => ORDER[x.change] - ORDER[y.change] || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
  return { diff, entries };
}
