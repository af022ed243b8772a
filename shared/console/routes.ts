import { z } from 'zod';
import { defineRoutes } from '../api/contract.js';
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

export const emptySchema = z.object({});

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

/** Every console route, for the OpenAPI document (merged with the core and domain routes). */
export const CONSOLE_ROUTES = { ...CONSOLE_APP_ROUTES, ...CONSOLE_AUTH_ROUTES };
