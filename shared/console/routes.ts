import { z } from 'zod';
import { defineRoutes } from '../api/contract.js';
import {
  auditEntrySchema,
  auditQuerySchema,
  collectiviteSettingsSchema,
  consoleCollectiviteSchema,
  consoleTransmissionSchema,
  deviceReportSchema,
  devicePosteSchema,
  resolveRequestSchema,
  rolloutRequestSchema,
  updateChannelSchema,
  updatesViewSchema,
} from './views.js';
import { consoleLoginRequestSchema, consoleLoginResponseSchema, STAFF_ROLES, staffInfoSchema } from './staff.js';

/**
 * The département's console HTTP contract (`/console/api/…`), served by the hub next to the
 * collectivités' API and in the same OpenAPI document. Console routes take the staff session
 * cookie only (hub-server/console/staff-auth.ts); a collectivité's bearer never opens them.
 */
export const CONSOLE_API_PREFIX = '/console/api';
const ANY_STAFF = { roles: STAFF_ROLES };
export const ADMIN_ONLY = { roles: ['administrateur'] as const };

export const CONSOLE_AUTH_ROUTES = defineRoutes({
  consoleLogin: {
    method: 'POST',
    path: `${CONSOLE_API_PREFIX}/session`,
    tag: 'Console du département',
    public: true,
    summary: 'Se connecter à la console (identifiant, mot de passe, code à usage unique)',
    description:
      "Sans second facteur encore enregistré, la réponse donne le secret et son QR code ; la même demande renvoyée avec un code valide l'enregistre et ouvre la session. Limité en fréquence par adresse IP et identifiant.",
    body: consoleLoginRequestSchema,
    responses: {
      200: {
        description: 'Connecté (cookie de session posé), ou le code demandé, ou l’enrôlement du second facteur.',
        schema: consoleLoginResponseSchema,
        headers: { 'set-cookie': 'guichet_console=… ; HttpOnly ; SameSite=Strict ; Path=/console (Secure en HTTPS)' },
      },
    },
    errors: { 401: 'Identifiant, mot de passe ou code incorrect.', 429: 'Trop de tentatives de connexion.' },
  },
  consoleLogout: {
    method: 'POST',
    path: `${CONSOLE_API_PREFIX}/logout`,
    tag: 'Console du département',
    console: ANY_STAFF,
    summary: 'Fermer la session de la console',
    responses: { 204: { description: 'Session fermée, cookie effacé.' } },
  },
  consoleMe: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/me`,
    tag: 'Console du département',
    console: ANY_STAFF,
    summary: 'L’agent connecté et son rôle',
    responses: { 200: { description: 'L’agent.', schema: staffInfoSchema } },
  },
});

/** The console's web app (public files; the data is behind /console/api). */
export const CONSOLE_APP_ROUTES = defineRoutes({
  consoleRoot: {
    method: 'GET',
    path: '/console',
    tag: 'Console du département',
    public: true,
    summary: 'Redirige vers /console/',
    responses: { 302: { description: 'Vers la console.' } },
  },
  consoleFiles: {
    method: 'GET',
    path: '/console/*',
    tag: 'Console du département',
    public: true,
    summary: 'Les fichiers de l’application web de la console (page, scripts, styles)',
    responses: { 200: { description: 'Le fichier.', contentType: 'text/html' } },
    errors: { 404: 'Fichier introuvable.', 503: 'La console n’est pas construite.' },
  },
});

const TAG = 'Console du département';
const codeParams = z.object({ code: z.string().min(1).max(20) });
const idParams = z.object({ id: z.string().min(1).max(100) });
const channelParams = z.object({ channel: updateChannelSchema });

/** The console's data and actions (every action writes an audit row). */
export const CONSOLE_DATA_ROUTES = defineRoutes({
  consoleCollectivites: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/collectivites`,
    tag: TAG,
    console: ANY_STAFF,
    summary: 'Les collectivités : convention, services, codes d’inscription, comptes, canal de mise à jour',
    responses: { 200: { description: 'Les collectivités.', schema: z.array(consoleCollectiviteSchema).max(5000) } },
  },
  consoleCollectiviteSettings: {
    method: 'PUT',
    path: `${CONSOLE_API_PREFIX}/collectivites/:code/settings`,
    tag: TAG,
    console: ADMIN_ONLY,
    summary: 'Changer la date de convention ou le canal de mise à jour (stable, pilote) d’une collectivité',
    params: codeParams,
    body: collectiviteSettingsSchema,
    responses: { 200: { description: 'La collectivité.', schema: consoleCollectiviteSchema } },
  },
  consoleEnrollmentCode: {
    method: 'POST',
    path: `${CONSOLE_API_PREFIX}/collectivites/:code/enrollment-code`,
    tag: TAG,
    console: ADMIN_ONLY,
    summary: 'Émettre un code d’inscription (premier compte de la collectivité)',
    params: codeParams,
    responses: {
      200: {
        description: 'Le code, montré une seule fois.',
        schema: z.object({ code: z.string().max(40), expiresAt: z.string().max(40) }),
      },
    },
  },
  consolePostes: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/postes`,
    tag: TAG,
    console: ANY_STAFF,
    summary: 'Les postes : version, système, dernière synchronisation, modifications en attente, dernière erreur',
    responses: { 200: { description: 'Les postes.', schema: z.array(devicePosteSchema).max(20_000) } },
  },
  consoleActsQueue: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/actes`,
    tag: TAG,
    console: ANY_STAFF,
    summary: 'Les transmissions ACTES en échec ou incertaines, toutes collectivités',
    responses: { 200: { description: 'Les transmissions.', schema: z.array(consoleTransmissionSchema).max(500) } },
  },
  consoleActRequeue: {
    method: 'POST',
    path: `${CONSOLE_API_PREFIX}/actes/:id/requeue`,
    tag: TAG,
    console: ADMIN_ONLY,
    summary: 'Relancer une transmission (incertaine : la même archive ; en échec : reconstruite)',
    description:
      'Jamais deux fois ce que la préfecture a reçu : refusé si elle en a accusé réception ou si une autre transmission du même acte est en cours ou reçue.',
    params: idParams,
    responses: { 204: { description: 'Relancée.' } },
    errors: { 404: 'Transmission inconnue.', 409: 'Déjà reçue, déjà relancée ou changée entre-temps.' },
  },
  consoleActResolve: {
    method: 'POST',
    path: `${CONSOLE_API_PREFIX}/actes/:id/resolve`,
    tag: TAG,
    console: ADMIN_ONLY,
    summary: 'Résoudre une transmission incertaine après vérification sur @CTES : reçue ou absente',
    params: idParams,
    body: resolveRequestSchema,
    responses: { 204: { description: 'Résolue.' } },
    errors: { 404: 'Transmission inconnue.', 409: 'Elle n’est plus incertaine.' },
  },
  consoleUpdates: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/updates`,
    tag: TAG,
    console: ANY_STAFF,
    summary: 'Les canaux de mise à jour (version, déploiement progressif, pause) et le parc par version',
    responses: { 200: { description: 'Canaux et parc.', schema: updatesViewSchema } },
  },
  consoleRollout: {
    method: 'PUT',
    path: `${CONSOLE_API_PREFIX}/updates/:channel`,
    tag: TAG,
    console: ADMIN_ONLY,
    summary: 'Régler le déploiement d’un canal : pourcentage de postes, pause',
    params: channelParams,
    body: rolloutRequestSchema,
    responses: { 200: { description: 'Canaux et parc.', schema: updatesViewSchema } },
  },
  consoleRollback: {
    method: 'POST',
    path: `${CONSOLE_API_PREFIX}/updates/:channel/rollback`,
    tag: TAG,
    console: ADMIN_ONLY,
    summary: 'Retirer la version courante d’un canal : la précédente est de nouveau proposée',
    params: channelParams,
    responses: { 200: { description: 'Canaux et parc.', schema: updatesViewSchema } },
    errors: { 409: 'Aucune version précédente à remettre.' },
  },
  consoleAudit: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/audit`,
    tag: TAG,
    console: ANY_STAFF,
    summary: 'Le journal des actions du département (les plus récentes d’abord)',
    query: auditQuerySchema,
    responses: { 200: { description: 'Les entrées.', schema: z.array(auditEntrySchema).max(500) } },
  },
  consoleAuditExport: {
    method: 'GET',
    path: `${CONSOLE_API_PREFIX}/audit.csv`,
    tag: TAG,
    console: ANY_STAFF,
    summary: 'Exporter tout le journal (CSV, UTF-8, séparateur point-virgule)',
    responses: { 200: { description: 'Le journal.', contentType: 'text/csv' } },
  },
});

/** The PC's report about itself, shown in the console (a collectivité route: bearer of the device). */
export const DEVICE_REPORT_ROUTES = defineRoutes({
  deviceReport: {
    method: 'POST',
    path: '/api/v1/device/report',
    tag: 'Postes',
    summary: 'Le poste dit sa version, son système, sa file en attente, sa dernière erreur et l’état de sa mise à jour',
    description: 'Envoyé après chaque synchronisation ; le poste est celui du jeton. Aucune donnée personnelle.',
    body: deviceReportSchema,
    responses: { 204: { description: 'Noté.' } },
  },
});

/** Every console route, for the OpenAPI document (merged with the core and domain routes). */
export const CONSOLE_ROUTES = { ...CONSOLE_APP_ROUTES, ...CONSOLE_AUTH_ROUTES, ...CONSOLE_DATA_ROUTES, ...DEVICE_REPORT_ROUTES };
