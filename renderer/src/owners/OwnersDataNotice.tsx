import type { OwnersState } from '../../../shared/owners/ipc.js';
import { formatDateTime } from '../ui/format.js';

/** Where the owners on this PC come from, or why there are none yet. */
export function OwnersDataNotice({ state }: { state: OwnersState | null }) {
  if (!state) return null;
  return (
    <>
      {state.notice && (
        <p className="alert" role="status">
          {state.notice}
        </p>
      )}
      <p className="muted">
        {state.comptes === 0
          ? 'Les propriétaires ne sont pas encore arrivés sur ce poste : ils viennent du hub du département (fichiers MAJIC de la DGFiP) à la prochaine synchronisation.'
          : `${state.comptes.toLocaleString('fr-FR')} comptes communaux, MAJIC millésime ${state.millesime ?? '—'}${
              state.importedAt ? `, chargé le ${formatDateTime(state.importedAt)}` : ''
            }. Données personnelles : à consulter pour les besoins du service seulement.`}
      </p>
    </>
  );
}
