import { cadastreDomain } from '../../../shared/cadastre/domain.js';
import { defineUi } from '../nav/ui-spec.js';
import { CadastreScreen } from './CadastreScreen.js';
import { useCadastre } from './store.js';

/** `parcel`: a parcel id to open at once (from another screen, e.g. a compte of owners). */
export type CadastreRoute = { name: 'cadastre'; parcel?: string };

/** Le plan cadastral (open data): one screen, search + map + fiche. */
export const cadastreUi = defineUi<CadastreRoute>()({
  domain: cadastreDomain,
  group: 'Cadastre',
  screens: {
    cadastre: {
      title: 'Plan cadastral',
      permission: 'cadastre.read',
      menu: 'Plan cadastral',
      render: (r) => <CadastreScreen parcel={r.parcel} />,
    },
  },
  tiles: [
    {
      text: 'Trouver une parcelle (section et numéro, lieu-dit, adresse), la voir sur le plan, imprimer son relevé — même sans connexion.',
      open: { name: 'cadastre' },
      openLabel: 'Ouvrir le plan cadastral',
    },
  ],
  reset() {
    useCadastre.setState({ overview: null, query: '', hits: [], fiche: null, error: null, busy: false });
  },
});
