import { electoralDomain } from '../../../shared/electoral/domain.js';
import { defineUi } from '../nav/ui-spec.js';
import { DemandForm } from './DemandForm.js';
import { DemandReminders } from './DemandReminders.js';
import { DemandScreen } from './DemandScreen.js';
import { DemandsScreen } from './DemandsScreen.js';
import { ElectorScreen } from './ElectorScreen.js';
import { ImportScreen } from './ImportScreen.js';
import { PollReminders } from './PollReminders.js';
import { PollsScreen } from './PollsScreen.js';
import { resetPolls } from './polls-store.js';
import { RegistersScreen } from './RegistersScreen.js';
import { SearchScreen } from './SearchScreen.js';
import { useDemands, useImport, useSearch } from './store.js';

export type ElectoralRoute =
  | { name: 'search' }
  | { name: 'elector'; id: string }
  | { name: 'import' }
  | { name: 'demands' }
  | { name: 'demand'; id: string }
  | { name: 'demand-new'; electorId: string | null }
  | { name: 'polls' }
  | { name: 'registers' };

/** Listes électorales: the screens of the electoral domain. */
export const electoralUi = defineUi<ElectoralRoute>()({
  domain: electoralDomain,
  group: 'Listes électorales',
  screens: {
    search: { title: 'Rechercher un électeur', permission: 'electoral.read', menu: 'Rechercher', render: () => <SearchScreen /> },
    elector: { title: 'Fiche électeur', permission: 'electoral.read', parent: 'search', render: (r) => <ElectorScreen id={r.id} /> },
    demands: { title: 'Demandes', permission: 'electoral.read', menu: 'Demandes', render: () => <DemandsScreen /> },
    demand: { title: 'Demande', permission: 'electoral.read', parent: 'demands', render: (r) => <DemandScreen key={r.id} id={r.id} /> },
    'demand-new': {
      title: 'Nouvelle demande',
      permission: 'electoral.demand',
      parent: 'demands',
      render: (r) => <DemandForm key={r.electorId ?? 'new'} electorId={r.electorId} />,
    },
    import: { title: 'Importer la liste électorale', permission: 'electoral.import', menu: 'Importer', render: () => <ImportScreen /> },
    polls: { title: 'Scrutins', permission: 'electoral.read', menu: 'Scrutins', render: () => <PollsScreen /> },
    registers: { title: 'Registres électoraux', permission: 'electoral.read', menu: 'Registres', render: () => <RegistersScreen /> },
  },
  homePanel: () => <PollReminders />,
  tiles: [
    {
      text: "Rechercher un électeur, importer l'extrait du REU, saisir les demandes.",
      open: { name: 'search' },
      openLabel: 'Ouvrir les listes électorales',
      denied: 'Votre compte ne donne pas accès aux données des électeurs.',
    },
    {
      title: 'Demandes : délais légaux',
      text: 'Décision sous 5 jours après le dépôt, notification et transmission au REU sous 2 jours après la décision.',
      open: { name: 'demands' },
      openLabel: 'Voir les demandes',
      body: () => <DemandReminders />,
    },
  ],
  reset() {
    // reset(), not setState: a search answer still on its way must not bring names back after logout.
    useSearch.getState().reset();
    useDemands.setState({ items: [], notice: null, error: null });
    useImport.getState().reset();
    resetPolls();
  },
});
