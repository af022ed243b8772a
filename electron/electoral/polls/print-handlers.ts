/**
 * `electoral:print`: every print streamed to a private file with progress
 * events; an empty selection is refused before any file exists, a failure
 * leaves none. `electoral:print-file` hands a finished print to the screen.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parisDay } from '../../../shared/calendar.js';
import {
  CARD_PAQUET_LABELS,
  type PollsChannels,
  type PrintKind,
  type PrintRequest,
  type PrintResult,
} from '../../../shared/electoral/polls-ipc.js';
import type { Poll } from '../../../shared/electoral/registers.js';
import { GuichetError } from '../../../shared/errors.js';
import type { CoreContext } from '../../core/client-domain.js';
import type { ChannelHandlers } from '../../core/handlers.js';
import type { DemandStore } from '../record-stores.js';
import { bureauCounts, electorPager } from './elector-pages.js';
import { openPdfPrint, printsDir } from './pdf-print.js';
import { CARDS_BATCH_SQL, commitPrintedCards, countCards, printCards } from './print-cards.js';
import type { PrintContext } from './print-context.js';
import { printOffThread } from './print-host.js';
import type { PrintJob, PrintJobBase } from './print-worker.js';
import { printEmargement } from './print-emargement.js';
import { movementsBetween, printCommission, printProcurations, printTableau } from './print-lists.js';
import { computeStats, printLabels, printStats } from './print-stats.js';
import type { Registers } from './register-handlers.js';

type PrintChannels = Pick<PollsChannels, 'electoral:print' | 'electoral:print-file' | 'electoral:stats'>;

const TITLES: Record<PrintKind, string> = {
  emargement: 'Liste d’émargement',
  cartes: 'Cartes électorales',
  tableau: 'Tableau des inscriptions et radiations',
  commission: 'Dossier de la commission de contrôle',
  etiquettes: 'Étiquettes',
  statistiques: 'Statistiques',
  procurations: 'Registre des procurations',
};

const nothing = (message: string, detail: string) => new GuichetError('invalid_input', message, detail);

export function printHandlers(ctx: CoreContext, regs: Registers, demands: DemandStore): ChannelHandlers<PrintChannels> {
  function printContext(printId: string): PrintContext {
    const c = ctx.session().commune;
    return {
      db: ctx.db,
      dataDir: ctx.platform.dataDir,
      commune: { name: c?.name ?? '', insee: c?.insee ?? '' },
      today: parisDay(ctx.platform.now()),
      bureaux: new Map(regs.bureaux.list().map((b) => [b.record.id, b.record])),
      progress: (kind, done, total, pages) => ctx.emit('electoral:print-progress', { printId, kind, done, total, pages }),
    };
  }

  function pollOf(id: string): Poll {
    const found = regs.polls.get(id);
    if (!found) throw new GuichetError('not_found', 'Ce scrutin n’existe pas (ou plus) sur ce poste.', 'poll unknown');
    return found.record;
  }

  const bureauElectors = (code: string | null) => electorPager(ctx.db, code, 'alpha', 1).total;
  function requireElectors(code: string | null): number {
    const n = bureauElectors(code);
    if (n > 0) return n;
    throw code === null
      ? nothing('La liste électorale de ce poste est vide : importez l’extrait du REU avant d’imprimer.', 'empty list')
      : nothing(`Le bureau ${code} n’a aucun électeur sur la liste de ce poste : il n’y a rien à imprimer.`, 'empty bureau');
  }

  const fileNameOf = (req: PrintRequest, printId: string) => {
    const stamp = ctx.platform.now().toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();
    return `${req.kind}-${'bureauCode' in req && req.bureauCode ? `${req.bureauCode.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-` : ''}${stamp}-${printId.slice(0, 8)}.pdf`;
  };

  /**
   * The long prints (émargement, cards) on a thread with a capped heap (print-host.ts); null when no
   * thread can run them (in-memory database, bundle without the worker): the caller prints in place.
   */
  function offThread(req: PrintRequest, job: (base: PrintJobBase) => PrintJob): Promise<PrintResult> | null {
    if (ctx.db.memory) return null;
    const printId = randomUUID();
    const pc = printContext(printId);
    const fileName = fileNameOf(req, printId);
    const base = {
      dbFile: ctx.db.name,
      dataDir: pc.dataDir,
      fileName,
      title: TITLES[req.kind],
      commune: pc.commune,
      today: pc.today,
      bureaux: [...pc.bureaux.values()],
    };
    const running = printOffThread(job(base), pc.progress);
    if (!running) return null;
    return running.then(
      ({ pages, bytes, items }) => {
        pc.progress(req.kind, items, items, pages);
        return { printId, fileName, pages, bytes, items } satisfies PrintResult;
      },
      async (e: unknown) => {
        // A thread that died (out of its heap, killed) could not remove its half-written file.
        await rm(join(printsDir(pc.dataDir), fileName), { force: true });
        throw e;
      },
    );
  }

  /** Checks, then runs `draw` into a new file; the file is removed if anything fails. */
  async function run(req: PrintRequest, draw: (pc: PrintContext, print: Awaited<ReturnType<typeof openPdfPrint>>) => Promise<number>) {
    const printId = randomUUID();
    const pc = printContext(printId);
    const fileName = fileNameOf(req, printId);
    const print = await openPdfPrint(pc.dataDir, fileName, { title: TITLES[req.kind] });
    try {
      const items = await draw(pc, print);
      const { pages, bytes } = await print.finish();
      pc.progress(req.kind, items, items, pages);
      return { printId, fileName, pages, bytes, items } satisfies PrintResult;
    } catch (e) {
      await print.abort();
      throw e;
    }
  }

  return {
    'electoral:stats': async () => {
      ctx.requirePermission('electoral.read');
      return computeStats({ db: ctx.db, today: parisDay(ctx.platform.now()) }, () => new Promise((r) => setImmediate(r)));
    },

    'electoral:print': async (req) => {
      ctx.requirePermission('electoral.read');
      switch (req.kind) {
        case 'emargement': {
          const poll = pollOf(req.pollId);
          requireElectors(req.bureauCode);
          const procs = regs.procurations.list(req.bureauCode).map((p) => p.record);
          const order = req.order;
          return (
            offThread(req, (base) => ({ ...base, kind: 'emargement', poll, bureauCode: req.bureauCode, order, procurations: procs })) ??
            run(req, (pc, print) => printEmargement(print, pc, poll, req.bureauCode, order, procs))
          );
        }
        case 'cartes': {
          requireElectors(req.bureauCode);
          const pc = printContext('check');
          const missing = bureauCounts(ctx.db)
            .filter((b) => (req.bureauCode === null || b.code === req.bureauCode) && !pc.bureaux.get(b.code)?.address)
            .map((b) => b.code || '(sans bureau)');
          if (missing.length > 0)
            throw nothing(
              `La carte doit indiquer le lieu du bureau de vote (R.23) : renseignez l’adresse ${missing.length > 1 ? 'des bureaux' : 'du bureau'} ${missing.slice(0, 5).join(', ')} dans « Bureaux de vote ».`,
              `bureaux without address: ${missing.length}`,
            );
          const inscribedByDemand = new Set(
            demands
              .list(null)
              .map(({ demand: d }) => (d.kind === 'inscription' ? d.reconciliation?.electorId : null))
              .filter((id): id is string => !!id),
          );
          const sel = { bureauCode: req.bureauCode, paquet: req.paquet, inscribedByDemand };
          const total = countCards(pc, sel);
          if (total === 0)
            throw nothing(`Aucune carte à imprimer dans le paquet « ${CARD_PAQUET_LABELS[req.paquet]} ».`, `empty paquet ${req.paquet}`);
          const markPrinted = req.markPrinted !== false;
          const away = offThread(req, (base) => ({
            ...base,
            kind: 'cartes',
            bureauCode: req.bureauCode,
            paquet: req.paquet,
            inscribedByDemand: [...inscribedByDemand],
            layout: req.layout,
            total,
            markPrinted,
          }));
          if (away) return away;
          ctx.db.exec(CARDS_BATCH_SQL);
          const result = await run(req, (c, print) => printCards(print, c, sel, req.layout, total));
          if (markPrinted) commitPrintedCards(pc);
          return result;
        }
        case 'tableau':
        case 'commission': {
          const poll = pollOf(req.pollId);
          const previous = regs.polls
            .list()
            .map((p) => p.record.commissionDate)
            .filter((d): d is string => !!d && d < (poll.commissionDate ?? poll.date))
            .sort()
            .at(-1);
          const movements = movementsBetween(
            demands.list(null).map((d) => d.demand),
            previous ?? null,
            poll.commissionDate ?? parisDay(ctx.platform.now()),
          );
          if (req.kind === 'tableau') {
            if (movements.length === 0)
              throw nothing('Aucune inscription ni radiation depuis la dernière commission : le tableau serait vide.', 'empty tableau');
            return run(req, (pc, print) => printTableau(print, pc, poll, movements));
          }
          return run(req, (pc, print) => printCommission(print, pc, poll, movements));
        }
        case 'etiquettes':
          requireElectors(req.bureauCode);
          return run(req, (pc, print) => printLabels(print, pc, req.bureauCode));
        case 'statistiques': {
          requireElectors(null);
          return run(req, async (pc, print) => {
            const stats = await computeStats(pc, () => print.breathe());
            printStats(print, pc, stats);
            return stats.total;
          });
        }
        case 'procurations': {
          const list = regs.procurations.list(req.bureauCode).map((p) => p.record);
          if (list.length === 0)
            throw nothing(`Aucune procuration enregistrée pour le bureau ${req.bureauCode} : rien à imprimer.`, 'no procuration');
          return run(req, (pc, print) => printProcurations(print, pc, req.bureauCode, list));
        }
      }
    },

    'electoral:print-file': async ({ fileName }) => {
      ctx.requirePermission('electoral.read');
      try {
        const content = await readFile(join(printsDir(ctx.platform.dataDir), fileName));
        return { fileName, mime: 'application/pdf', content: new Uint8Array(content) };
      } catch {
        throw new GuichetError('not_found', 'Ce document n’est plus sur ce poste : imprimez-le de nouveau.', 'print file missing');
      }
    },
  };
}
