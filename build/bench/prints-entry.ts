/**
 * Child process of the prints bench: opens a PC database already holding the
 * list and prints, for every bureau, the émargement and the refonte cards.
 * Alone in its process so its peak memory is the prints' own (the import that
 * filled the database ran in the parent). Answers one JSON line on stdout.
 */
import { createStandaloneContext } from '../../electron/core/test-context.js';
import { createElectoralModule } from '../../electron/electoral/module.js';

const dataDir = process.argv[2];
const sc = createStandaloneContext({ dataDir, logLevel: 'silent', now: () => new Date('2026-12-06T09:00:00Z') });
const h = createElectoralModule(sc.ctx).handlers;

let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
};
const timer = setInterval(sample, 20);

const poll = await h['electoral:create-poll']({ kind: 'municipales', label: 'Municipales', date: '2027-03-14' });
const bureaux = await h['electoral:bureaux'](null);
for (const b of bureaux)
  await h['electoral:save-bureau']({ id: b.code, label: `Bureau ${b.code}`, address: `${b.code} place de la Mairie` });
sc.events.length = 0;
sample();
const startRss = process.memoryUsage().rss;

const run = async (kind: 'emargement' | 'cartes') => {
  const t0 = performance.now();
  let pages = 0;
  let bytes = 0;
  for (const b of bureaux) {
    const res =
      kind === 'emargement'
        ? await h['electoral:print']({ kind, pollId: poll.id, bureauCode: b.code, order: 'alpha' })
        : await h['electoral:print']({ kind, bureauCode: b.code, paquet: 'refonte', layout: 'a4x4', markPrinted: false });
    pages += res.pages;
    bytes += res.bytes;
    sc.events.length = 0;
    sample();
  }
  const ms = performance.now() - t0;
  return { pages, bytes, ms: Math.round(ms), pagesPerSecond: Math.round((pages / ms) * 1000) };
};

const emargement = await run('emargement');
const cards = await run('cartes');
clearInterval(timer);
sample();
const electors = bureaux.reduce((n, b) => n + b.electors, 0);
process.stdout.write(
  `${JSON.stringify({
    electors,
    bureaux: bureaux.length,
    emargement,
    cards,
    memory: {
      peakRssMiB: +(peakRss / 2 ** 20).toFixed(1),
      peakHeapMiB: +(peakHeap / 2 ** 20).toFixed(1),
      startRssMiB: +(startRss / 2 ** 20).toFixed(1),
      maxRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    },
  })}\n`,
);
sc.close();
