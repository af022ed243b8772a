import { ownersDomain } from '../../../shared/owners/domain.js';
import { defineUi } from '../nav/ui-spec.js';
import { CompteScreen } from './CompteScreen.js';
import { JournalScreen } from './JournalScreen.js';
import { OwnersScreen } from './OwnersScreen.js';
import { ParcelOwnersScreen } from './ParcelOwnersScreen.js';
import { resetOwners } from './store.js';

export type OwnersRoute =
  | { name: 'owners' }
  | { name: 'owners-compte'; id: string }
  | { name: 'owners-parcel'; parcel: string }
  | { name: 'owners-journal' };

const DENIED = "Vous n'avez pas l'autorisation de consulter les propriétaires. Le maire la donne, compte par compte, dans « Comptes ».";

/**
 * Propriétaires du cadastre (MAJIC): personal data, only for the users the
 * mayor named (`owners.read`); the log is the mayor's (`owners.log`).
 */
export const ownersUi = defineUi<OwnersRoute>()({
  domain: ownersDomain,
  group: 'Propriétaires (MAJIC)',
  screens: {
    owners: { title: 'Propriétaires', permission: 'owners.read', menu: 'Propriétaires', denied: DENIED, render: () => <OwnersScreen /> },
    'owners-compte': {
      title: 'Compte communal',
      permission: 'owners.read',
      parent: 'owners',
      denied: DENIED,
      render: (r) => <CompteScreen key={r.id} id={r.id} />,
    },
    'owners-parcel': {
      title: "Propriétaires d'une parcelle",
      permission: 'owners.read',
      parent: 'owners',
      denied: DENIED,
      render: (r) => <ParcelOwnersScreen key={r.parcel} parcel={r.parcel} />,
    },
    'owners-journal': {
      title: 'Journal des consultations',
      permission: 'owners.log',
      menu: 'Journal des consultations',
      render: () => <JournalScreen />,
    },
  },
  tiles: [
    {
      title: 'Propriétaires (MAJIC)',
      text: 'Trouver les propriétaires d’une parcelle ou les parcelles d’un propriétaire, imprimer un relevé de propriété — données personnelles, sur autorisation du maire.',
      open: { name: 'owners' },
      openLabel: 'Rechercher un propriétaire',
    },
  ],
  reset: resetOwners,
});
