import { accountsDomain } from '../../../shared/accounts/domain.js';
import { defineUi } from '../nav/ui-spec.js';
import { DevicesScreen } from './DevicesScreen.js';
import { MyAccountScreen } from './MyAccountScreen.js';
import { useAccounts } from './store.js';
import { UsersScreen } from './UsersScreen.js';

export type AccountsRoute = { name: 'users' } | { name: 'devices' } | { name: 'account' };

/** Accounts and devices of the collectivité: always on, the mayor's administration. */
export const accountsUi = defineUi<AccountsRoute>()({
  domain: accountsDomain,
  group: 'Administration',
  screens: {
    users: { title: 'Comptes', permission: 'users.manage', menu: 'Comptes', render: () => <UsersScreen /> },
    devices: { title: 'Postes', permission: 'users.manage', menu: 'Postes', render: () => <DevicesScreen /> },
    account: { title: 'Mon compte', permission: null, menu: 'Mon compte', render: () => <MyAccountScreen /> },
  },
  tiles: [
    {
      title: 'Comptes',
      text: 'Créer un compte pour la secrétaire ou un élu, désactiver un compte.',
      open: { name: 'users' },
      openLabel: 'Gérer les comptes',
    },
    {
      title: 'Postes',
      text: 'Voir les ordinateurs reliés à la commune, révoquer un poste perdu.',
      open: { name: 'devices' },
      openLabel: 'Gérer les postes',
    },
  ],
  reset() {
    useAccounts.setState({ users: [], devices: [], notice: null, error: null, shownPasswords: null });
  },
});
