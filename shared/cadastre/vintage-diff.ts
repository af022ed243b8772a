import { bboxesTouch, bboxOf, containsPoint, interiorPoint } from './geometry.js';
import type { ParcelRecord, VintageDiff } from './records.js';

/**
 * What a new vintage changes in a commune's parcels. A division is one
 * parcel gone whose ground now carries several new ones (each new parcel's
 * interior point lies in the old one); a merge is the reverse. Found by
 * geometry, since the DGFiP gives new numbers and the PCI vecteur carries
 * no lineage (MAJIC's parent parcels are not open data).
 */
export interface ParcelChanges {
  added: ParcelRecord[];
  removed: string[];
  changed: ParcelRecord[];
  diff: VintageDiff;
}

const LIST_CAP = 2_000;
const PAIR_CAP = 500;

export function diffParcels(
  previous: ReadonlyMap<string, string>,
  next: readonly ParcelRecord[],
  previousVintage: string | null,
): ParcelChanges {
  const nextIds = new Set<string>(next.map((p) => p.id));
  const added = next.filter((p) => !previous.has(p.id));
  const changed = next.filter((p) => previous.has(p.id) && previous.get(p.id) !== JSON.stringify(p));
  const removed = [...previous.keys()].filter((id) => !nextIds.has(id));
  const removedRecords = removed.map((id) => JSON.parse(previous.get(id) as string) as ParcelRecord);
  const { divisions, merges } = lineage(removedRecords, added);
  return {
    added,
    removed,
    changed,
    diff: {
      previous: previousVintage,
      counts: { added: added.length, removed: removed.length, changed: changed.length, divisions: divisions.length, merges: merges.length },
      added: added.slice(0, LIST_CAP).map((p) => p.id),
      removed: removed.slice(0, LIST_CAP),
      changed: changed.slice(0, LIST_CAP).map((p) => p.id),
      divisions: divisions.slice(0, PAIR_CAP),
      merges: merges.slice(0, PAIR_CAP),
    },
  };
}

function lineage(gone: readonly ParcelRecord[], born: readonly ParcelRecord[]) {
  const goneBoxes = gone.map((p) => bboxOf(p.geometry));
  const bornBoxes = born.map((p) => bboxOf(p.geometry));
  const bornPoints = born.map((p) => interiorPoint(p.geometry));
  const gonePoints = gone.map((p) => interiorPoint(p.geometry));
  const divisions: VintageDiff['divisions'] = [];
  const merges: VintageDiff['merges'] = [];
  gone.forEach((g, i) => {
    const to = born
      .filter((_, j) => bboxesTouch(goneBoxes[i]!, bornBoxes[j]!) && containsPoint(g.geometry, bornPoints[j]!))
      .map((b) => b.id);
    if (to.length >= 2) divisions.push({ from: g.id, to: to.slice(0, LIST_CAP) });
  });
  born.forEach((b, j) => {
    const from = gone
      .filter((_, i) => bboxesTouch(goneBoxes[i]!, bornBoxes[j]!) && containsPoint(b.geometry, gonePoints[i]!))
      .map((g) => g.id);
    if (from.length >= 2) merges.push({ from: from.slice(0, LIST_CAP), to: b.id });
  });
  return { divisions, merges };
}
