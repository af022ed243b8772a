/**
 * Roles inside a commune, the services a commune can opt into, and what each
 * role may do. The hub enforces these on every route; the client uses the same
 * table to hide what a role may not use.
 */
export const SERVICES = [
  'electoral', // listes électorales
  'cadastre',
  'majic', // propriétaires du cadastre (données personnelles)
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
  majic: 'Cadastre — propriétaires (MAJIC)',
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

/** A permission some domain declares (shared/<domain>/domain.ts); the registry says which roles hold it. */
export type { Permission } from '../domains.js';
