import { type CommuneRole, ROLE_LABELS, SERVICE_LABELS, SERVICES, type Service } from './roles.js';

/**
 * The tenant of the platform is the collectivité, keyed by its SIREN: a
 * commune (with its INSEE code), an EPCI (communauté de communes,
 * d'agglomération…, from the official list) or another grouping the
 * département declares (a syndicat). A grouping's territory is its member
 * communes. The hub enforces these rules; the PC and the renderer read them
 * to show only what applies.
 */
export const COLLECTIVITE_KINDS = ['commune', 'epci', 'syndicat'] as const;
export type CollectiviteKind = (typeof COLLECTIVITE_KINDS)[number];

export const KIND_LABELS: Record<CollectiviteKind, string> = {
  commune: 'Commune',
  epci: 'Intercommunalité (EPCI)',
  syndicat: 'Syndicat',
};

/** Code officiel géographique of a commune: 5 characters, Corsica's 2A/2B included (e.g. 10387, 2A004). */
export const INSEE_PATTERN = /^[0-9][0-9AB][0-9]{3}$/;
/** SIREN: 9 digits. */
export const SIREN_PATTERN = /^[0-9]{9}$/;

/**
 * Services only a commune may use. The electoral list is the mayor's to keep
 * and decide on: a grouping never holds it, not even its member communes'.
 */
const COMMUNE_ONLY: readonly Service[] = ['electoral'];

/** The services a collectivité of this kind may opt into. */
export function servicesFor(kind: CollectiviteKind): readonly Service[] {
  return kind === 'commune' ? SERVICES : SERVICES.filter((s) => !COMMUNE_ONLY.includes(s));
}

/** `services` cut down to what `kind` may use: what the hub grants even if a stored row says more. */
export function allowedServices(kind: CollectiviteKind, services: readonly Service[]): Service[] {
  const allowed = servicesFor(kind);
  return services.filter((s) => allowed.includes(s));
}

/** The French refusal for opting `kind` into services it may not use, or null when all are allowed. */
export function servicesRefusal(kind: CollectiviteKind, services: readonly Service[]): string | null {
  const refused = services.filter((s) => !servicesFor(kind).includes(s));
  if (refused.length === 0) return null;
  const names = refused.map((s) => `« ${SERVICE_LABELS[s]} »`).join(', ');
  return refused.length === 1
    ? `Le service ${names} est réservé aux communes : une intercommunalité ou un syndicat ne peut pas l'activer.`
    : `Les services ${names} sont réservés aux communes : une intercommunalité ou un syndicat ne peut pas les activer.`;
}

/** How a role is called in this kind of collectivité: the head of a grouping is its président. */
export function roleLabel(kind: CollectiviteKind | undefined, role: CommuneRole): string {
  if (role === 'maire' && kind !== undefined && kind !== 'commune') return 'Président';
  return ROLE_LABELS[role];
}

/**
 * The code a user types to log in and that names the PC's replica: a
 * commune's INSEE code, a grouping's SIREN (the two never collide: 5 and 9
 * characters).
 */
export function collectiviteCode(c: { insee: string | null; siren: string }): string {
  return c.insee ?? c.siren;
}

/** A typed login code as the hub's login request expects it. */
export function loginKey(code: string): { insee: string } | { siren: string } {
  const trimmed = code.trim().toUpperCase();
  return SIREN_PATTERN.test(trimmed) ? { siren: trimmed } : { insee: trimmed };
}
