/**
 * Worker thread of the long prints (émargement, cards; started by print-host.ts): the whole print — its
 * own connection to the client database, the pages read by keyset, pdfkit, the file — runs on a thread
 * whose heap is capped (resourceLimits), so V8 collects as it goes instead of letting garbage pile up
 * during a long print: the peak memory stays near a small commune's whatever the list. The cards printed
 * are recorded by this connection once the file is complete, as on the main thread. Messages carry
 * progress counts and the result, never personal data.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { PrintKind } from '../../../shared/electoral/polls-ipc.js';
import type { Bureau, Poll, Procuration } from '../../../shared/electoral/registers.js';
import { GuichetError } from '../../../shared/errors.js';
import { openPdfPrint } from './pdf-print.js';
import { CARDS_BATCH_SQL, type CardLayout, type CardSelection, commitPrintedCards, printCards } from './print-cards.js';
import type { PrintContext } from './print-context.js';
import { printEmargement } from './print-emargement.js';
import type { PrintOrder } from './elector-pages.js';

export interface PrintJobBase {
  dbFile: string;
  dataDir: string;
  fileName: string;
  title: string;
  commune: PrintContext['commune'];
  today: string;
  bureaux: Bureau[];
}

export type PrintJob = PrintJobBase &
  (
    | { kind: 'emargement'; poll: Poll; bureauCode: string; order: PrintOrder; procurations: Procuration[] }
    | {
        kind: 'cartes';
        bureauCode: string | null;
        paquet: CardSelection['paquet'];
        inscribedByDemand: string[];
        layout: CardLayout;
        total: number;
        markPrinted: boolean;
      }
  );

export type PrintWorkerMessage =
  | { type: 'progress'; kind: PrintKind; done: number; total: number; pages: number }
  | { type: 'done'; pages: number; bytes: number; items: number }
  | { type: 'refused'; code: string; message: string; detail: string }
  | { type: 'failed'; message: string };

const port = parentPort!;
const post = (m: PrintWorkerMessage) => port.postMessage(m);

async function run(job: PrintJob): Promise<void> {
  const db = new Database(job.dbFile, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    const ctx: PrintContext = {
      db,
      dataDir: job.dataDir,
      commune: job.commune,
      today: job.today,
      bureaux: new Map(job.bureaux.map((b) => [b.id, b])),
      progress: (kind, done, total, pages) => post({ type: 'progress', kind, done, total, pages }),
    };
    const print = await openPdfPrint(job.dataDir, job.fileName, { title: job.title });
    let items: number;
    try {
      if (job.kind === 'emargement') {
        items = await printEmargement(print, ctx, job.poll, job.bureauCode, job.order, job.procurations);
      } else {
        db.exec(CARDS_BATCH_SQL);
        const sel = { bureauCode: job.bureauCode, paquet: job.paquet, inscribedByDemand: new Set(job.inscribedByDemand) };
        items = await printCards(print, ctx, sel, job.layout, job.total);
      }
    } catch (e) {
      await print.abort();
      throw e;
    }
    const { pages, bytes } = await print.finish();
    if (job.kind === 'cartes' && job.markPrinted) commitPrintedCards(ctx);
    post({ type: 'done', pages, bytes, items });
  } finally {
    db.close();
  }
}

run(workerData.job as PrintJob).catch((e: unknown) =>
  post(
    e instanceof GuichetError
      ? { type: 'refused', code: e.code, message: e.message, detail: e.detail ?? '' }
      : { type: 'failed', message: e instanceof Error ? e.message : String(e) },
  ),
);
