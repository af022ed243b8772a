import { defineDomain } from '../domain/spec.js';
import { accountsInputs, type AccountsChannels } from './ipc.js';

/** Accounts of the collectivité: always on (no service to opt into); the mayor manages users and devices. */
export const accountsDomain = defineDomain<AccountsChannels>()({
  id: 'accounts',
  service: null,
  permissions: {
    'users.manage': { label: 'Gérer les comptes et les postes', roles: ['maire'] },
  },
  collections: {},
  commands: {},
  channels: accountsInputs,
  events: [],
});
