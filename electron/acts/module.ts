/**
 * The legality-control domain of the client core (`acts:*` channels):
 * drafting offline, the commune's certificate, local PAdES signing, the
 * commands to the hub, and the files uploaded (resumably) before the outbox
 * is pushed. Handlers receive inputs already validated by the core.
 */
import { randomUUID } from 'node:crypto';
import { checkActDraft, type ActDraft, type DraftProblem } from '../../shared/acts/draft.js';
import { sniffFileKind, type ActFileKind } from '../../shared/acts/file-kinds.js';
import type { ActDetail, ActsChannels, ActSummary, FileContent, UploadState } from '../../shared/acts/ipc.js';
import type { ActRecord, ActState, ActStatusRecord, StoredFile } from '../../shared/acts/records.js';
import type { Classification } from '../../shared/acts/classification.js';
import { requiresPadesSignature } from '../../shared/acts/rules.js';
import { GuichetError } from '../../shared/errors.js';
import type { CoreContext } from '../core/client-domain.js';
import type { LocalCollection } from '../core/context.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { signPdf } from '../signing/pades.js';
import { isIntact, verifyPdf } from '../signing/verify.js';
import { createActStore } from './act-store.js';
import { createCertificates } from './certificates.js';
import { createActsCollections } from './collections.js';
import { makeBordereau, makeStampedCopy } from './documents.js';
import { createFileStore } from './file-store.js';
import { createUploader } from './uploader.js';

export const TRANSMIT_COMMAND = 'acts.transmit';
export const CANCEL_COMMAND = 'acts.cancel';
export const ANSWER_COMMAND = 'acts.answer';

export interface ActsModule {
  handlers: ChannelHandlers<ActsChannels>;
  collections: LocalCollection[];
  /** Uploads the pending files; the sync engine runs it before pushing the outbox. */
  beforePush(hub: HubClient): Promise<void>;
}

export interface ActsModuleOptions {
  uploadChunkBytes?: number;
}

const MIME: Record<Exclude<ActFileKind, 'other'>, StoredFile['mime']> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
};
const EMPTY_CLASSIFICATION: Classification = { dateClassification: '', natures: [], matieres: [] };
const NEEDS_CLASSIFICATION = new Set(['matieres', 'classificationDateVersion']);
const NO_CLASSIFICATION =
  "La classification de la préfecture n'est pas encore arrivée sur ce poste : connectez-vous au hub et synchronisez avant de préparer un acte.";
const NOT_ACKNOWLEDGED =
  "Ce document n'est disponible qu'après l'accusé de réception de la préfecture (ARActe) : cet acte n'en a pas encore reçu.";
/** Which answers each letter of the prefecture admits (a 5-1 déféré has none). */
const ANSWERS_OF: Record<string, string[]> = { '2-1': ['2-2'], '3-1': ['3-2', '3-3', '3-4'], '4-1': ['4-2', '4-3', '4-4'] };

/** The commune's calendar day: decisions are dated in French civil time. */
function parisDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function createActsModule(ctx: CoreContext, options: ActsModuleOptions = {}): ActsModule {
  const { db } = ctx;
  const log = ctx.log.child({ mod: 'acts' });
  const now = () => ctx.platform.now();
  const acts = createActStore(db);
  const files = createFileStore(db, ctx.platform.dataDir, now);
  const certificates = createCertificates(db, ctx.platform.dataDir, now);
  const uploader = createUploader({ files, log, emit: (e, p) => ctx.emit(e, p), chunkBytes: options.uploadChunkBytes });
  const userName = () => ctx.session().user?.displayName ?? 'Utilisateur inconnu';
  // Orphans of an interrupted create or sign are harmless; clear them once per start, in the background.
  void files.sweepOrphans().then(
    (n) => n > 0 && log.info({ removed: n }, 'orphan act files removed'),
    (err) => log.warn({ err }, 'orphan act files sweep failed'),
  );

  // ---- rules ----------------------------------------------------------------

  function duplicateMessage(numero: string): string {
    return `Le numéro « ${numero} » est déjà utilisé par un autre acte de la commune : chaque acte doit avoir son propre numéro.`;
  }

  /** The draft as the rules see it: the form's fields, the files' kinds, the classification on this PC. */
  function draftFrom(
    input: Pick<ActDraft, 'numeroInterne' | 'decisionDate' | 'codeNatureActe' | 'matieres' | 'objet'> & { documentPapier?: boolean },
    files: Pick<ActDraft, 'act' | 'annexes'>,
  ): ActDraft {
    return {
      numeroInterne: input.numeroInterne,
      decisionDate: input.decisionDate,
      codeNatureActe: input.codeNatureActe,
      matieres: input.matieres,
      objet: input.objet,
      classificationDateVersion: acts.classification()?.dateClassification ?? '',
      documentPapier: input.documentPapier ?? false,
      ...files,
    };
  }

  /** Every rule of `checkActDraft`, plus the NumeroInterne unique in the commune (as far as this PC knows). */
  function problemsOf(draft: ActDraft, ownId: string | null, hasActFile = true): DraftProblem[] {
    const classification = acts.classification();
    let problems = checkActDraft(draft, { today: parisDay(now()), classification: classification ?? EMPTY_CLASSIFICATION });
    if (!classification) {
      problems = problems.filter((p) => !NEEDS_CLASSIFICATION.has(p.field) && !p.field.endsWith('.typology'));
      problems.push({ field: 'classification', message: NO_CLASSIFICATION });
    }
    if (!hasActFile) {
      problems = problems.filter((p) => p.field !== 'act' && p.field !== 'act.typology');
      problems.push({ field: 'act', message: "Joignez le fichier de l'acte (PDF)." });
    }
    const holder = draft.numeroInterne ? acts.idOfNumero(draft.numeroInterne) : null;
    if (holder && holder !== ownId && !problems.some((p) => p.field === 'numeroInterne')) {
      problems.push({ field: 'numeroInterne', message: duplicateMessage(draft.numeroInterne) });
    }
    return problems;
  }

  function refuseProblems(problems: DraftProblem[], what: string): void {
    if (problems.length === 0) return;
    throw new GuichetError(
      'invalid_input',
      problems.map((p) => p.message).join(' '),
      `${what}: ${problems.map((p) => p.field).join(', ')}`,
    );
  }

  // ---- reading --------------------------------------------------------------

  function stateOf(act: ActRecord, status: ActStatusRecord | null): ActState {
    // Until the hub has seen the transmission request, the PC knows better than an older status.
    if (status && !(act.transmitRequested && (status.state === 'brouillon' || status.state === 'signe'))) return status.state;
    return act.transmitRequested ? 'poste' : act.signature ? 'signe' : 'brouillon';
  }

  function filesOf(act: ActRecord): StoredFile[] {
    return [...(act.actFile ? [act.actFile] : []), ...act.annexFiles];
  }

  function uploadsOf(act: ActRecord): UploadState[] {
    return filesOf(act).map((f) => {
      const row = files.get(f.sha256);
      // A file this PC never held came from the hub: it is there whole.
      const uploaded = !row || row.state === 'done' ? f.size : row.uploaded;
      return { sha256: f.sha256, fileName: f.fileName, size: f.size, uploaded };
    });
  }

  function isPending(act: ActRecord, pendingIds: Set<string>): boolean {
    return pendingIds.has(act.id) || uploadsOf(act).some((u) => u.uploaded < u.size);
  }

  function requireAct(id: string): { act: ActRecord; version: number | null } {
    const found = acts.get(id);
    if (!found) throw new GuichetError('not_found', "Cet acte n'est pas sur ce poste : synchronisez, puis réessayez.", `act ${id} unknown`);
    return found;
  }

  function detail(id: string): ActDetail {
    const { act } = requireAct(id);
    const status = acts.status(id);
    return {
      act,
      status: status ? { ...status, state: stateOf(act, status) } : null,
      pending: isPending(act, ctx.outbox.pendingIds('acts.acts')),
      uploads: uploadsOf(act),
    };
  }

  /** The act record written locally and queued for the hub, in the caller's transaction. */
  function writeAct(act: ActRecord, baseVersion: number | null, summary: string): void {
    acts.put(act, baseVersion);
    ctx.outbox.enqueue({ kind: 'upsert', collection: 'acts.acts', recordId: act.id, baseVersion, data: act, summary });
  }

  /** Name and type of a file from the records that mention it (for files this PC never held). */
  function describeFile(sha256: string): StoredFile | null {
    for (const act of acts.all()) for (const f of filesOf(act)) if (f.sha256 === sha256) return f;
    for (const s of acts.statuses().values()) for (const l of s.letters) for (const f of l.files) if (f.sha256 === sha256) return f;
    return null;
  }

  /** Bytes of a file: from the store, else downloaded from the hub once and kept. */
  async function fileBytes(sha256: string): Promise<{ bytes: Buffer; meta: StoredFile }> {
    const row = files.get(sha256);
    const local = row ? await files.read(sha256) : null;
    if (row && local)
      return { bytes: local, meta: { sha256, fileName: row.file_name, size: row.size, mime: row.mime as StoredFile['mime'] } };
    const meta = describeFile(sha256);
    if (!meta)
      throw new GuichetError('not_found', "Ce fichier n'est connu d'aucun acte de ce poste.", `file ${sha256.slice(0, 12)} unknown`);
    const hub = ctx.hub();
    if (!hub)
      throw new GuichetError(
        'offline',
        "Ce fichier n'est pas encore sur ce poste : connectez-vous au hub pour l'ouvrir.",
        'no hub session',
      );
    const bytes = await hub.downloadFile(sha256);
    const stored = await files.putBytes(bytes);
    if (stored.sha256 !== sha256)
      throw new GuichetError(
        'internal',
        'Le fichier reçu du hub est endommagé ; réessayez.',
        `downloaded ${stored.sha256.slice(0, 12)} != ${sha256.slice(0, 12)}`,
      );
    files.index(meta, 'done');
    return { bytes, meta };
  }

  async function storeInputFile(fileName: string, content: Uint8Array, kind: ActFileKind): Promise<StoredFile> {
    if (kind === 'other')
      throw new GuichetError(
        'invalid_input',
        `Le fichier « ${fileName} » n'est pas d'un type accepté (PDF, XML, PNG ou JPEG).`,
        'file kind other',
      );
    const stored = await files.putBytes(content);
    return { sha256: stored.sha256, fileName, size: stored.size, mime: MIME[kind] };
  }

  function acknowledged(id: string): { act: ActRecord; status: ActStatusRecord } {
    const { act } = requireAct(id);
    const status = acts.status(id);
    if (!status?.idActe || !status.dateReception) throw new GuichetError('invalid_input', NOT_ACKNOWLEDGED, `act ${id} without ARActe`);
    return { act, status };
  }

  // ---- handlers -------------------------------------------------------------

  const handlers: ChannelHandlers<ActsChannels> = {
    'acts:classification': () => {
      ctx.requirePermission('acts.read');
      return acts.classification();
    },

    'acts:list': ({ state }) => {
      ctx.requirePermission('acts.read');
      const statuses = acts.statuses();
      const pendingIds = ctx.outbox.pendingIds('acts.acts');
      const out: ActSummary[] = [];
      for (const act of acts.all()) {
        const status = statuses.get(act.id) ?? null;
        const s = stateOf(act, status);
        if (state && s !== state) continue;
        out.push({
          id: act.id,
          numeroInterne: act.draft.numeroInterne,
          objet: act.draft.objet,
          codeNatureActe: act.draft.codeNatureActe,
          decisionDate: act.draft.decisionDate,
          state: s,
          idActe: status?.idActe ?? null,
          pending: isPending(act, pendingIds),
        });
      }
      return out;
    },

    'acts:get': ({ id }) => {
      ctx.requirePermission('acts.read');
      return detail(id);
    },

    'acts:check-draft': (input) => {
      ctx.requirePermission('acts.draft');
      const draft = draftFrom(input, {
        act: input.actFile
          ? {
              fileName: input.actFile.fileName,
              size: input.actFile.size,
              kind: sniffFileKind(input.actFile.head),
              typology: input.actTypology,
            }
          : { fileName: '-', size: 0, kind: 'pdf', typology: input.actTypology },
        annexes: input.annexes.map((a) => ({ fileName: a.fileName, size: a.size, kind: sniffFileKind(a.head), typology: a.typology })),
      });
      return problemsOf(draft, input.actId ?? null, input.actFile !== null);
    },

    'acts:create': async (input) => {
      ctx.requirePermission('acts.draft');
      const actKind = sniffFileKind(input.actFile.content);
      const annexes = input.annexes ?? [];
      const draft = draftFrom(input, {
        act: { fileName: input.actFile.fileName, size: input.actFile.content.byteLength, kind: actKind, typology: input.actTypology },
        annexes: annexes.map((a) => ({
          fileName: a.fileName,
          size: a.content.byteLength,
          kind: sniffFileKind(a.content),
          typology: a.typology,
        })),
      });
      refuseProblems(problemsOf(draft, null), 'draft refused');
      // Files first, outside the transaction: an orphan file is harmless, a record without its file is not.
      const actFile = await storeInputFile(input.actFile.fileName, input.actFile.content, actKind);
      const annexFiles: StoredFile[] = [];
      for (const [i, a] of annexes.entries()) annexFiles.push(await storeInputFile(a.fileName, a.content, draft.annexes[i].kind));
      const act: ActRecord = {
        id: randomUUID(),
        draft,
        actFile,
        annexFiles,
        signature: null,
        transmitRequested: false,
        createdBy: userName().slice(0, 100),
        createdAtLocal: now().toISOString(),
      };
      try {
        db.transaction(() => {
          for (const f of [actFile, ...annexFiles]) files.index(f, 'pending');
          writeAct(act, null, `Acte ${draft.numeroInterne} (brouillon)`);
        })();
      } catch (err) {
        // Two windows may race between the check and the insert: the UNIQUE index decides.
        if (isUniqueViolation(err)) throw new GuichetError('conflict', duplicateMessage(draft.numeroInterne), 'numero_interne unique');
        throw err;
      }
      log.info({ actId: act.id, files: 1 + annexFiles.length }, 'act drafted');
      ctx.requestSync();
      return detail(act.id);
    },

    'acts:certificate': () => {
      ctx.requirePermission('acts.read');
      return certificates.current();
    },

    'acts:import-certificate': async ({ content, password }) => {
      ctx.requirePermission('acts.transmit');
      const view = await certificates.import(content, password);
      log.info({ certificate: view.id, notAfter: view.notAfter }, 'signing certificate imported');
      return view;
    },

    'acts:sign': async ({ id, password }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = requireAct(id);
      if (act.signature) throw new GuichetError('conflict', 'Cet acte est déjà signé.', `act ${id} already signed`);
      if (act.transmitRequested) throw new GuichetError('conflict', 'Cet acte a déjà été transmis.', `act ${id} already transmitted`);
      if (!act.actFile || act.draft.act.kind !== 'pdf') {
        throw new GuichetError(
          'invalid_input',
          'Seul un acte au format PDF peut être signé sur ce poste.',
          `act ${id} kind ${act.draft.act.kind}`,
        );
      }
      const { key, view } = await certificates.open(password);
      await fileBytes(act.actFile.sha256); // downloads the draft if it was typed on another PC
      const signedAt = now();
      const tmp = await files.tempPath('pdf');
      let stored: { sha256: string; size: number };
      try {
        await signPdf({
          input: files.pathOf(act.actFile.sha256),
          output: tmp,
          key,
          reason: `Transmission au contrôle de légalité de l'acte ${act.draft.numeroInterne}`,
          location: ctx.session().commune?.name,
          signingTime: signedAt,
        });
        // Never queue a signature that does not check: the prefecture would reject the act.
        const report = await verifyPdf(tmp);
        const last = report.signatures[report.signatures.length - 1];
        if (!last || !isIntact(last) || !last.coversWholeDocument) {
          throw new GuichetError(
            'internal',
            "La signature produite n'a pas pu être vérifiée : l'acte n'a pas été modifié.",
            'signed PDF failed verification',
          );
        }
        stored = await files.putFile(tmp);
      } finally {
        await files.removeTemp(tmp);
      }
      const signedFile: StoredFile = { sha256: stored.sha256, fileName: act.actFile.fileName, size: stored.size, mime: 'application/pdf' };
      const original = act.actFile;
      db.transaction(() => {
        const current = requireAct(id);
        if (current.act.signature) throw new GuichetError('conflict', 'Cet acte est déjà signé.', `act ${id} signed meanwhile`);
        const next: ActRecord = {
          ...current.act,
          draft: { ...current.act.draft, act: { ...current.act.draft.act, size: signedFile.size } },
          actFile: signedFile,
          signature: { signerName: view.holder, signedAtLocal: signedAt.toISOString(), certificateSerial: view.serial },
        };
        files.index(signedFile, 'pending');
        // The unsigned original is kept on this PC only: the hub needs the signed file.
        const stillUsed = acts.all().some((a) => a.id !== id && filesOf(a).some((f) => f.sha256 === original.sha256));
        if (!stillUsed && files.get(original.sha256)?.state === 'pending') files.setState(original.sha256, 'local');
        writeAct(next, current.version, `Signature de l'acte ${next.draft.numeroInterne}`);
      })();
      log.info({ actId: id, certificate: view.id }, 'act signed');
      ctx.requestSync();
      return detail(id);
    },

    'acts:transmit': ({ id }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = requireAct(id);
      if (act.transmitRequested) {
        // Asked again: only worth a new command when the hub answered an error (or refused the
        // command: it holds the act but never gave it a status); otherwise one is on its way.
        const status = acts.status(id);
        const retry = status?.state === 'erreur' || (!status && !ctx.outbox.pendingIds('acts.acts').has(id));
        if (retry) {
          db.transaction(() => {
            ctx.outbox.enqueue({
              kind: 'command',
              name: TRANSMIT_COMMAND,
              payload: { actId: id },
              summary: `Nouvelle transmission de l'acte ${act.draft.numeroInterne} à la préfecture`,
            });
          })();
          log.info({ actId: id }, 'act queued again for transmission');
          ctx.requestSync();
        }
        return detail(id);
      }
      if (!act.signature && requiresPadesSignature(act.draft.act.kind))
        throw new GuichetError('invalid_input', "Signez l'acte avant de le transmettre à la préfecture.", `act ${id} not signed`);
      // The classification may have changed since the draft: the prefecture would answer an anomaly.
      refuseProblems(problemsOf(act.draft, id), 'transmit refused');
      db.transaction(() => {
        const current = requireAct(id);
        const next: ActRecord = { ...current.act, transmitRequested: true };
        writeAct(next, current.version, `Acte ${next.draft.numeroInterne} prêt à transmettre`);
        // After the upsert in the queue, and the engine uploads the files before any push.
        ctx.outbox.enqueue({
          kind: 'command',
          name: TRANSMIT_COMMAND,
          payload: { actId: id },
          summary: `Transmission de l'acte ${next.draft.numeroInterne} à la préfecture`,
        });
      })();
      log.info({ actId: id }, 'act queued for transmission');
      ctx.requestSync();
      return detail(id);
    },

    'acts:cancel': ({ id }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = requireAct(id);
      const status = acts.status(id);
      if (status?.state === 'annulation_demandee' || status?.state === 'annule') return detail(id);
      if (status?.state !== 'acquitte' || !status.idActe) {
        throw new GuichetError(
          'invalid_input',
          'Seul un acte dont la préfecture a accusé réception peut être annulé.',
          `act ${id} state ${status?.state ?? 'none'}`,
        );
      }
      db.transaction(() => {
        ctx.outbox.enqueue({
          kind: 'command',
          name: CANCEL_COMMAND,
          payload: { actId: id },
          summary: `Annulation de l'acte ${act.draft.numeroInterne}`,
        });
      })();
      ctx.requestSync();
      return detail(id);
    },

    'acts:answer-letter': async ({ actId, letterId, type, files: inputFiles }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = requireAct(actId);
      const letter = acts.status(actId)?.letters.find((l) => l.id === letterId && l.direction === 'recu');
      if (!letter)
        throw new GuichetError(
          'not_found',
          "Ce courrier de la préfecture n'est pas sur ce poste : synchronisez, puis réessayez.",
          `letter ${letterId} unknown`,
        );
      if (!(ANSWERS_OF[letter.type] ?? []).includes(type)) {
        throw new GuichetError(
          'invalid_input',
          'Ce type de réponse ne correspond pas au courrier reçu de la préfecture.',
          `answer ${type} to ${letter.type}`,
        );
      }
      // Same rules as the hub (hub-server/acts/commands.ts), so the answer is not refused after the sync.
      const isAcknowledgement = type === '3-2' || type === '4-2';
      if (isAcknowledgement && inputFiles.length > 0)
        throw new GuichetError('invalid_input', 'Un accusé de réception ne porte pas de document.', 'AR with files');
      if (!isAcknowledgement && inputFiles.length === 0)
        throw new GuichetError('invalid_input', 'Joignez le document de votre réponse.', 'answer without file');
      if (!isAcknowledgement && type !== '3-4' && inputFiles.length > 1)
        throw new GuichetError('invalid_input', 'Cette réponse ne porte qu’un seul document.', 'too many files');
      const stored: StoredFile[] = [];
      for (const f of inputFiles) stored.push(await storeInputFile(f.fileName, f.content, sniffFileKind(f.content)));
      db.transaction(() => {
        for (const f of stored) files.index(f, 'pending');
        ctx.outbox.enqueue({
          kind: 'command',
          name: ANSWER_COMMAND,
          payload: { actId, letterId, type, files: stored },
          summary: `Réponse au courrier de la préfecture sur l'acte ${act.draft.numeroInterne}`,
        });
      })();
      ctx.requestSync();
      return detail(actId);
    },

    'acts:file': async ({ sha256 }) => {
      ctx.requirePermission('acts.read');
      const { bytes, meta } = await fileBytes(sha256);
      const result: FileContent = { fileName: meta.fileName, mime: meta.mime, content: new Uint8Array(bytes) };
      return result;
    },

    'acts:bordereau': async ({ id }) => {
      ctx.requirePermission('acts.read');
      const { act, status } = acknowledged(id);
      const commune = ctx.session().commune;
      const pdf = await makeBordereau(act, status, commune, now());
      return { fileName: `accuse-reception-${act.draft.numeroInterne}.pdf`, mime: 'application/pdf', content: pdf };
    },

    'acts:stamped-copy': async ({ id }) => {
      ctx.requirePermission('acts.read');
      const { act, status } = acknowledged(id);
      if (act.actFile?.mime !== 'application/pdf')
        throw new GuichetError('invalid_input', 'Seul un acte PDF peut être tamponné.', 'stamped copy of a non-PDF act');
      const { bytes } = await fileBytes(act.actFile.sha256);
      const pdf = await makeStampedCopy(bytes, status);
      return { fileName: `${act.draft.numeroInterne}-copie-tamponnee.pdf`, mime: 'application/pdf', content: pdf };
    },
  };

  return {
    handlers,
    collections: createActsCollections(db, acts, log),
    beforePush: (hub) => uploader.uploadPending(hub),
  };
}
