import { randomUUID } from 'node:crypto';
import {
  ANSWER_COMMAND,
  type ActIdPayload,
  type AnswerCode,
  type AnswerPayload,
  CANCEL_COMMAND,
  checkAnswerFiles,
  checkAnswerType,
  TRANSMIT_COMMAND,
} from '../../shared/acts/commands.js';
import type { ActDraft } from '../../shared/acts/draft.js';
import { checkActDraft } from '../../shared/acts/draft.js';
import { sniffFileKind } from '../../shared/acts/file-kinds.js';
import { buildIdActe } from '../../shared/acts/id-acte.js';
import { isCodeNatureActe } from '../../shared/acts/natures.js';
import { requiresPadesSignature } from '../../shared/acts/rules.js';
import { checkSignerCertificate, describeConfirmation, judgeSigner } from '../../shared/acts/signer-certificate.js';
import { trustRefusal } from '../../shared/acts/trust-chain.js';
import { parisDay } from '../../shared/calendar.js';
import { actRecordSchema, type ActLetter, type ActRecord, type ActStatusRecord, type StoredFile } from '../../shared/acts/records.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import type { CommandContext, CommandHandler, CommandOutcome } from '../sync/commands.js';
import { readRecord } from '../sync/store.js';
import { currentClassification } from './classification.js';
import { communeIdentity } from './commune-identity.js';
import { fileChunks, fileState } from '../files/store.js';
import { enqueueTransmission } from './queue.js';
import { signerOfPdf } from './signed-act.js';
import { judgeSignerTrust } from './trust-check.js';
import { emptyStatus, readStatus, withState } from './status.js';

/**
 * Handlers of the legality-control commands (declared, with their permission
 * and payload schema, in shared/acts/domain.ts), applied in the push's
 * transaction (commune locked): the status change and the queued
 * transmission land together or not at all.
 */
const ANSWER_LABELS: Record<AnswerCode, string> = {
  '2-2': 'Réponse au courrier simple',
  '3-2': 'Accusé de réception de la demande de pièces',
  '3-3': 'Refus de transmettre les pièces',
  '3-4': 'Pièces complémentaires',
  '4-2': 'Accusé de réception de la lettre d’observations',
  '4-3': 'Rejet de la lettre d’observations',
  '4-4': 'Réponse à la lettre d’observations',
};

function refuse(message: string, detail: string, code: GuichetError['code'] = 'invalid_input'): never {
  throw new GuichetError(code, message, detail);
}

async function readAct(ctx: CommandContext, actId: string): Promise<ActRecord> {
  const stored = await readRecord(ctx.trx, ctx.communeId, 'acts.acts', actId);
  if (!stored || stored.deleted || !stored.json)
    refuse(
      "Cet acte n'est pas (encore) sur le hub : attendez la fin de la synchronisation puis réessayez.",
      `act ${actId} not found`,
      'not_found',
    );
  const parsed = actRecordSchema.safeParse(JSON.parse(stored.json));
  if (!parsed.success)
    refuse('Les informations de cet acte sont incomplètes ; rouvrez-le pour les corriger.', `act ${actId} record invalid`);
  return parsed.data;
}

/** Every file is complete on the hub; answers the kind sniffed from its first bytes. */
async function checkFilesOnHub(
  ctx: CommandContext,
  files: StoredFile[],
): Promise<Array<{ kind: ReturnType<typeof sniffFileKind>; size: number }>> {
  const out: Array<{ kind: ReturnType<typeof sniffFileKind>; size: number }> = [];
  for (const f of files) {
    const state = await fileState(ctx.trx, ctx.communeId, f.sha256, 'acts');
    if (!state?.complete)
      refuse(
        `Le fichier « ${f.fileName} » n'est pas encore arrivé en entier sur le hub : la transmission sera possible dès la fin de l'envoi.`,
        `file ${f.sha256} incomplete`,
        'conflict',
      );
    let head: Uint8Array = new Uint8Array(0);
    for await (const piece of fileChunks(ctx.trx, ctx.communeId, f.sha256)) {
      head = piece.subarray(0, 64);
      break;
    }
    out.push({ kind: sniffFileKind(head), size: state.size });
  }
  return out;
}

async function fileBytes(ctx: CommandContext, sha256: string): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of fileChunks(ctx.trx, ctx.communeId, sha256)) pieces.push(piece);
  return Buffer.concat(pieces);
}

/**
 * Whose certificate signed the act (shared/acts/signer-certificate.ts), judged on the
 * certificate read from the signed PDF itself. Answers the timeline entry recording a
 * no-SIREN confirmation, if the signer gave one.
 */
async function checkSigner(
  ctx: CommandContext,
  act: ActRecord & { actFile: StoredFile },
): Promise<{ label: string; detail: string } | null> {
  const signer = signerOfPdf(await fileBytes(ctx, act.actFile.sha256));
  const collectivite = await ctx.trx
    .selectFrom('collectivites')
    .select(['siren', 'name'])
    .where('id', '=', ctx.communeId)
    .executeTakeFirstOrThrow();
  const confirmation = act.signature?.noSirenConfirmation ?? null;
  const refusal = checkSignerCertificate(signer.subject, signer.sha256, collectivite, confirmation);
  if (refusal) refuse(refusal.message, refusal.detail, refusal.code);
  const trust = await judgeSignerTrust(ctx.trx, signer, new Date());
  const untrusted = trustRefusal(trust.verdict, trust.requireListed);
  if (untrusted) refuse(untrusted.message, untrusted.detail, untrusted.code);
  if (!confirmation || judgeSigner(signer.subject, collectivite).kind !== 'no_siren') return null;
  const when = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(confirmation.at),
  );
  return { label: 'Certificat sans SIREN confirmé par le signataire', detail: describeConfirmation(confirmation, when) };
}

async function applyTransmit(ctx: CommandContext, { actId }: ActIdPayload): Promise<CommandOutcome> {
  const act = await readAct(ctx, actId);
  const status = await readStatus(ctx.trx, ctx.communeId, actId);
  if (status && status.state !== 'erreur') refuse('Cet acte a déjà été transmis.', `act ${actId} state ${status.state}`, 'conflict');
  if (!act.signature && requiresPadesSignature(act.draft.act.kind))
    refuse("L'acte doit être signé avant d'être transmis à la préfecture.", 'unsigned');
  if (!act.actFile) refuse("Le document de l'acte manque.", 'no act file');
  if (act.annexFiles.length !== act.draft.annexes.length)
    refuse("Le nombre d'annexes ne correspond pas au formulaire de l'acte.", 'annex count');
  const [actKind, ...annexKinds] = await checkFilesOnHub(ctx, [act.actFile, ...act.annexFiles]);
  const confirmed = act.signature && actKind.kind === 'pdf' ? await checkSigner(ctx, { ...act, actFile: act.actFile }) : null;

  const draft: ActDraft = {
    ...act.draft,
    act: { ...act.draft.act, kind: actKind.kind, size: actKind.size },
    annexes: act.draft.annexes.map((a, i) => ({ ...a, kind: annexKinds[i].kind, size: annexKinds[i].size })),
  };
  const problems = checkActDraft(draft, { today: parisDay(new Date()), classification: await currentClassification(ctx.trx) });
  if (problems.length) refuse(problems[0].message, problems.map((p) => p.field).join(', '));

  // NumeroInterne is unique per collectivité: among the live acts of the commune, and forever once transmitted.
  const numero = draft.numeroInterne;
  for (const other of await ctx.readAll('acts.acts')) {
    if (other.id === actId || other.deleted || !other.json) continue;
    if ((JSON.parse(other.json) as { draft?: { numeroInterne?: string } }).draft?.numeroInterne === numero) {
      refuse(
        `Le numéro « ${numero} » est déjà utilisé par un autre acte de la commune : chaque acte doit avoir son propre numéro.`,
        'duplicate NumeroInterne (draft)',
        'conflict',
      );
    }
  }
  await ctx.trx
    .insertInto('acts_numeros')
    .values({ commune_id: ctx.communeId, numero_interne: numero, act_id: actId, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['commune_id', 'numero_interne']).doNothing())
    .execute();
  const owner = await ctx.trx
    .selectFrom('acts_numeros')
    .select('act_id')
    .where('commune_id', '=', ctx.communeId)
    .where('numero_interne', '=', numero)
    .executeTakeFirstOrThrow();
  if (owner.act_id !== actId)
    refuse(
      `Le numéro « ${numero} » a déjà été transmis pour un autre acte de la commune : chaque acte doit avoir son propre numéro.`,
      'duplicate NumeroInterne (transmitted)',
      'conflict',
    );

  const commune = await communeIdentity(ctx.trx, ctx.communeId);
  const idActe = isCodeNatureActe(draft.codeNatureActe)
    ? buildIdActe({ ...commune, decisionDate: draft.decisionDate, numeroInterne: numero, codeNatureActe: draft.codeNatureActe })
    : null;
  const base = { ...(status ?? emptyStatus(actId)), error: null, idActe: null, dateReception: null, archiveName: null };
  if (confirmed) base.timeline = [...base.timeline, { at: nowIso(), state: 'signe', ...confirmed }];
  const next = withState(base, 'en_attente');
  const version = await ctx.writeRecord('acts.status', actId, next);
  // The validated record travels with the row: a later edit of the act (by any role with actes.draft) cannot change what is sent.
  await enqueueTransmission(ctx.trx, { communeId: ctx.communeId, actId, payload: { kind: 'acte', act }, idActe });
  return { versions: [{ collection: 'acts.status', id: actId, version }], summary: { queued: 1 } };
}

async function requireAcknowledged(ctx: CommandContext, actId: string): Promise<ActStatusRecord & { idActe: string }> {
  const status = await readStatus(ctx.trx, ctx.communeId, actId);
  if (!status) refuse("Cet acte n'a pas été transmis à la préfecture.", `act ${actId} has no status`, 'not_found');
  if (status.state !== 'acquitte' || !status.idActe)
    refuse(
      "Seul un acte dont la préfecture a accusé réception peut faire l'objet de cette démarche.",
      `act ${actId} state ${status.state}`,
      'conflict',
    );
  return status as ActStatusRecord & { idActe: string };
}

async function applyCancel(ctx: CommandContext, { actId }: ActIdPayload): Promise<CommandOutcome> {
  const status = await requireAcknowledged(ctx, actId);
  const version = await ctx.writeRecord('acts.status', actId, withState(status, 'annulation_demandee'));
  await enqueueTransmission(ctx.trx, {
    communeId: ctx.communeId,
    actId,
    payload: { kind: 'annulation', idActe: status.idActe },
    idActe: status.idActe,
  });
  return { versions: [{ collection: 'acts.status', id: actId, version }], summary: { queued: 1 } };
}

async function applyAnswer(ctx: CommandContext, p: AnswerPayload): Promise<CommandOutcome> {
  const status = await readStatus(ctx.trx, ctx.communeId, p.actId);
  if (!status?.idActe) refuse("Cet acte n'a pas été transmis à la préfecture.", `act ${p.actId} has no IDActe`, 'not_found');
  const letter = status.letters.find((l) => l.id === p.letterId && l.direction === 'recu');
  if (!letter) refuse('Ce courrier de la préfecture est introuvable.', `letter ${p.letterId} not found`, 'not_found');
  const wrongType = checkAnswerType(letter.type, p.type);
  if (wrongType) refuse(wrongType, `answer ${p.type} to ${letter.type}`);
  if (status.letters.some((l) => l.direction === 'envoye' && l.id.endsWith(`:${p.letterId}:${p.type}`) && l.state !== 'erreur'))
    refuse('Cette réponse a déjà été envoyée.', 'duplicate answer', 'conflict');
  const wrongFiles = checkAnswerFiles(p.type, p.files.length);
  if (wrongFiles) refuse(wrongFiles, `answer ${p.type} with ${p.files.length} files`);
  await checkFilesOnHub(ctx, p.files);
  const act = await readAct(ctx, p.actId);
  const answerId = `${randomUUID()}:${p.letterId}:${p.type}`;
  const answer: ActLetter = {
    id: answerId,
    type: p.type,
    direction: 'envoye',
    label: ANSWER_LABELS[p.type],
    date: parisDay(new Date()),
    files: p.files,
    state: 'en_attente',
  };
  const version = await ctx.writeRecord('acts.status', p.actId, { ...status, letters: [...status.letters, answer] });
  await enqueueTransmission(ctx.trx, {
    communeId: ctx.communeId,
    actId: p.actId,
    payload: {
      kind: 'answer',
      idActe: status.idActe,
      answerId,
      letterId: p.letterId,
      code: p.type,
      dateCourrierPref: letter.date,
      files: p.files,
      typology: act.draft.act.typology,
    },
    idActe: status.idActe,
  });
  return { versions: [{ collection: 'acts.status', id: p.actId, version }], summary: { queued: 1 } };
}

/** The acts domain's command handlers, keyed by the names its shared declaration gives. */
export const ACTS_COMMAND_HANDLERS = {
  [TRANSMIT_COMMAND]: applyTransmit as CommandHandler<ActIdPayload>,
  [CANCEL_COMMAND]: applyCancel as CommandHandler<ActIdPayload>,
  [ANSWER_COMMAND]: applyAnswer as CommandHandler<AnswerPayload>,
} as const;
