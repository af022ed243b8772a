import { z } from 'zod';
import { defineRoutes } from '../api/contract.js';
import { AUDIT_ACTIONS, END_REASONS } from './protocol.js';

/**
 * Remote assistance on the hub. The PC creates a session (and gets the code to
 * read over the phone), then opens its WebSocket; the agent opens the console's
 * WebSocket (staff account, not a collectivité's token) and sends the code.
 */
const sessionParams = z.object({ id: z.string().min(1).max(100) });

export const createdSessionSchema = z.object({
  id: z.string().max(100),
  code: z.string().max(10),
  codeExpiresAt: z.string().max(40),
  expiresAt: z.string().max(40),
});

export const historySchema = z
  .array(
    z.object({
      id: z.string().max(100),
      collectivite: z.string().max(200),
      device: z.string().max(200),
      user: z.string().max(200),
      agentName: z.string().max(200).nullable(),
      createdAt: z.string().max(40),
      endedAt: z.string().max(40).nullable(),
      endReason: z.enum(END_REASONS).nullable(),
      actions: z
        .array(
          z.object({
            at: z.string().max(40),
            actor: z.enum(['pc', 'agent', 'hub']),
            action: z.enum(AUDIT_ACTIONS),
            count: z.number().int(),
          }),
        )
        .max(2000),
    }),
  )
  .max(200);

/** Staff roles that may join a session (shared/console/staff.ts). */
export const AGENT_ROLES = ['assistance', 'administrateur'] as const;
const AGENTS = { roles: AGENT_ROLES };

const WS = 'WebSocket (upgrade HTTP/1.1) : messages JSON, un par trame, décrits dans shared/assistance/protocol.ts.';

export const ASSISTANCE_HUB_ROUTES = defineRoutes({
  assistanceCreate: {
    method: 'POST',
    path: '/api/v1/assistance/sessions',
    tag: 'Assistance',
    permission: 'assistance.request',
    summary: "Demander de l'aide : ouvre une session et donne un code à 6 chiffres",
    description: 'Code à usage unique, valable 10 minutes ; 5 demandes par poste et par 10 minutes au plus.',
    responses: { 201: { description: 'La session et son code.', schema: createdSessionSchema } },
    errors: { 429: 'Trop de demandes d’aide depuis ce poste : patientez quelques minutes.' },
  },
  assistanceHistory: {
    method: 'GET',
    path: '/api/v1/assistance/sessions',
    tag: 'Assistance',
    permission: 'assistance.history',
    summary: "Les sessions d'assistance passées de la collectivité, avec leurs actions",
    responses: { 200: { description: 'Les 200 dernières sessions.', schema: historySchema } },
  },
  assistancePcSocket: {
    method: 'GET',
    path: '/api/v1/assistance/sessions/:id/socket',
    tag: 'Assistance',
    permission: 'assistance.request',
    summary: 'Le canal du poste pour sa session (sortant : le poste reste derrière la box de la mairie)',
    description: WS,
    params: sessionParams,
    responses: { 101: { description: 'Connexion WebSocket établie.' } },
  },
  assistanceAgentSocket: {
    method: 'GET',
    path: '/console/api/assistance/socket',
    tag: 'Assistance',
    console: AGENTS,
    summary: "Le canal de l'agent du département (compte de la console, pas un jeton de collectivité)",
    description: `${WS} Premier message : { "t": "join", "code": "123456" }.`,
    responses: { 101: { description: 'Connexion WebSocket établie.' } },
  },
  assistanceConsoleSessions: {
    method: 'GET',
    path: '/console/api/assistance/sessions',
    tag: 'Assistance',
    console: AGENTS,
    summary: "Les dernières sessions d'assistance de toutes les collectivités, avec leurs actions",
    responses: { 200: { description: 'Les 200 dernières sessions.', schema: historySchema } },
  },
});
