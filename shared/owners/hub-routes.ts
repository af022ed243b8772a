import { z } from 'zod';
import { defineRoutes } from '../api/contract.js';
import { PARCEL_ID_PATTERN } from './parcel-id.js';
import { communicationSchema, REQUESTER_KINDS } from './types.js';

/** What the PC asks before printing a relevé for someone outside the town hall. */
export const communicationRequestSchema = z.object({
  id: z.uuid(),
  requesterName: z.string().trim().min(2).max(120),
  requesterKind: z.enum(REQUESTER_KINDS),
  ownerDnuper: z.string().max(6).nullable(),
  compteId: z.string().max(12),
  parcels: z.array(z.string().regex(PARCEL_ID_PATTERN)).max(500),
  purpose: z.string().trim().min(3).max(300),
});
export type CommunicationRequest = z.infer<typeof communicationRequestSchema>;

export const communicationAnswerSchema = z.object({
  communication: communicationSchema,
  usage: z.object({ week: z.number().int(), month: z.number().int() }),
});

/**
 * The owners domain's hub routes. A communication to a third party is
 * recorded by the hub, under the collectivité's lock, only if the requester
 * is below 5 this calendar week and 10 this calendar month: the count holds
 * across every PC of the commune. The journal export is the mayor's.
 */
export const OWNERS_HUB_ROUTES = defineRoutes({
  ownersCommunicate: {
    method: 'POST',
    path: '/api/v1/owners/communications',
    tag: 'Propriétaires (MAJIC)',
    permission: 'owners.read',
    summary: 'Enregistrer une communication de relevé de propriété à un tiers (compteur R*107 A-3)',
    description:
      'Refusée au-delà de 5 communications par semaine civile et 10 par mois civil pour un même demandeur (heure de Paris) ; un propriétaire pour son propre compte n’est pas compté. Idempotente par identifiant.',
    body: communicationRequestSchema,
    responses: { 200: { description: 'La communication enregistrée et le compte du demandeur.', schema: communicationAnswerSchema } },
    errors: { 403: 'Limite atteinte, ou compte sans l’autorisation du maire.', 404: 'Compte communal inconnu.' },
  },
  ownersJournal: {
    method: 'GET',
    path: '/api/v1/owners/journal.csv',
    tag: 'Propriétaires (MAJIC)',
    permission: 'owners.log',
    summary: 'Exporter le journal des consultations et communications (CSV)',
    responses: { 200: { description: 'Journal, CSV séparé par des points-virgules, UTF-8.', contentType: 'text/csv' } },
  },
});
