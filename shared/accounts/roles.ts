/**
 * Roles inside a commune, the services a commune can opt into, and what each
 * role may do. The hub enforces these on every route; the client uses the same
 * table to hide what a role may not use.
 */
export const SERVICES = [
  'electoral', // listes électorales
  'cadastre',
  'acts', // contrôle de légalité
  'parapheur',
  'helios',
  'marches', // marchés publics
  'alertes', // alertes aux habitants
  'infos', // fiches juridiques et offres d'emploi
  'assistance',
] as const;
export type Service = (typeof SERVICES)[number];

export const SERVICE_LABELS: Record<Service, string> = {
  electoral: 'Listes électorales',
  cadastre: 'Cadastre',
  acts: 'Contrôle de légalité (ACTES)',
  parapheur: 'Parapheur électronique',
  helios: 'Flux comptables Hélios',
  marches: 'Marchés publics',
  alertes: 'Alertes aux habitants',
  infos: 'Fiches juridiques et emploi',
  assistance: 'Guide et assistance à distance',
};

export const COMMUNE_ROLES = ['maire', 'secretaire', 'consultation'] as const;
export type CommuneRole = (typeof COMMUNE_ROLES)[number];

export const ROLE_LABELS: Record<CommuneRole, string> = {
  maire: 'Maire',
  secretaire: 'Secrétaire de mairie',
  consultation: 'Consultation',
};

export type Permission =
  | 'users.manage' // create / disable accounts, revoke devices
  | 'electoral.read' // personal data of electors
  | 'electoral.import'
  | 'electoral.demand'
  | 'acts.read' // acts are public documents once adopted: every role may follow them
  | 'acts.draft'
  | 'acts.transmit'; // sign and send to the prefecture: the mayor (or a delegate)

/**
 * Transitional: the domains declare their permissions (shared/<domain>/domain.ts) and the registry
 * answers `permissionsOf`/`can`; the hub uses only the registry. The PC's session still reads this
 * table until the client moves to the registry (it lacks `electoral.decide`).
 */
const PERMISSIONS: Record<CommuneRole, readonly Permission[]> = {
  maire: ['users.manage', 'electoral.read', 'electoral.import', 'electoral.demand', 'acts.read', 'acts.draft', 'acts.transmit'],
  secretaire: ['electoral.read', 'electoral.import', 'electoral.demand', 'acts.read', 'acts.draft'],
  // A councillor or helper who sees the services and the sync state, never personal data.
  consultation: ['acts.read'],
};

export function permissionsOf(role: CommuneRole): readonly Permission[] {
  return PERMISSIONS[role];
}
