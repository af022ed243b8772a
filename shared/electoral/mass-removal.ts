/**
 * An REU import replaces the whole list. A wrong file (another list type, an
 * extract cut short, a test export) may remove nearly everyone while looking
 * like a routine update: such an import must be confirmed explicitly. The PC
 * shows the warning and refuses `electoral:import-commit` without
 * `confirmMassRemoval: true`; the rule lives here so every side reads it the same.
 */

/** More than this share of the current list removed asks for a confirmation… */
export const MASS_REMOVAL_SHARE = 0.1;
/** …once at least this many electors leave (2 of a 12-elector test list is ordinary). */
export const MASS_REMOVAL_MIN = 10;

export interface RemovalShare {
  /** Electors on the list before the import. */
  currentTotal: number;
  /** Electors of the current list absent from the file. */
  removed: number;
  /** removed / currentTotal, 0 for an empty list. */
  share: number;
  /** The import needs an explicit confirmation (confirmMassRemoval). */
  massRemoval: boolean;
}

export function removalShareOf(removed: number, currentTotal: number): RemovalShare {
  const share = currentTotal === 0 ? 0 : removed / currentTotal;
  return { currentTotal, removed, share, massRemoval: removed >= MASS_REMOVAL_MIN && share > MASS_REMOVAL_SHARE };
}

/** What the secretary ticks to confirm, in words: the same sentence on screen and in the refusal. */
export function massRemovalConfirmation(removed: number): string {
  return `J'ai compris que ${removed.toLocaleString('fr-FR')} électeur${removed > 1 ? 's' : ''} ${removed > 1 ? 'seront retirés' : 'sera retiré'} de la liste.`;
}

/** The refusal of an unconfirmed mass removal, or null when the import may go on. */
export function checkMassRemoval(
  r: RemovalShare,
  confirmed: boolean,
): { code: 'confirmation_required'; message: string; detail: string } | null {
  if (!r.massRemoval || confirmed) return null;
  const percent = Math.round(r.share * 100);
  return {
    code: 'confirmation_required',
    message: `Cet import retirerait ${r.removed.toLocaleString('fr-FR')} électeurs sur ${r.currentTotal.toLocaleString('fr-FR')} (${percent} % de la liste) : vérifiez le fichier, puis confirmez explicitement ce retrait.`,
    detail: `mass removal ${r.removed}/${r.currentTotal} not confirmed`,
  };
}
