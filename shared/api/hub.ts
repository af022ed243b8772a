import { z } from 'zod';
import {
  changePasswordRequestSchema,
  createUserRequestSchema,
  deviceInfoSchema,
  enrollRequestSchema,
  loginRequestSchema,
  meResponseSchema,
  passwordResetSchema,
  revokeDeviceRequestSchema,
  revokeDeviceResponseSchema,
  sessionGrantSchema,
  userInfoSchema,
} from '../accounts/types.js';
import {
  pullQuerySchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  snapshotQuerySchema,
  snapshotResponseSchema,
} from '../sync/protocol.js';
import { defineRoutes } from './contract.js';

/**
 * The client ↔ hub HTTP contract. Every route is under `/api/v1`, JSON in and
 * out (gzip both ways), authenticated with `Authorization: Bearer <token>`
 * except the public ones (enroll, login, health, the update feed, the OpenAPI
 * document). The collectivité is always taken from the token.
 * Errors answer `ErrorBody` (shared/errors.ts) with a fitting HTTP status.
 * These are the core routes; a domain declares its own in its shared folder
 * (e.g. shared/acts/hub-routes.ts) and shared/domains.ts merges them all
 * into HUB_CONTRACT, the contract the hub serves as OpenAPI.
 */
export const HUB_API_PREFIX = '/api/v1';

/** Path parameter naming an account or a device of the caller's collectivité. */
export const idParamsSchema = z.object({ id: z.string().min(1).max(100) });

/** Path parameters of a nominative grant: the account and the permission (`owners.read`). */
export const grantParamsSchema = z.object({
  id: z.string().min(1).max(100),
  permission: z
    .string()
    .max(100)
    .regex(/^[a-z]+\.[a-z.-]+$/),
});

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  /** Version of the hub (package.json). */
  version: z.string().max(50),
  /** Sync protocol version (PROTOCOL_VERSION). */
  protocol: z.number().int(),
  db: z.enum(['sqlite', 'postgres']),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** An OpenAPI document: checked for its shape by the test, not field by field here. */
const openApiDocumentSchema = z.object({ openapi: z.string().max(20), info: z.object({ title: z.string().max(200) }) }).loose();

export const HUB_ROUTES = defineRoutes({
  health: {
    method: 'GET',
    path: '/health',
    tag: 'Supervision',
    public: true,
    summary: 'État du hub et de sa base de données',
    description: 'Répond 503 quand la base de données est injoignable. Sert à la supervision du département.',
    responses: { 200: { description: 'Le hub et sa base répondent.', schema: healthResponseSchema } },
    errors: { 503: 'La base de données du hub est injoignable.' },
  },
  openapi: {
    method: 'GET',
    path: '/api/v1/openapi.json',
    tag: 'Supervision',
    public: true,
    summary: 'Ce document : le contrat de l’API du hub (OpenAPI 3.1)',
    responses: {
      200: { description: 'Le document OpenAPI, généré à partir des schémas que le hub applique.', schema: openApiDocumentSchema },
    },
  },
  updatesFile: {
    method: 'GET',
    path: '/updates/:file',
    tag: 'Mises à jour',
    public: true,
    summary: 'Flux de mise à jour du poste (latest.yml, installateurs)',
    description:
      "Servi seulement si le hub a un dossier de mises à jour. Lu par electron-updater : d'abord latest.yml (Windows) ou latest-linux.yml, puis le fichier qu'il nomme.",
    params: z.object({
      file: z
        .string()
        .min(1)
        .max(201)
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/),
    }),
    responses: { 200: { description: 'Le fichier demandé.', contentType: 'application/octet-stream' } },
    errors: { 404: "Ce fichier de mise à jour n'existe pas." },
  },
  enroll: {
    method: 'POST',
    path: '/api/v1/enroll',
    tag: 'Comptes',
    public: true,
    summary: "Inscrire un poste avec un code d'inscription (crée le compte du maire)",
    description: "Le code, remis par le service départemental, ne sert qu'une fois. Limité en fréquence par adresse IP.",
    body: enrollRequestSchema,
    responses: { 200: { description: 'Session ouverte : le jeton n’est montré qu’une fois.', schema: sessionGrantSchema } },
    errors: { 403: "Code d'inscription inconnu, expiré ou déjà utilisé.", 429: "Trop de tentatives d'inscription." },
  },
  login: {
    method: 'POST',
    path: '/api/v1/login',
    tag: 'Comptes',
    public: true,
    summary: 'Se connecter (code INSEE, identifiant, mot de passe) et ouvrir une session sur ce poste',
    body: loginRequestSchema,
    responses: { 200: { description: 'Session ouverte : le jeton n’est montré qu’une fois.', schema: sessionGrantSchema } },
    errors: { 401: 'Identifiant ou mot de passe incorrect.', 403: 'Compte désactivé.', 429: 'Trop de tentatives de connexion.' },
  },
  logout: {
    method: 'POST',
    path: '/api/v1/logout',
    tag: 'Comptes',
    summary: 'Fermer la session du jeton présenté',
    responses: { 204: { description: 'Session fermée.' } },
  },
  me: {
    method: 'GET',
    path: '/api/v1/me',
    tag: 'Comptes',
    summary: 'Le compte, la collectivité et le poste du jeton présenté',
    responses: { 200: { description: 'Qui appelle.', schema: meResponseSchema } },
  },
  listUsers: {
    method: 'GET',
    path: '/api/v1/users',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Comptes de la collectivité',
    responses: { 200: { description: 'Les comptes, par identifiant.', schema: z.array(userInfoSchema).max(10_000) } },
  },
  createUser: {
    method: 'POST',
    path: '/api/v1/users',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Créer un compte dans la collectivité',
    body: createUserRequestSchema,
    responses: { 200: { description: 'Le compte créé.', schema: userInfoSchema } },
    errors: { 409: 'Cet identifiant est déjà pris dans la collectivité.' },
  },
  disableUser: {
    method: 'POST',
    path: '/api/v1/users/:id/disable',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Désactiver un compte (ses sessions sont fermées)',
    params: idParamsSchema,
    responses: { 200: { description: 'Le compte désactivé.', schema: userInfoSchema } },
    errors: { 404: 'Compte introuvable dans la collectivité.', 409: 'On ne désactive pas son propre compte.' },
  },
  grantPermission: {
    method: 'PUT',
    path: '/api/v1/users/:id/grants/:permission',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Donner à un compte une autorisation nominative (ex. consultation des propriétaires)',
    description:
      'Seules les autorisations déclarées « nominatives » par un service se donnent ainsi ; le compte les reçoit à sa prochaine connexion, le hub les applique dès la requête suivante.',
    params: grantParamsSchema,
    responses: { 200: { description: 'Le compte, avec ses autorisations.', schema: userInfoSchema } },
    errors: { 404: 'Compte introuvable dans la collectivité.' },
  },
  withdrawPermission: {
    method: 'DELETE',
    path: '/api/v1/users/:id/grants/:permission',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Retirer une autorisation nominative à un compte (effet immédiat sur le hub)',
    params: grantParamsSchema,
    responses: { 200: { description: 'Le compte, avec ses autorisations.', schema: userInfoSchema } },
    errors: { 404: 'Compte introuvable dans la collectivité.' },
  },
  listDevices: {
    method: 'GET',
    path: '/api/v1/devices',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Postes inscrits de la collectivité',
    responses: { 200: { description: 'Les postes, du plus ancien au plus récent.', schema: z.array(deviceInfoSchema).max(10_000) } },
  },
  revokeDevice: {
    method: 'POST',
    path: '/api/v1/devices/:id/revoke',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Révoquer un poste (ses sessions sont fermées), et au besoin réinitialiser le mot de passe de ses utilisateurs',
    description:
      'Avec `resetPasswords` (poste volé), chaque compte qui a utilisé le poste reçoit un mot de passe provisoire, montré une seule fois, et toutes ses sessions sont fermées ; le compte de l’appelant et les comptes de maire ne sont pas réinitialisés (`notReset`).',
    params: idParamsSchema,
    body: revokeDeviceRequestSchema,
    responses: { 200: { description: 'Le poste révoqué et les mots de passe réinitialisés.', schema: revokeDeviceResponseSchema } },
    errors: { 404: 'Poste introuvable dans la collectivité.' },
  },
  changePassword: {
    method: 'POST',
    path: '/api/v1/me/password',
    tag: 'Comptes',
    summary: 'Changer son propre mot de passe (l’actuel, puis le nouveau)',
    description:
      'Le nouveau mot de passe suit la règle commune (au moins 10 caractères, difficile à deviner). Seule route ouverte, avec `me` et `logout`, tant qu’un mot de passe provisoire n’est pas changé. Les autres sessions du compte sont fermées.',
    body: changePasswordRequestSchema,
    responses: { 200: { description: 'Le compte, mot de passe changé.', schema: userInfoSchema } },
    errors: {
      400: 'Nouveau mot de passe trop facile à deviner (la raison est donnée en français).',
      401: 'Mot de passe actuel incorrect.',
      429: 'Trop de tentatives.',
    },
  },
  resetPassword: {
    method: 'POST',
    path: '/api/v1/users/:id/reset-password',
    tag: 'Comptes',
    permission: 'users.manage',
    summary: 'Donner un mot de passe provisoire à un compte (à changer à sa prochaine connexion)',
    description: 'Le mot de passe provisoire n’est montré qu’une fois. Les sessions du compte sont fermées. Pas pour un compte de maire.',
    params: idParamsSchema,
    responses: { 200: { description: 'Le compte et son mot de passe provisoire.', schema: passwordResetSchema } },
    errors: { 403: 'Compte de maire : le service départemental le réinitialise.', 404: 'Compte introuvable dans la collectivité.' },
  },
  syncPush: {
    method: 'POST',
    path: '/api/v1/sync/push',
    tag: 'Synchronisation',
    summary: 'Envoyer des modifications (idempotent par poste et numéro de modification)',
    description:
      'Chaque modification est appliquée au plus une fois ; un renvoi reçoit le même résultat. Les droits et les règles de chaque collection et commande sont vérifiés ici. Corps jusqu’à 128 Mo une fois décompressé (gzip accepté).',
    body: pushRequestSchema,
    responses: {
      200: {
        description: 'Un résultat par modification : appliquée (nouvelles versions) ou refusée (raison).',
        schema: pushResponseSchema,
      },
    },
  },
  syncPull: {
    method: 'GET',
    path: '/api/v1/sync/pull',
    tag: 'Synchronisation',
    summary: 'Recevoir les changements après un curseur (collections que le rôle peut lire)',
    query: pullQuerySchema,
    responses: { 200: { description: 'Les changements, dans l’ordre du hub.', schema: pullResponseSchema } },
    errors: {
      409: "resync_required : l'historique du poste ne suit plus celui du hub (autre époque, curseur trop ancien) ; reprendre par un instantané.",
    },
  },
  syncSnapshot: {
    method: 'GET',
    path: '/api/v1/sync/snapshot',
    tag: 'Synchronisation',
    summary: 'Copie complète par pages des collections que le rôle peut lire',
    query: snapshotQuerySchema,
    responses: { 200: { description: 'Une page ; `next` demande la suivante, null sur la dernière.', schema: snapshotResponseSchema } },
  },
});

export type HubRouteName = keyof typeof HUB_ROUTES;

/** HTTP status the hub uses for each error code. */
export const STATUS_OF_ERROR = {
  bad_request: 400,
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  service_not_enabled: 403,
  not_found: 404,
  conflict: 409,
  stale_version: 409,
  resync_required: 409,
  upgrade_required: 426,
  rate_limited: 429,
  import_rejected: 422,
  internal: 500,
  hub_unavailable: 503,
  offline: 503,
  mass_deletion_pending: 409,
  confirmation_required: 409,
  password_change_required: 403,
} as const;

/** The error body of every refusal (shared/errors.ts `ErrorBody`), as a schema for the document. */
export const errorBodySchema = z.object({
  /** Stable machine code, for logs and programs. */
  code: z.enum(Object.keys(STATUS_OF_ERROR) as [keyof typeof STATUS_OF_ERROR, ...(keyof typeof STATUS_OF_ERROR)[]]),
  /** Sentence in French, shown as is to the user. */
  message: z.string().max(2000),
  /** Technical precision for the log, never personal data. */
  detail: z.string().max(2000).optional(),
});
