import { OWNERS_CONSULT_COMMAND } from '../shared/owners/domain.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommuneRole } from '../shared/accounts/roles.js';
import { ANSWER_COMMAND, CANCEL_COMMAND, TRANSMIT_COMMAND } from '../shared/acts/commands.js';
import type { ActRecord } from '../shared/acts/records.js';
import { checkActWrite } from '../shared/acts/rules.js';
import { registry } from '../shared/domains.js';
import { checkMassRemoval, removalShareOf } from '../shared/electoral/mass-removal.js';
import { checkDemandWrite } from '../shared/electoral/rules.js';
import type { Bureau, Communication, Consultation, Poll, Procuration } from '../shared/electoral/registers.js';
import type { StreetRange } from '../shared/electoral/streets.js';
import { ELECTORAL_IMPORT_COMMAND } from '../shared/electoral/schemas.js';
import type { Demand, DemandStatus } from '../shared/electoral/types.js';
import { ROLE_REFUSED_MESSAGE } from '../shared/errors.js';
import type { PushResponse, PushResult } from '../shared/sync/protocol.js';
import { actRecord, uniquePdf } from './acts/test-support.js';
import { cadastreFeature, cadastreParcel, cadastreVintage } from './cadastre/test-support.js';
import { makeDemand, makeElector, makeImportRecord } from './electoral/test-fixtures.js';
import { syntheticDecision } from '../shared/electoral/synthetic-demand.js';
import { parisDay } from '../shared/calendar.js';
import { lockCommune, readRecord, writeRecords } from './sync/store.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from './test-support.js';

/**
 * Every rule the PC checks, the hub enforces: each row is a raw request to
 * /api/v1/sync/push, crafted as an attacker would (a secretary's token, a
 * consultation token, a commune without the service), and the answer must be
 * the refusal the UI shows — the same code and French sentence as the shared
 * rule the PC runs — or `applied` for what the role may do, so the table fails
 * both ways. Records a transition starts from are written straight into the
 * hub store.
 */

type Role = CommuneRole;
const ROLES: readonly Role[] = ['maire', 'secretaire', 'consultation'];
type Refusal = { code: string; message: string };
type Outcome = 'applied' | Refusal;

const ROLE: Refusal = { code: 'forbidden', message: ROLE_REFUSED_MESSAGE };
const HUB_WRITTEN: Refusal = {
  code: 'forbidden',
  message:
    'Ces données sont écrites par le hub uniquement (par exemple lors d’un import) : elles ne peuvent pas être modifiées depuis un poste.',
};
const NO_ELECTORAL: Refusal = {
  code: 'service_not_enabled',
  message: "Le service « Listes électorales » n'est pas activé pour votre commune.",
};
const NO_MAJIC: Refusal = {
  code: 'service_not_enabled',
  message: "Le service « Cadastre — propriétaires (MAJIC) » n'est pas activé pour votre commune.",
};
const NO_ACTS: Refusal = {
  code: 'service_not_enabled',
  message: "Le service « Contrôle de légalité (ACTES) » n'est pas activé pour votre commune.",
};

// Demands (shared/electoral/rules.ts).
const MAYOR: Refusal = { code: 'forbidden', message: 'Seul le maire peut accepter ou refuser une demande.' };
const BACK: Refusal = { code: 'invalid_input', message: 'Une demande ne peut pas revenir au statut « Déposée ».' };
const CREATED_CLOSED: Refusal = { code: 'invalid_input', message: 'Une nouvelle demande est toujours enregistrée au statut « Déposée ».' };
const DEMAND_DELETE: Refusal = {
  code: 'forbidden',
  message: 'Une demande ne peut pas être supprimée : passez-la au statut « Abandonnée ».',
};
const SUBJECT: Refusal = {
  code: 'invalid_input',
  message: "L'objet d'une demande déposée ne peut pas être modifié : créez une nouvelle demande.",
};
// The REU import (shared/electoral/mass-removal.ts): 20 seeded electors, a file holding 2 others.
const MASS_SEED = Array.from({ length: 20 }, (_, i) => makeElector(100 + i));
const MASS_REMOVAL = checkMassRemoval(removalShareOf(MASS_SEED.length, MASS_SEED.length), false)!;
const MASS: Refusal = { code: MASS_REMOVAL.code, message: MASS_REMOVAL.message };
const massImport = (confirmMassRemoval?: boolean) => (): Push => ({
  kind: 'command',
  name: ELECTORAL_IMPORT_COMMAND,
  payload: { import: makeImportRecord(3), confirmMassRemoval, electors: [makeElector(1), makeElector(2)] },
  seed: { collection: 'electoral.electors', records: MASS_SEED },
});

const closed = (label: string): Refusal => ({
  code: 'conflict',
  message: `Cette demande est close (${label}) : son statut ne peut plus changer.`,
});
const CLOSED: Partial<Record<DemandStatus, Refusal>> = {
  acceptee: closed('Acceptée'),
  refusee: closed('Refusée'),
  abandonnee: closed('Abandonnée'),
};

// Registers (shared/electoral/registers.ts).
const POLL_DATE: Refusal = { code: 'invalid_input', message: 'La date d’un scrutin enregistré ne change pas : créez un autre scrutin.' };
const COMMISSION: Refusal = {
  code: 'invalid_input',
  message: 'La commission de contrôle se réunit entre le 24e et le 21e jour avant le scrutin.',
};
const PROC_DATES: Refusal = { code: 'invalid_input', message: 'La fin de validité de la procuration précède son début.' };
const PROC_SELF: Refusal = { code: 'invalid_input', message: 'Le mandant ne peut pas être son propre mandataire.' };
const L37_COMMERCIAL: Refusal = {
  code: 'invalid_input',
  message: 'La liste ne se communique qu’à qui s’engage à ne pas en faire un usage commercial (L.37).',
};
const L37_CHANGED: Refusal = {
  code: 'conflict',
  message: 'Le registre des communications (L.37) est un registre : une ligne enregistrée ne peut pas être modifiée.',
};
const L37_DELETE: Refusal = {
  code: 'forbidden',
  message: 'Le registre des communications (L.37) est un registre : une ligne ne peut pas être supprimée.',
};
const L68_LATE: Refusal = {
  code: 'invalid_input',
  message: 'La liste d’émargement se consulte dans les 10 jours qui suivent le scrutin (L.68).',
};
const L68_DELETE: Refusal = {
  code: 'forbidden',
  message: 'Le registre des consultations (L.68) est un registre : une ligne ne peut pas être supprimée.',
};
const BUREAU_DELETE: Refusal = {
  code: 'forbidden',
  message: 'Un bureau de vote ne se supprime pas ici : il disparaît avec le découpage du REU.',
};
// The street table of the découpage (shared/electoral/streets.ts).
const STREET_REVERSED: Refusal = {
  code: 'invalid_input',
  message: 'Voie « Rue de la République » : le dernier numéro (2) précède le premier (40).',
};
const STREET_PARITY: Refusal = {
  code: 'invalid_input',
  message: 'Voie « Rue de la République » : une plage de numéros pairs commence et finit par un numéro pair.',
};
// Content of a demand (shared/electoral/demand-content.ts).
const NO_IDENTITY: Refusal = {
  code: 'invalid_input',
  message:
    "Pièce justificative manquante : « Justificatif d'identité (et de nationalité) ». Joignez le scan ou le PDF avant d’enregistrer.",
};
const NO_DECLARATION: Refusal = {
  code: 'invalid_input',
  message:
    'Pièce justificative manquante : « Déclaration écrite (nationalité, adresse en France, non-déchéance du droit de vote) ». Joignez le scan ou le PDF avant d’enregistrer.',
};
const FUTURE_DEPOSIT: Refusal = { code: 'invalid_input', message: 'La date de dépôt (04/01/2099) ne peut pas être dans le futur.' };
const IMPOSSIBLE_DEPOSIT: Refusal = {
  code: 'invalid_input',
  message: "La date de dépôt n'est pas une date qui existe : écrivez le jour, le mois et l'année, par exemple 14/07/2026.",
};
const NO_DEPOSIT: Refusal = { code: 'invalid_input', message: 'Indiquez la date de dépôt de la demande.' };
const FUTURE_BIRTH: Refusal = { code: 'invalid_input', message: 'La date de naissance ne peut pas être dans le futur.' };
const DECIDED_BEFORE: Refusal = { code: 'invalid_input', message: 'La décision ne peut pas précéder le dépôt de la demande.' };
const NO_REASON: Refusal = { code: 'invalid_input', message: 'Un refus doit être motivé : indiquez le motif (il figure sur la lettre).' };
const PIECE_REMOVED: Refusal = {
  code: 'forbidden',
  message: 'Une pièce justificative ne peut pas être retirée d’une demande (« carte-identite.pdf ») : elle est conservée avec le dossier.',
};
const NOTIFY_UNDECIDED: Refusal = { code: 'invalid_input', message: 'On ne notifie qu’une décision prise.' };
const REU_REFUSED: Refusal = { code: 'invalid_input', message: 'Seule une demande acceptée est transmise au REU.' };
const RECONCILED_EARLY: Refusal = {
  code: 'invalid_input',
  message: 'Une demande ne peut être rapprochée de l’extrait qu’après sa transmission au REU.',
};
const ANSWER_WINDOW: Refusal = {
  code: 'invalid_input',
  message:
    'L’électeur a 15 jours pour répondre au préavis envoyé le 20/11/2026 : la radiation ne peut être décidée qu’à partir du 06/12/2026.',
};
const SET_ONCE: Refusal = {
  code: 'conflict',
  message: 'Cette étape de la demande est déjà enregistrée : sa date et son contenu ne changent plus.',
};

// Acts (shared/acts/rules.ts).
const SIGN: Refusal = { code: 'forbidden', message: 'Seul le maire (ou son délégué) peut signer un acte.' };
const TRANSMIT: Refusal = { code: 'forbidden', message: 'Seul le maire (ou son délégué) peut transmettre un acte à la préfecture.' };
const TAKEN_BACK: Refusal = { code: 'conflict', message: 'Cet acte a déjà été transmis : demandez son annulation.' };
const FROZEN: Refusal = { code: 'conflict', message: 'Cet acte est déjà signé : il ne peut plus être modifié.' };
const ACT_DELETE: Refusal = { code: 'forbidden', message: 'Un acte signé ou transmis ne peut pas être supprimé.' };

/**
 * Every status change of a demand: [from, to, mayor, secretary]. The consultation
 * role is refused every one of them (it may not write demands at all).
 */
const OK = 'applied' as const;
const STATUS_TABLE: [DemandStatus, DemandStatus, Outcome, Outcome][] = [
  ['deposee', 'instruction', OK, OK],
  ['deposee', 'acceptee', OK, MAYOR],
  ['deposee', 'refusee', OK, MAYOR],
  ['deposee', 'abandonnee', OK, OK],
  ['instruction', 'deposee', BACK, BACK],
  ['instruction', 'acceptee', OK, MAYOR],
  ['instruction', 'refusee', OK, MAYOR],
  ['instruction', 'abandonnee', OK, OK],
  ['acceptee', 'deposee', CLOSED.acceptee!, CLOSED.acceptee!],
  ['acceptee', 'instruction', CLOSED.acceptee!, CLOSED.acceptee!],
  ['acceptee', 'refusee', CLOSED.acceptee!, MAYOR],
  ['acceptee', 'abandonnee', CLOSED.acceptee!, CLOSED.acceptee!],
  ['refusee', 'deposee', CLOSED.refusee!, CLOSED.refusee!],
  ['refusee', 'instruction', CLOSED.refusee!, CLOSED.refusee!],
  ['refusee', 'acceptee', CLOSED.refusee!, MAYOR],
  ['refusee', 'abandonnee', CLOSED.refusee!, CLOSED.refusee!],
  ['abandonnee', 'deposee', CLOSED.abandonnee!, CLOSED.abandonnee!],
  ['abandonnee', 'instruction', CLOSED.abandonnee!, CLOSED.abandonnee!],
  ['abandonnee', 'acceptee', CLOSED.abandonnee!, MAYOR],
  ['abandonnee', 'refusee', CLOSED.abandonnee!, MAYOR],
];

/** What a case pushes: a record write (on a record the hub already holds, or not) or a command. */
type Push =
  | { kind: 'upsert'; collection: string; id: string; before: unknown | null; after: unknown }
  | { kind: 'delete'; collection: string; id: string; before: unknown }
  | { kind: 'command'; name: string; payload: unknown; seed?: { collection: string; records: { id: string }[] } };

interface Case {
  what: string;
  role: Role;
  /** A commune that opted into the other service only. */
  commune?: 'electoralOnly' | 'actsOnly';
  push: () => Push;
  expect: Outcome;
}

const byRole = (mayor: Outcome, secretary: Outcome, consultation: Outcome = ROLE) => ({
  maire: mayor,
  secretaire: secretary,
  consultation,
});
/** The consultation role may write nothing at all: its push is refused as a whole, before its body is read. */
const everyRole = (outcome: Outcome) => byRole(outcome, outcome, ROLE);

function casesFor(what: string, outcomes: Record<Role, Outcome>, push: () => Push, commune?: Case['commune']): Case[] {
  return ROLES.map((role) => ({ what, role, commune, push, expect: outcomes[role] }));
}

const demand = (status: DemandStatus, over: Partial<Demand> = {}) => makeDemand({ status, ...over });
const demandWrite = (before: Demand | null, after: Demand): Push => ({
  kind: 'upsert',
  collection: 'electoral.demands',
  id: after.id,
  before,
  after,
});
const demandChange = (from: DemandStatus, over: Partial<Demand>) => () => {
  const before = demand(from);
  // A decision is dated (and a refusal motivated): the fields come with the status change.
  const decision = over.status && before.decisionDate === null ? syntheticDecision(over.status) : {};
  return demandWrite(before, { ...before, ...decision, ...over });
};

/** A radiation in instruction, its notice sent on `noticeDate`, decided on 30/11/2026. */
const radiationDecided =
  (over: Partial<Demand>, to: 'acceptee' | 'refusee' = 'acceptee') =>
  (): Push => {
    const before = demand('instruction', {
      kind: 'radiation',
      electorId: 'E0000001',
      justificatifs: [],
      depositDate: '2026-11-01',
      ...over,
    });
    return demandWrite(before, { ...before, status: to, ...syntheticDecision(to) });
  };

const stampOf = { createdBy: 'secretaire', createdAtLocal: '2026-12-06T10:00:00' };
const poll = (over: Partial<Poll> = {}): Poll => ({
  id: randomUUID(),
  kind: 'municipales',
  label: 'Municipales',
  date: '2027-03-14',
  commissionDate: null,
  ...stampOf,
  ...over,
});
const procuration = (over: Partial<Procuration> = {}): Procuration => ({
  id: randomUUID(),
  bureauCode: '0001',
  mandant: { name: 'MARTIN Jeanne', ine: '123456789', electorId: null },
  mandataire: { name: 'DURAND Paul', ine: '987654321' },
  validFrom: '2027-01-01',
  validTo: '2027-12-31',
  authority: 'Gendarmerie de Troyes',
  source: 'saisie',
  keyedIntoReu: false,
  ...stampOf,
  ...over,
});
const communication = (over: Partial<Communication> = {}): Communication => ({
  id: randomUUID(),
  requester: 'Liste Troyes Demain',
  quality: 'candidat',
  nonCommercialCommitment: true,
  date: '2026-12-04',
  extract: 'Liste principale du 02/12/2026',
  ...stampOf,
  ...over,
});
const consultation = (over: Partial<Consultation> = {}): Consultation => ({
  id: randomUUID(),
  pollId: randomUUID(),
  pollDate: '2026-11-29',
  consultant: 'DUPONT Marc',
  date: '2026-12-06',
  bureauCode: null,
  ...stampOf,
  ...over,
});
let bureauSeq = 1000;
// A fresh code per case: the three roles' cases run on the same commune.
const bureauRecord = (over: Partial<Bureau> = {}): Bureau => ({
  id: String(bureauSeq++),
  label: 'Mairie',
  address: '1 place de la Mairie',
  ...stampOf,
  ...over,
});
const streetLine = (over: Partial<StreetRange> = {}): StreetRange => ({
  id: randomUUID(),
  street: 'Rue de la République',
  from: 2,
  to: 60,
  parity: 'pairs',
  bureauCode: '0001',
  ...stampOf,
  ...over,
});
const write =
  <T extends { id: string }>(collection: string, before: T | null, after: T | null) =>
  (): Push =>
    after ? { kind: 'upsert', collection, id: after.id, before, after } : { kind: 'delete', collection, id: before!.id, before: before! };
const change =
  <T extends { id: string }>(collection: string, make: () => T, edit: Partial<T> | null) =>
  () => {
    const before = make();
    return write(collection, before, edit ? { ...before, ...edit } : null)();
  };

const create =
  <T extends { id: string }>(collection: string, make: () => T) =>
  (): Push => {
    const after = make();
    return { kind: 'upsert', collection, id: after.id, before: null, after };
  };

const signature = { signerName: 'Le maire', signedAtLocal: '2026-11-21T10:00:00', certificateSerial: '01AB' };
const act = (state: 'draft' | 'signed' | 'transmitted'): ActRecord => ({
  ...actRecord({ numero: 'REGLE_1', actFile: uniquePdf(randomUUID()), signed: state !== 'draft' }),
  transmitRequested: state === 'transmitted',
});
const actWrite = (before: ActRecord | null, after: ActRecord): Push => ({
  kind: 'upsert',
  collection: 'acts.acts',
  id: after.id,
  before,
  after,
});
const actChange = (from: 'draft' | 'signed' | 'transmitted', change: (a: ActRecord) => ActRecord) => () => {
  const before = act(from);
  return actWrite(before, change(before));
};

const CASES: Case[] = [
  // ---- electoral.demands ----------------------------------------------------
  ...casesFor('creates a demand « déposée »', byRole(OK, OK), () => demandWrite(null, demand('deposee'))),
  ...casesFor('creates a demand already « acceptée »', byRole(CREATED_CLOSED, CREATED_CLOSED), () => demandWrite(null, demand('acceptee'))),
  ...casesFor('creates a demand already « refusée »', byRole(CREATED_CLOSED, CREATED_CLOSED), () => demandWrite(null, demand('refusee'))),
  ...casesFor('creates a demand « en instruction »', byRole(CREATED_CLOSED, CREATED_CLOSED), () =>
    demandWrite(null, demand('instruction')),
  ),
  ...STATUS_TABLE.flatMap(([from, to, mayor, secretary]) =>
    casesFor(`moves a demand ${from} → ${to}`, byRole(mayor, secretary), demandChange(from, { status: to })),
  ),
  ...casesFor('edits the comment of a demand in instruction', byRole(OK, OK), demandChange('instruction', { comment: 'Pièce reçue.' })),
  ...casesFor('changes the kind of a demand', byRole(SUBJECT, SUBJECT), demandChange('deposee', { kind: 'radiation' })),
  ...casesFor('changes the elector a demand is about', byRole(SUBJECT, SUBJECT), demandChange('deposee', { electorId: 'E0000042' })),
  ...casesFor('changes who deposited a demand', byRole(SUBJECT, SUBJECT), demandChange('instruction', { createdBy: 'quelqu’un' })),
  ...casesFor(
    'accepts a demand and changes its subject at once',
    byRole(SUBJECT, SUBJECT),
    demandChange('deposee', { status: 'acceptee', kind: 'radiation' }),
  ),
  // Content of a demand (shared/electoral/demand-content.ts): refused whole, by the hub too.
  ...casesFor('creates an inscription without its proof of identity', byRole(NO_IDENTITY, NO_IDENTITY), () =>
    demandWrite(null, demand('deposee', { justificatifs: demand('deposee').justificatifs.filter((j) => j.piece !== 'identite') })),
  ),
  ...casesFor('creates an EU inscription without the LO.227-4 declaration', byRole(NO_DECLARATION, NO_DECLARATION), () =>
    demandWrite(null, demand('deposee', { list: 'LCM', nationality: 'BE' })),
  ),
  ...casesFor('creates a demand deposited in the future', byRole(FUTURE_DEPOSIT, FUTURE_DEPOSIT), () =>
    demandWrite(null, demand('deposee', { depositDate: '2099-01-04' })),
  ),
  ...casesFor('creates a demand with a 31st of February', byRole(IMPOSSIBLE_DEPOSIT, IMPOSSIBLE_DEPOSIT), () =>
    demandWrite(null, demand('deposee', { depositDate: '2026-02-31' })),
  ),
  ...casesFor('creates a demand without a deposit date', byRole(NO_DEPOSIT, NO_DEPOSIT), () =>
    demandWrite(null, demand('deposee', { depositDate: null })),
  ),
  ...casesFor('creates an inscription born in the future', byRole(FUTURE_BIRTH, FUTURE_BIRTH), () =>
    demandWrite(null, demand('deposee', { applicant: { ...demand('deposee').applicant, birthDate: '2099-05-01' } })),
  ),
  ...casesFor(
    'accepts a demand with a decision before its deposit',
    byRole(DECIDED_BEFORE, MAYOR),
    demandChange('instruction', { status: 'acceptee', decisionDate: '2026-11-01' }),
  ),
  ...casesFor(
    'refuses a demand without a reason',
    byRole(NO_REASON, MAYOR),
    demandChange('instruction', { status: 'refusee', refusalReason: null }),
  ),
  ...casesFor(
    'removes a justificatif from a demand',
    byRole(PIECE_REMOVED, PIECE_REMOVED),
    demandChange('instruction', { justificatifs: [] }),
  ),
  ...casesFor(
    'notifies an undecided demand',
    byRole(NOTIFY_UNDECIDED, NOTIFY_UNDECIDED),
    demandChange('instruction', { notificationDate: '2026-11-30' }),
  ),
  ...casesFor('notifies an accepted demand', byRole(OK, OK), demandChange('acceptee', { notificationDate: '2026-12-01' })),
  ...casesFor(
    'transmits a refused demand to the REU',
    byRole(REU_REFUSED, REU_REFUSED),
    demandChange('refusee', { reuTransmittedDate: '2026-12-01' }),
  ),
  ...casesFor(
    'marks a demand reconciled before its transmission',
    byRole(RECONCILED_EARLY, RECONCILED_EARLY),
    demandChange('acceptee', {
      reconciliation: { importId: 'imp-1', on: '2026-12-01', electorId: 'E0000001', method: 'identite' },
    }),
  ),
  // The answer window of a radiation notice (shared/electoral/radiation-notice.ts): 15 days before the decision.
  ...casesFor('radiates an elector 10 days after the notice', byRole(ANSWER_WINDOW, MAYOR), radiationDecided({ noticeDate: '2026-11-20' })),
  ...casesFor('radiates an elector 28 days after the notice', byRole(OK, MAYOR), radiationDecided({ noticeDate: '2026-11-02' })),
  ...casesFor(
    'keeps an elector 10 days after the notice (refuses the radiation)',
    byRole(OK, MAYOR),
    radiationDecided({ noticeDate: '2026-11-20' }, 'refusee'),
  ),
  ...casesFor('redates an accepted decision', byRole(SET_ONCE, SET_ONCE), demandChange('acceptee', { decisionDate: '2026-11-29' })),
  ...casesFor('deletes a demand', byRole(DEMAND_DELETE, DEMAND_DELETE), () => {
    const before = demand('deposee');
    return { kind: 'delete', collection: 'electoral.demands', id: before.id, before };
  }),
  ...casesFor('deletes an accepted demand', byRole(DEMAND_DELETE, DEMAND_DELETE), () => {
    const before = demand('acceptee');
    return { kind: 'delete', collection: 'electoral.demands', id: before.id, before };
  }),

  // ---- electoral registers (polls, procurations, L.37, L.68, bureaux) ----------
  ...casesFor(
    'creates a poll',
    byRole(OK, OK),
    create('electoral.polls', () => poll()),
  ),
  ...casesFor('fixes the commission at J-22', byRole(OK, OK), change('electoral.polls', poll, { commissionDate: '2027-02-20' })),
  ...casesFor(
    'fixes the commission at J-10',
    byRole(COMMISSION, COMMISSION),
    change('electoral.polls', poll, { commissionDate: '2027-03-04' }),
  ),
  ...casesFor('moves the date of a poll', byRole(POLL_DATE, POLL_DATE), change('electoral.polls', poll, { date: '2027-03-21' })),
  ...casesFor('deletes a poll created by mistake', byRole(OK, OK), change('electoral.polls', poll, null)),
  ...casesFor(
    'keys in a procuration',
    byRole(OK, OK),
    create('electoral.procurations', () => procuration()),
  ),
  ...casesFor(
    'keys in a procuration ending before it starts',
    byRole(PROC_DATES, PROC_DATES),
    create('electoral.procurations', () => procuration({ validFrom: '2027-06-01', validTo: '2027-05-01' })),
  ),
  ...casesFor(
    'keys in a procuration to oneself',
    byRole(PROC_SELF, PROC_SELF),
    create('electoral.procurations', () => procuration({ mandataire: { name: 'Autre nom', ine: '123456789' } })),
  ),
  ...casesFor('ends a procuration (delete)', byRole(OK, OK), change('electoral.procurations', procuration, null)),
  ...casesFor(
    'records an L.37 communication',
    byRole(OK, OK),
    create('electoral.communications', () => communication()),
  ),
  ...casesFor(
    'records an L.37 communication without the commitment',
    byRole(L37_COMMERCIAL, L37_COMMERCIAL),
    create('electoral.communications', () => communication({ nonCommercialCommitment: false })),
  ),
  ...casesFor(
    'rewrites an L.37 line',
    byRole(L37_CHANGED, L37_CHANGED),
    change('electoral.communications', communication, { requester: 'Autre' }),
  ),
  ...casesFor('deletes an L.37 line', byRole(L37_DELETE, L37_DELETE), change('electoral.communications', communication, null)),
  ...casesFor(
    'records an L.68 consultation at D+7',
    byRole(OK, OK),
    create('electoral.consultations', () => consultation()),
  ),
  ...casesFor(
    'records an L.68 consultation at D+11',
    byRole(L68_LATE, L68_LATE),
    create('electoral.consultations', () => consultation({ date: '2026-12-10', pollDate: '2026-11-29' })),
  ),
  ...casesFor(
    'records an L.68 consultation on the poll day',
    byRole(L68_LATE, L68_LATE),
    create('electoral.consultations', () => consultation({ date: '2026-11-29' })),
  ),
  ...casesFor('deletes an L.68 line', byRole(L68_DELETE, L68_DELETE), change('electoral.consultations', consultation, null)),
  ...casesFor(
    'sets the address of a bureau',
    byRole(OK, OK),
    create('electoral.bureaux', () => bureauRecord()),
  ),
  ...casesFor(
    'changes the address of a bureau',
    byRole(OK, OK),
    change('electoral.bureaux', bureauRecord, { address: '2 rue de l’École' }),
  ),
  ...casesFor('deletes a bureau', byRole(BUREAU_DELETE, BUREAU_DELETE), change('electoral.bureaux', bureauRecord, null)),
  ...casesFor(
    'adds a line to the street table',
    byRole(OK, OK),
    create('electoral.streets', () => streetLine()),
  ),
  ...casesFor(
    'adds a street line ending before it starts',
    byRole(STREET_REVERSED, STREET_REVERSED),
    create('electoral.streets', () => streetLine({ from: 40, to: 2 })),
  ),
  ...casesFor(
    'adds an even street line starting on an odd number',
    byRole(STREET_PARITY, STREET_PARITY),
    create('electoral.streets', () => streetLine({ from: 3 })),
  ),
  ...casesFor('moves a street line to another bureau', byRole(OK, OK), change('electoral.streets', streetLine, { bureauCode: '0002' })),
  ...casesFor(
    'reverses a street line already stored',
    byRole(STREET_REVERSED, STREET_REVERSED),
    change('electoral.streets', streetLine, { from: 40, to: 2 }),
  ),
  ...casesFor('removes a street line', byRole(OK, OK), change('electoral.streets', streetLine, null)),

  // ---- acts.acts ------------------------------------------------------------
  ...casesFor('creates a draft act', byRole(OK, OK), () => actWrite(null, act('draft'))),
  ...casesFor('creates an act already signed', byRole(OK, SIGN), () => actWrite(null, act('signed'))),
  ...casesFor('creates an act already asked to transmit', byRole(OK, TRANSMIT), () =>
    actWrite(null, { ...act('draft'), transmitRequested: true }),
  ),
  ...casesFor(
    'edits the object of a draft act',
    byRole(OK, OK),
    actChange('draft', (a) => ({ ...a, draft: { ...a.draft, objet: 'Autre objet' } })),
  ),
  ...casesFor(
    'signs a draft act',
    byRole(OK, SIGN),
    actChange('draft', (a) => ({ ...a, signature })),
  ),
  ...casesFor(
    'asks to transmit a draft act',
    byRole(OK, TRANSMIT),
    actChange('draft', (a) => ({ ...a, transmitRequested: true })),
  ),
  ...casesFor(
    'asks to transmit a signed act',
    byRole(OK, TRANSMIT),
    actChange('signed', (a) => ({ ...a, transmitRequested: true })),
  ),
  ...casesFor(
    'edits the object of a signed act',
    byRole(FROZEN, FROZEN),
    actChange('signed', (a) => ({ ...a, draft: { ...a.draft, objet: 'Autre objet' } })),
  ),
  ...casesFor(
    'removes the signature of a signed act',
    byRole(FROZEN, SIGN),
    actChange('signed', (a) => ({ ...a, signature: null })),
  ),
  ...casesFor(
    'replaces the signature of a signed act',
    byRole(FROZEN, SIGN),
    actChange('signed', (a) => ({ ...a, signature: { ...signature, certificateSerial: 'FF' } })),
  ),
  ...casesFor(
    'takes back the transmission of an act',
    byRole(TAKEN_BACK, TAKEN_BACK),
    actChange('transmitted', (a) => ({ ...a, transmitRequested: false })),
  ),
  ...casesFor('deletes a draft act', byRole(OK, OK), () => {
    const before = act('draft');
    return { kind: 'delete', collection: 'acts.acts', id: before.id, before };
  }),
  ...casesFor('deletes a signed act', byRole(ACT_DELETE, ACT_DELETE), () => {
    const before = act('signed');
    return { kind: 'delete', collection: 'acts.acts', id: before.id, before };
  }),
  ...casesFor('deletes a transmitted act', byRole(ACT_DELETE, ACT_DELETE), () => {
    const before = act('transmitted');
    return { kind: 'delete', collection: 'acts.acts', id: before.id, before };
  }),

  // ---- collections only the hub writes ---------------------------------------
  ...(
    [
      ['electoral.electors', () => makeElector(Math.floor(Math.random() * 1e6))],
      ['electoral.imports', () => makeImportRecord(1)],
      ['acts.status', () => ({ actId: randomUUID(), id: randomUUID(), state: 'acquitte' })],
      ['acts.classification', () => ({ id: 'current', dateClassification: '2019-04-18', natures: [], matieres: [] })],
      ['cadastre.parcels', () => cadastreParcel()],
      ['cadastre.features', () => ({ ...cadastreFeature(), id: `25354:batiment:${randomUUID().slice(0, 8)}` })],
      ['cadastre.vintages', () => cadastreVintage()],
      ['owners.comptes', () => ({ id: '100034000001', insee: '10034', owners: [] })],
      ['owners.communications', () => ({ id: randomUUID() })],
      ['owners.journal', () => ({ id: randomUUID() })],
      ['owners.imports', () => ({ id: randomUUID() })],
    ] as const
  ).flatMap(([collection, data]) => [
    ...casesFor(`writes ${collection}`, everyRole(HUB_WRITTEN), () => {
      const record = data() as { id: string };
      return { kind: 'upsert', collection, id: record.id, before: null, after: record };
    }),
    ...casesFor(`overwrites ${collection}`, everyRole(HUB_WRITTEN), () => {
      const record = data() as { id: string };
      return { kind: 'upsert', collection, id: record.id, before: record, after: record };
    }),
    ...casesFor(`deletes ${collection}`, everyRole(HUB_WRITTEN), () => {
      const record = data() as { id: string };
      return { kind: 'delete', collection, id: record.id, before: record };
    }),
  ]),

  // ---- commands: their permission comes from the shared declaration ----------
  ...casesFor('imports the REU extract', byRole(OK, OK), () => ({
    kind: 'command',
    name: ELECTORAL_IMPORT_COMMAND,
    payload: { import: makeImportRecord(2), electors: [makeElector(1), makeElector(2)] },
  })),
  // On a commune of its own: the seeded list is exactly MASS_SEED (the crafted command skips the PC's check).
  ...casesFor('imports a file removing the whole list, unconfirmed', byRole(MASS, MASS), massImport(), 'electoralOnly'),
  ...casesFor('imports a file removing the whole list, flag false', byRole(MASS, MASS), massImport(false), 'electoralOnly'),
  ...casesFor('imports a file removing the whole list, confirmed', byRole(OK, OK), massImport(true), 'electoralOnly'),
  ...[TRANSMIT_COMMAND, CANCEL_COMMAND].flatMap((name) =>
    casesFor(
      `runs ${name}`,
      // The mayor passes the permission check; the act is simply not on the hub.
      byRole(
        {
          code: 'not_found',
          message:
            name === TRANSMIT_COMMAND
              ? "Cet acte n'est pas (encore) sur le hub : attendez la fin de la synchronisation puis réessayez."
              : "Cet acte n'a pas été transmis à la préfecture.",
        },
        ROLE,
      ),
      () => ({ kind: 'command', name, payload: { actId: randomUUID() } }),
    ),
  ),
  ...casesFor(
    `runs ${ANSWER_COMMAND}`,
    byRole({ code: 'not_found', message: "Cet acte n'a pas été transmis à la préfecture." }, ROLE),
    () => ({ kind: 'command', name: ANSWER_COMMAND, payload: { actId: randomUUID(), letterId: 'l1', type: '3-2', files: [] } }),
  ),
  // The commune has not signed for MAJIC: nobody logs a consultation, whatever the role or grant.
  ...casesFor('logs an owners consultation without the service', everyRole(NO_MAJIC), () => ({
    kind: 'command',
    name: OWNERS_CONSULT_COMMAND,
    payload: {
      id: randomUUID(),
      kind: 'consultation',
      compteId: '100034000001',
      parcels: [],
      forWhom: 'la commune',
      purpose: 'instruction',
    },
  })),
  ...casesFor(
    'runs a command with a malformed payload',
    byRole({ code: 'invalid_input', message: 'Les données envoyées au hub sont invalides ; l’opération n’a pas été enregistrée.' }, ROLE),
    () => ({ kind: 'command', name: TRANSMIT_COMMAND, payload: { actId: 'pas-un-uuid' } }),
  ),
  ...casesFor(
    'runs a command the hub does not know',
    everyRole({ code: 'bad_request', message: "Cette opération n'est pas reconnue par le hub : mettez Guichet à jour." }),
    () => ({ kind: 'command', name: 'electoral.purge', payload: {} }),
  ),
  ...casesFor(
    'writes a collection the hub does not know',
    everyRole({ code: 'bad_request', message: 'Ces données ne sont pas reconnues par le hub : mettez Guichet à jour.' }),
    () => ({ kind: 'upsert', collection: 'electoral.secrets', id: 'x', before: null, after: { id: 'x' } }),
  ),

  // ---- a commune that did not opt into the service -----------------------------
  ...casesFor('creates a demand without the service', everyRole(NO_ELECTORAL), () => demandWrite(null, demand('deposee')), 'actsOnly'),
  ...casesFor('creates an act without the service', everyRole(NO_ACTS), () => actWrite(null, act('draft')), 'electoralOnly'),
  ...casesFor(
    'imports the REU extract without the service',
    everyRole(NO_ELECTORAL),
    () => ({ kind: 'command', name: ELECTORAL_IMPORT_COMMAND, payload: { import: makeImportRecord(1), electors: [makeElector(1)] } }),
    'actsOnly',
  ),
  ...casesFor(
    'transmits an act without the service',
    everyRole(NO_ACTS),
    () => ({ kind: 'command', name: TRANSMIT_COMMAND, payload: { actId: randomUUID() } }),
    'electoralOnly',
  ),
];

/** What the PC's comfort check answers for the same write (the shared rule), when the role may write at all. */
function sharedRuleRefusal(role: Role, p: Push): Refusal | null {
  if (p.kind === 'command') return null;
  const may = (permission: string) => registry.can(role, permission);
  const after = p.kind === 'delete' ? null : p.after;
  const refusal =
    p.collection === 'electoral.demands'
      ? checkDemandWrite({ before: p.before as Demand | null, after: after as Demand | null, may, today: parisDay(new Date()) })
      : p.collection === 'acts.acts'
        ? checkActWrite({ before: p.before as ActRecord | null, after: after as ActRecord | null, may })
        : (registry.collection(p.collection)?.checkWrite?.({ before: p.before as never, after: after as never, may }) ?? null);
  return refusal && { code: refusal.code, message: refusal.message };
}

describe.each(TEST_BACKENDS)('the hub enforces every rule on a raw push (%s)', (backend) => {
  let hub: TestHub;
  let main: SeededCommune;
  let electoralOnly: SeededCommune;
  let actsOnly: SeededCommune;
  let mutationId = 1;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    main = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts', 'cadastre'] });
    electoralOnly = await hub.seedCommune({ insee: '10033', services: ['electoral'] });
    actsOnly = await hub.seedCommune({ insee: '10034', services: ['acts'] });
  }, 60_000);
  afterAll(async () => hub?.close());

  /** The record a transition starts from, written as the hub holds it; answers its version. */
  async function seed(communeId: string, collection: string, data: unknown, id: string): Promise<number> {
    return hub.db.transaction().execute(async (trx) => {
      await lockCommune(trx, communeId);
      const [w] = await writeRecords(trx, communeId, collection, [{ id, json: JSON.stringify(data) }]);
      return w.version;
    });
  }

  /** The push's answer for the mutation; a push refused as a whole (403) reads as that mutation's refusal. */
  async function rawPush(token: string, mutation: object): Promise<PushResult & { whole?: true }> {
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { authorization: `Bearer ${token}` },
      payload: { mutations: [{ mutationId: mutationId++, ...mutation }] },
    });
    if (res.statusCode === 403) return { mutationId: 0, status: 'rejected', reason: res.json(), whole: true };
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>().results[0];
  }

  it.each(CASES.map((c) => [`${c.role} ${c.what}`, c] as const))('%s', async (_, c) => {
    const commune = c.commune === 'electoralOnly' ? electoralOnly : c.commune === 'actsOnly' ? actsOnly : main;
    const token = { maire: commune.maireToken, secretaire: commune.secretaireToken, consultation: commune.consultationToken }[c.role];
    const p = c.push();
    let mutation: object;
    if (p.kind === 'command') {
      if (p.seed) for (const r of p.seed.records) await seed(commune.communeId, p.seed.collection, r, r.id);
      mutation = { kind: 'command', name: p.name, payload: p.payload };
    } else {
      const baseVersion = p.before === null ? null : await seed(commune.communeId, p.collection, p.before, p.id);
      mutation =
        p.kind === 'delete'
          ? { kind: 'delete', collection: p.collection, recordId: p.id, baseVersion }
          : { kind: 'upsert', collection: p.collection, recordId: p.id, baseVersion, data: p.after };
    }

    const result = await rawPush(token, mutation);

    const stored = p.kind === 'command' ? null : await readRecord(hub.db, commune.communeId, p.collection, p.id);
    if (c.expect === 'applied') {
      expect(result.status, JSON.stringify(result)).toBe('applied');
      if (p.kind === 'upsert') expect(JSON.parse(stored!.json!)).toEqual(p.after);
      if (p.kind === 'delete') expect(stored!.deleted).toBe(true);
      expect(sharedRuleRefusal(c.role, p)).toBeNull();
      return;
    }
    expect(result.status, JSON.stringify(result)).toBe('rejected');
    // A role that may write nothing (consultation) is refused before the hub reads its push.
    expect(result.whole === true, JSON.stringify(result)).toBe(c.role === 'consultation');
    const { reason, current } = result as Extract<PushResult, { status: 'rejected' }>;
    expect({ code: reason.code, message: reason.message }).toEqual(c.expect);
    // Nothing of the refused write is kept.
    if (p.kind !== 'command') {
      if (p.before === null) expect(stored === null || stored.deleted).toBe(true);
      else expect(JSON.parse(stored!.json!)).toEqual(p.before);
    }
    // A refusal by a write rule is the sentence the PC shows from the same shared rule...
    const byRule = p.kind !== 'command' && !c.commune && c.expect !== ROLE && registry.collection(p.collection)?.checkWrite !== undefined;
    if (byRule) {
      expect(sharedRuleRefusal(c.role, p)).toEqual(c.expect);
      // ...and it carries the hub's record, so the PC shows the truth again instead of the refused change.
      expect(current ?? null).toEqual(
        p.before === null ? null : { collection: p.collection, id: p.id, version: expect.any(Number), deleted: false, data: p.before },
      );
    }
    // A role refused the collection never receives its records in the refusal.
    if (c.expect === ROLE || c.expect === HUB_WRITTEN || c.commune) expect(current).toBeUndefined();
  });

  it('covers every client-written collection and every command of the registry', () => {
    const written = new Set(CASES.flatMap((c) => c.push()).map((p) => (p.kind === 'command' ? p.name : p.collection)));
    for (const name of registry.collectionNames) expect(written, name).toContain(name);
    for (const d of registry.domains) for (const name of Object.keys(d.commands)) expect(written, name).toContain(name);
    for (const c of CASES) expect(ROLES).toContain(c.role);
  });
});
