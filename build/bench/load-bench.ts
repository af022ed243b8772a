import { spawn, type ChildProcess } from 'node:child_process';
import { syntheticFollowUp, syntheticPieceBytes } from '../../shared/electoral/synthetic-demand.js';
import { storeCompleteFile } from '../../hub-server/files/store.js';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CommuneRole, Service } from '../../shared/accounts/roles.js';
import { ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import { DEVICE_REPORT_ROUTES } from '../../shared/console/routes.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { tiers } from '../../hub-server/acts/actes-format/test-fixtures.js';
import { testSignature, uniquePdf } from '../../hub-server/acts/test-support.js';
import { spawnSimulator } from '../../hub-server/acts/bench.js';
import { insertCollectivite, insertUser, openSession } from '../../hub-server/accounts/store.js';
import { openHubDb } from '../../hub-server/db/open.js';
import { hubSqliteFile } from '../../hub-server/server.js';
import { createTestSchema, TEST_PG_URL } from '../../hub-server/test-support.js';
import { createElectoralModule } from '../../electron/electoral/module.js';
import { createStandaloneContext } from '../../electron/core/test-context.js';
import { toMutation } from '../../electron/sync/outbox.js';
import type { ImportPreview } from '../../shared/electoral/ipc.js';
import { generateReuExtract, seededRandom } from '../../shared/electoral/synthetic.js';
import type { Demand } from '../../shared/electoral/types.js';
import type { ActRecord } from '../../shared/acts/records.js';
import type { PullResponse, PushResponse } from '../../shared/sync/protocol.js';

/**
 * Département-scale load on the hub (`guichet bench --only load`).
 *
 * A real hub in its own process (load-hub-entry.ts: startHub, logs at info into
 * a file), on SQLite then on PostgreSQL (throwaway schema), seeded through the
 * hub's own store functions with N collectivités and ≈1.5 PCs each, every PC
 * holding a session token. Simulated PCs then speak the sync protocol over
 * loopback HTTP on the PC's own schedule (electron/sync/engine.ts and
 * scheduler.ts: a cycle every 30 s ±20 %, push then pull; a local change
 * triggers a cycle after a 300 ms debounce; after a failed cycle the next one
 * waits 5 s, doubling up to 5 min), time-compressed by `timeRatio`. Meanwhile one commune
 * (Troyes) pushes a 35 000-elector `electoral.import` built by the client's own
 * import path, and another (Bar-sur-Seine) transmits acts (file upload, act
 * record, `acts.transmit`), forwarded by the hub to the prefecture simulator
 * (own process) which acknowledges each one by mail.
 *
 * Reports, per backend: per-route latency (p50/p99/max), errors, throughput,
 * hub CPU and RSS (read from /proc for the hub's pid), and the latency of the
 * other communes' requests while the import runs against outside it.
 */
export interface LoadBenchOptions {
  backends?: Array<'sqlite' | 'postgres'>;
  /** Collectivités seeded (default 433, the communes of the Aube). */
  collectivites?: number;
  /** PCs per collectivité on average (default 1.5: every other commune has two). */
  pcsPerCollectivite?: number;
  /** Simulated time runs this many times faster than real time (default 4). */
  timeRatio?: number;
  /** Wall seconds of load per backend once the import and the acts are done (default 30), bounded by maxSeconds. */
  loadSeconds?: number;
  /** Hard bound on wall seconds of load per backend (default 120). */
  maxSeconds?: number;
  /** Hard bound on the requests of one backend's run (default 60 000). */
  maxRequests?: number;
  /** Electors of the import (default 35 000; 0 = no import). */
  importElectors?: number;
  /** Acts transmitted by one commune (default 50; 0 = none). */
  transmitActs?: number;
  /** 'simulator': the hub forwards to the prefecture simulator; 'commands': the hub only queues them. */
  actsThrough?: 'simulator' | 'commands';
  /** Extra PCs whose token the hub does not know (a revoked laptop still polling): their 401s are counted as errors. */
  unknownTokenPcs?: number;
}

/** The PC's schedule (electron/sync/engine.ts and scheduler.ts defaults) and the rate of local changes, in real seconds. */
const SCHEDULE = {
  cycleSeconds: 30,
  jitter: 0.2,
  debounceMs: 300,
  firstRetrySeconds: 5,
  maxBackoffSeconds: 300,
  /** A local change (demand or act draft) every 5 minutes per PC on average: a busy office hour. */
  localChangeEverySeconds: 300,
  /** Share of local changes that are act drafts (the rest: electoral demands). */
  actDraftShare: 0.2,
  pullLimit: 5000,
  /** After each cycle: the device report (core/device-report.ts); every 5 minutes: GET /me (SESSION_CHECK_MS). */
  sessionCheckSeconds: 300,
} as const;

const TARGET_P99_MS = 200;
/** What every PC sends on its own schedule (the routine the p99 target is about). */
const ROUTINE_ROUTES = ['GET /sync/pull', 'POST /sync/push', 'POST /device/report', 'GET /me'];
const IMPORT_COMMUNE = '10387'; // Troyes (the standalone client context is Troyes)
const ACTS_COMMUNE = '10034'; // Bar-sur-Seine
const REQUEST_TIMEOUT_MS = 15_000;
const IMPORT_TIMEOUT_MS = 300_000;

interface SimPc {
  index: number;
  insee: string;
  communeIndex: number;
  role: CommuneRole;
  token: string;
  nextMutation: number;
  cursor: number;
  epoch: string | null;
  pending: Array<Record<string, unknown>>;
  /** A cycle or a scripted exchange is running. */
  busy: boolean;
  /** Failed cycles in a row (the scheduler backs off). */
  failures: number;
  /** When (bench ms) it last asked the hub what its session may do (client-core.ts SESSION_CHECK_MS). */
  sessionCheckedAt: number;
}

interface Sample {
  route: string;
  insee: string;
  start: number;
  end: number;
  status: number;
  error: string | null;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN);

function stats(latencies: number[]): { count: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const s = [...latencies].sort((a, b) => a - b);
  return { count: s.length, p50Ms: round(pct(s, 0.5)), p99Ms: round(pct(s, 0.99)), maxMs: round(s[s.length - 1] ?? NaN) };
}

const sha256Of = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** An act as the PC writes it (the shape of hub-server/acts/test-support.ts actRecord): a délibération, one PDF, signed or a bare draft. */
function actRecord(numero: string, actFile: Buffer | null): ActRecord {
  return {
    id: randomUUID(),
    draft: {
      numeroInterne: numero,
      decisionDate: '2026-11-20',
      codeNatureActe: 1,
      matieres: [8, 3],
      objet: 'Dénomination de la place de l’Église',
      classificationDateVersion: '2019-04-18',
      documentPapier: false,
      act: { fileName: 'deliberation.pdf', size: actFile?.byteLength ?? 0, kind: 'pdf', typology: '99_DE' },
      annexes: [],
    },
    actFile: actFile
      ? { sha256: sha256Of(actFile), fileName: 'deliberation.pdf', size: actFile.byteLength, mime: 'application/pdf' }
      : null,
    annexFiles: [],
    signature: actFile ? testSignature() : null,
    transmitRequested: actFile !== null,
    createdBy: 'maire',
    createdAtLocal: '2026-11-20T09:00:00',
  };
}

/** A SIREN of no real collectivité, unique per INSEE code (the hub keys collectivités by SIREN). */
const syntheticSiren = (insee: string) => `2${insee.padStart(8, '0')}`;

/** Communes of the Aube (COG), Troyes and Bar-sur-Seine first, as many as asked (synthetic codes beyond the real ones). */
function aubeCommunes(n: number): Array<{ insee: string; name: string; siren: string; arrondissement: string | null }> {
  const require = createRequire(import.meta.url);
  const all = (
    require('@etalab/decoupage-administratif/data/communes.json') as Array<{
      code: string;
      nom: string;
      type: string;
      departement?: string;
      siren?: string;
      arrondissement?: string;
    }>
  ).filter((c) => c.type === 'commune-actuelle' && c.departement === '10');
  const first = [IMPORT_COMMUNE, ACTS_COMMUNE];
  const ordered = [...first.map((code) => all.find((c) => c.code === code)!), ...all.filter((c) => !first.includes(c.code))];
  const out = ordered
    .slice(0, n)
    .map((c) => ({ insee: c.code, name: c.nom, siren: c.siren ?? syntheticSiren(c.code), arrondissement: c.arrondissement ?? null }));
  // The Aube has fewer current communes than 433 collectivités (groupings count too): the rest get codes no commune uses.
  for (let k = 0; out.length < n; k++)
    out.push({ insee: `10${900 + k}`, name: `Collectivité ${900 + k}`, siren: syntheticSiren(`10${900 + k}`), arrondissement: null });
  return out;
}

/** Seed communes, users and one session per PC through the hub's store functions; answers the PCs. */
async function seed(
  open: () => Promise<Awaited<ReturnType<typeof openHubDb>>>,
  collectivites: number,
  pcsPer: number,
): Promise<{ pcs: SimPc[]; seconds: number }> {
  const t0 = performance.now();
  const db = await open();
  const pcs: SimPc[] = [];
  try {
    const communes = aubeCommunes(collectivites);
    const services: Service[] = ['electoral', 'acts'];
    // PCs spread so the total is round(collectivités × pcsPer); the two busy communes have two PCs each.
    const totalPcs = Math.max(collectivites, Math.round(collectivites * pcsPer));
    const extra = new Set<number>([0, 1]);
    for (let i = 2; extra.size < Math.min(collectivites, totalPcs - collectivites); i++)
      if (
        Math.floor((i * (totalPcs - collectivites)) / collectivites) !== Math.floor(((i - 1) * (totalPcs - collectivites)) / collectivites)
      )
        extra.add(i);
    await db.transaction().execute(async (trx) => {
      for (const [ci, c] of communes.entries()) {
        const row = await insertCollectivite(trx, { kind: 'commune', ...c, members: [], services });
        // The pieces the synthetic demands name: the hub refuses a demand naming a file it does not hold.
        if (services.includes('electoral'))
          for (const piece of ['identite', 'attache'] as const)
            await storeCompleteFile(trx, row.id, 'electoral', syntheticPieceBytes(piece));
        const roles: CommuneRole[] = extra.has(ci) ? ['maire', 'secretaire'] : ['maire'];
        for (const role of roles) {
          // No one logs in during the bench: the sessions are opened directly, so the hash is never checked.
          const user = await insertUser(trx, {
            communeId: row.id,
            username: role,
            displayName: role,
            role,
            passwordHash: 'bench:no-login',
          });
          const session = await openSession(trx, { communeId: row.id, userId: user.id, deviceName: `PC ${role}` });
          pcs.push({
            index: pcs.length,
            insee: c.insee,
            communeIndex: ci,
            role,
            token: session.token,
            nextMutation: 1,
            cursor: 0,
            epoch: null,
            pending: [],
            busy: false,
            failures: 0,
            sessionCheckedAt: Number.NEGATIVE_INFINITY,
          });
        }
      }
    });
  } finally {
    await db.destroy();
  }
  return { pcs, seconds: round((performance.now() - t0) / 1000, 2) };
}

/** The `electoral.import` push body exactly as the PC's outbox holds it after an import (client path: preview + commit), gzipped as HubClient sends it. */
export async function importPushBody(
  dir: string,
  electors: number,
): Promise<{ body: Buffer; jsonBytes: number; lastMutationId: number; prepareSeconds: number }> {
  const t0 = performance.now();
  const extract = generateReuExtract({
    seed: 35,
    count: electors,
    inseeCode: IMPORT_COMMUNE,
    communeName: 'Troyes',
    extractDate: '2026-03-02',
  });
  const sc = createStandaloneContext({ dataDir: join(dir, 'import-pc'), role: 'maire', logLevel: 'warn' });
  try {
    const h = createElectoralModule(sc.ctx).handlers;
    const preview = (await h['electoral:import-preview']({
      fileName: extract.fileName,
      content: new TextEncoder().encode(extract.csv),
    })) as ImportPreview;
    h['electoral:import-commit']({ previewId: preview.previewId });
    const queued = sc.outbox.list();
    const json = JSON.stringify({ mutations: queued.map(toMutation) });
    return {
      body: gzipSync(json),
      jsonBytes: Buffer.byteLength(json),
      lastMutationId: Math.max(...queued.map((q) => q.mutationId)),
      prepareSeconds: round((performance.now() - t0) / 1000, 2),
    };
  } finally {
    sc.close();
  }
}

/** CPU seconds (user+system) and memory of a process, from /proc (Linux); null elsewhere. */
function procStats(pid: number): { cpuSeconds: number; rssMiB: number; peakRssMiB: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is [0]; utime [11], stime [12] in clock ticks (100 Hz on Linux).
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuSeconds, rssMiB: round(kb('VmRSS') / 1024), peakRssMiB: round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

export interface HubProcess {
  url: string;
  child: ChildProcess;
  /** Event-loop stalls reported by the hub every 500 ms (performance.now() of this process). */
  stalls: Array<{ at: number; ms: number }>;
  close(): Promise<void>;
}

export async function startHubProcess(config: object): Promise<HubProcess> {
  const entry = fileURLToPath(new URL('./load-hub-entry.ts', import.meta.url));
  // GUICHET_LOAD_HUB_NODE_ARGS: extra node flags for the hub alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.GUICHET_LOAD_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    env: { ...process.env, GUICHET_LOAD_HUB: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const stalls: Array<{ at: number; ms: number }> = [];
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => {
    const text = partial + c.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^STALL ([\d.]+)$/.exec(line);
      if (m) stalls.push({ at: performance.now(), ms: Number(m[1]) });
      else out += `${line}\n`;
    }
  });
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  // Up to 3 min: on a busy shared machine, compiling the hub (tsx) and migrating take long.
  for (let i = 0; i < 1800 && !/READY \S+/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  const url = /READY (\S+)/.exec(out)?.[1];
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  if (!url) {
    await close();
    throw new Error(`le hub du banc de charge n'a pas démarré : ${err || out}`);
  }
  return { url, child, stalls, close };
}

const t00 = performance.now();
/** Progress on stderr (the JSON goes to stdout). */
const progress = (msg: string) => process.stderr.write(`  load ${round((performance.now() - t00) / 1000)} s: ${msg}\n`);

/** One backend's run. */
async function runBackend(
  backend: 'sqlite' | 'postgres',
  o: Required<LoadBenchOptions>,
  imp: Awaited<ReturnType<typeof importPushBody>> | null,
): Promise<Record<string, unknown>> {
  progress(`${backend}: seeding`);
  const dir = mkdtempSync(join(tmpdir(), `guichet-bench-load-${backend}-`));
  const hubDir = join(dir, 'hub');
  mkdirSync(hubDir, { recursive: true });
  const schema = backend === 'postgres' ? await createTestSchema() : null;
  const closers: Array<() => Promise<void>> = [];
  try {
    const dbUrl = schema
      ? `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`
      : undefined;
    const seeded = await seed(
      () => (schema ? openHubDb({ url: TEST_PG_URL, schema: schema.schema }) : openHubDb({ file: hubSqliteFile(hubDir) })),
      o.collectivites,
      o.pcsPerCollectivite,
    );
    const pcs = seeded.pcs;
    for (let i = 0; i < o.unknownTokenPcs; i++)
      pcs.push({
        index: pcs.length,
        insee: `revoked-${i}`,
        communeIndex: -1,
        role: 'secretaire',
        token: randomUUID().replace(/-/g, ''),
        nextMutation: 1,
        cursor: 0,
        epoch: null,
        pending: [],
        busy: false,
        failures: 0,
        sessionCheckedAt: Number.NEGATIVE_INFINITY,
      });

    // ACTES: the prefecture simulator in its own process; the hub runs the forwarder and the return mailbox.
    let actes: object | undefined;
    if (o.transmitActs > 0 && o.actsThrough === 'simulator') {
      const mailboxPort = await freePort();
      mkdirSync(join(dir, 'sim'));
      const sim = await spawnSimulator(join(dir, 'sim'), mailboxPort);
      closers.push(() => sim.close());
      actes = { prefectureUrl: `${sim.url}/actes`, prefectureCertPem: sim.caCertPem, mailboxPort, tiers, pollMs: 200 };
    }

    // The importing PC numbered the import in its outbox (from 1, as a fresh PC does): its later changes come after it.
    const importPc = pcs.find((p) => p.insee === IMPORT_COMMUNE && p.role === 'maire');
    if (imp && importPc) importPc.nextMutation = imp.lastMutationId + 1;
    const hub = await startHubProcess({ dataDir: hubDir, dbUrl, actes });
    // After the simulator (its SMTP connection to the hub's mailbox would hold the hub's graceful close).
    closers.push(() => hub.close());
    progress(`${backend}: hub up, ${pcs.length} PCs running`);
    const run = await drive(hub, pcs, imp?.body ?? null, o);
    return {
      backend,
      seedSeconds: seeded.seconds,
      ...run,
      import: imp
        ? {
            electors: o.importElectors,
            prepareSeconds: imp.prepareSeconds,
            jsonBytes: imp.jsonBytes,
            gzipBytes: imp.body.length,
            ...run.import,
          }
        : null,
    };
  } finally {
    progress(`${backend}: closing`);
    for (const c of closers) await c().catch(() => undefined);
    await schema?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Drive the simulated PCs against the hub; answers the figures of the run. */
async function drive(
  hubProcess: HubProcess,
  pcs: SimPc[],
  importBody: Buffer | null,
  o: Required<LoadBenchOptions>,
): Promise<Record<string, unknown> & { import: Record<string, unknown> }> {
  const base = new URL(hubProcess.url);
  const hubPid = hubProcess.child.pid!;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const rnd = seededRandom(433);
  const samples: Sample[] = [];
  const rejectedMutations: Record<string, number> = {};
  let stopped = false;
  let inFlight = 0;
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const cycleMs = (SCHEDULE.cycleSeconds * 1000) / o.timeRatio;
  const changeMs = (SCHEDULE.localChangeEverySeconds * 1000) / o.timeRatio;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();

  /** One HTTP exchange, timed and recorded; answers the status and the (inflated) body, or null on a network error. */
  function send(
    pc: SimPc,
    route: string,
    method: string,
    path: string,
    body?: Buffer,
    headers: Record<string, string> = {},
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<{ status: number; body: Buffer } | null> {
    if (stopped && !route.includes('import') && !route.startsWith('acts')) return Promise.resolve(null);
    if (samples.length >= o.maxRequests) {
      stopped = true;
      return Promise.resolve(null);
    }
    const start = now();
    inFlight++;
    return new Promise((resolve) => {
      const record = (status: number, error: string | null) => {
        inFlight--;
        samples.push({ route, insee: pc.insee, start, end: now(), status, error });
      };
      const req = httpRequest(
        {
          host: base.hostname,
          port: base.port,
          method,
          path,
          agent,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${pc.token}`,
            'accept-encoding': 'gzip',
            'x-guichet-protocol': '1',
            ...(body ? { 'content-length': String(body.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let data = Buffer.concat(chunks);
            try {
              if (res.headers['content-encoding'] === 'gzip') data = gunzipSync(data);
            } catch {
              record(res.statusCode ?? 0, 'bad gzip');
              return resolve(null);
            }
            const status = res.statusCode ?? 0;
            record(status, status >= 200 && status < 300 ? null : `HTTP ${status}`);
            resolve({ status, body: data });
          });
          res.on('error', (e) => {
            record(0, e.message);
            resolve(null);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        record(0, (e as NodeJS.ErrnoException).code ?? e.message);
        resolve(null);
      });
      req.end(body);
    });
  }

  const json = (b: unknown) => Buffer.from(JSON.stringify(b));

  async function push(pc: SimPc, route: string, mutations: Array<Record<string, unknown>>): Promise<PushResponse | null> {
    // Queued changes were numbered when queued (as the outbox does); scripted ones are numbered now.
    const body = { mutations: mutations.map((m) => ({ ...m, mutationId: (m.mutationId as number | undefined) ?? pc.nextMutation++ })) };
    const res = await send(pc, route, 'POST', HUB_ROUTES.syncPush.path, json(body), { 'content-type': 'application/json' });
    if (res?.status !== 200) return null;
    const answer = JSON.parse(res.body.toString('utf8')) as PushResponse;
    for (const r of answer.results)
      if (r.status === 'rejected') rejectedMutations[r.reason.code] = (rejectedMutations[r.reason.code] ?? 0) + 1;
    return answer;
  }

  async function pull(pc: SimPc): Promise<boolean> {
    for (let page = 0; page < 50; page++) {
      const q = `?${pc.epoch ? `epoch=${encodeURIComponent(pc.epoch)}&` : ''}cursor=${pc.cursor}&limit=${SCHEDULE.pullLimit}`;
      const res = await send(pc, 'GET /sync/pull', 'GET', `${HUB_ROUTES.syncPull.path}${q}`);
      if (res?.status !== 200) return false;
      // A page of 5 000 electors is ~3 MB: read the cursor from the tail instead of parsing the records.
      const text = res.body.toString('utf8');
      const tail = /"epoch":"([^"]*)"[\s\S]*"cursor":(\d+),"hasMore":(true|false)\}$/.exec(text.slice(0, 200) + text.slice(-100));
      const page_: Pick<PullResponse, 'epoch' | 'cursor' | 'hasMore'> = tail
        ? { epoch: tail[1]!, cursor: Number(tail[2]), hasMore: tail[3] === 'true' }
        : (JSON.parse(text) as PullResponse);
      pc.epoch = page_.epoch;
      pc.cursor = page_.cursor;
      if (!page_.hasMore) return true;
    }
    return true;
  }

  function localChange(pc: SimPc): Record<string, unknown> {
    if (rnd() < SCHEDULE.actDraftShare) {
      const act = actRecord(`D${pc.index}_${pc.nextMutation}`, null);
      return { kind: 'upsert', collection: 'acts.acts', recordId: act.id, baseVersion: null, data: act };
    }
    const demand: Demand = {
      id: randomUUID(),
      kind: 'inscription',
      status: 'deposee',
      electorId: null,
      applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Camille', birthDate: '1990-05-14' },
      newAddress: '3 rue de la Mairie',
      newBureauCode: null,
      comment: null,
      createdBy: pc.role,
      createdAtLocal: '2026-12-06T10:00:00',
      ...syntheticFollowUp('2026-12-06'),
    };
    return { kind: 'upsert', collection: 'electoral.demands', recordId: demand.id, baseVersion: null, data: demand };
  }

  const report = json({
    appVersion: '0.1.0',
    os: 'Windows_NT 10.0.19045',
    lastSyncAt: null,
    pendingChanges: 0,
    lastError: null,
    update: null,
  });
  /** client-core.ts afterCycle: the device report for the console, and now and then what the session may do. */
  async function afterCycle(pc: SimPc): Promise<void> {
    const reportPath = DEVICE_REPORT_ROUTES.deviceReport.path;
    await send(pc, 'POST /device/report', 'POST', reportPath, report, { 'content-type': 'application/json' });
    const now = performance.now();
    if (now - pc.sessionCheckedAt < (SCHEDULE.sessionCheckSeconds * 1000) / o.timeRatio) return;
    pc.sessionCheckedAt = now;
    await send(pc, 'GET /me', 'GET', HUB_ROUTES.me.path);
  }

  /** engine.ts cycle: push what is queued, then pull every page; counts failures for the backoff. */
  async function cycle(pc: SimPc): Promise<void> {
    if (pc.busy) return;
    pc.busy = true;
    try {
      let ok = true;
      if (pc.pending.length) {
        const batch = pc.pending.splice(0);
        ok = (await push(pc, 'POST /sync/push', batch)) !== null;
        // Not acknowledged: the PC keeps them queued and sends them again, same ids (the hub answers a replay from its record).
        if (!ok) pc.pending.unshift(...batch);
      }
      if (ok) ok = await pull(pc);
      pc.failures = ok ? 0 : pc.failures + 1;
      await afterCycle(pc);
    } finally {
      pc.busy = false;
    }
  }

  /** scheduler.ts: the next cycle after the interval, or after the backoff following failures; ±20 % either way. */
  const nextDelay = (pc: SimPc) => {
    const base =
      pc.failures === 0
        ? SCHEDULE.cycleSeconds
        : Math.min(SCHEDULE.maxBackoffSeconds, SCHEDULE.firstRetrySeconds * 2 ** Math.min(pc.failures - 1, 10));
    return ((base * 1000) / o.timeRatio) * (1 - SCHEDULE.jitter + 2 * SCHEDULE.jitter * rnd());
  };

  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) f();
    }, ms);
    timers.add(t);
  };
  const loop = (pc: SimPc) => void cycle(pc).finally(() => later(nextDelay(pc), () => loop(pc)));
  const changes = (pc: SimPc) =>
    later(-Math.log(1 - rnd()) * changeMs, () => {
      pc.pending.push({ ...localChange(pc), mutationId: pc.nextMutation++ });
      later(SCHEDULE.debounceMs / o.timeRatio, () => void cycle(pc));
      changes(pc);
    });
  // The PCs were already running: each starts somewhere in its cycle.
  for (const pc of pcs) {
    later(rnd() * cycleMs, () => loop(pc));
    if (pc.communeIndex >= 0) changes(pc);
  }

  // Hub process figures, sampled every 500 ms.
  const procSamples: Array<{ at: number; cpuSeconds: number; rssMiB: number }> = [];
  const first = procStats(hubPid);
  const sampler = setInterval(() => {
    const s = procStats(hubPid);
    if (s) procSamples.push({ at: now(), cpuSeconds: s.cpuSeconds, rssMiB: s.rssMiB });
  }, 500);

  // The import: one push of the whole list from Troyes' first PC, a few cycles into the run.
  const importPc = pcs.find((p) => p.insee === IMPORT_COMMUNE && p.role === 'maire')!;
  const importResult: Record<string, unknown> = {};
  let importWindow: [number, number] | null = null;
  let importStart: number | null = null;
  const importDone = (async () => {
    if (!importBody || !importPc) return;
    await new Promise((r) => setTimeout(r, Math.min(10_000, cycleMs)));
    while (importPc.busy) await new Promise((r) => setTimeout(r, 20));
    importPc.busy = true;
    const start = now();
    importStart = start;
    const res = await send(
      importPc,
      'POST /sync/push (electoral.import)',
      'POST',
      HUB_ROUTES.syncPush.path,
      importBody,
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      IMPORT_TIMEOUT_MS,
    );
    importWindow = [start, now()];
    importPc.busy = false;
    const answer = res?.status === 200 ? (JSON.parse(res.body.toString('utf8')) as PushResponse) : null;
    Object.assign(importResult, {
      seconds: round((importWindow[1] - importWindow[0]) / 1000, 2),
      status: answer?.results[0]?.status ?? (res ? `HTTP ${res.status}` : 'network error'),
      startedAtSecond: round(start / 1000, 2),
    });
  })();

  // The acts: one commune's mayor transmits them one after the other (as the client does: HEAD, PATCH, act record, transmit).
  const actsPc = pcs.find((p) => p.insee === ACTS_COMMUNE && p.role === 'maire')!;
  const actsResult: Record<string, unknown> = { acts: o.transmitActs, through: o.actsThrough };
  const actIds: string[] = [];
  const actsDone = (async () => {
    if (o.transmitActs === 0 || !actsPc) return;
    await new Promise((r) => setTimeout(r, Math.min(5_000, cycleMs / 2)));
    const a0 = now();
    let applied = 0;
    for (let i = 0; i < o.transmitActs && samples.length < o.maxRequests; i++) {
      // A distinct PDF per act, so acts do not share files.
      const file = uniquePdf(`load-${i}`);
      const sha = sha256Of(file);
      const act = actRecord(`CHARGE_${String(i).padStart(4, '0')}`, file);
      await send(actsPc, 'acts HEAD /files/:sha256', 'HEAD', ACTS_HUB_ROUTES.fileStatus.path.replace(':sha256', sha));
      await send(actsPc, 'acts PATCH /files/:sha256', 'PATCH', ACTS_HUB_ROUTES.fileUpload.path.replace(':sha256', sha), file, {
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
        'upload-length': String(file.length),
      });
      while (actsPc.busy) await new Promise((r) => setTimeout(r, 20));
      actsPc.busy = true;
      try {
        await push(actsPc, 'acts POST /sync/push (act)', [
          { kind: 'upsert', collection: 'acts.acts', recordId: act.id, baseVersion: null, data: act },
        ]);
        const r = await push(actsPc, 'acts POST /sync/push (acts.transmit)', [
          { kind: 'command', name: TRANSMIT_COMMAND, payload: { actId: act.id } },
        ]);
        if (r?.results[0]?.status === 'applied') {
          applied++;
          actIds.push(act.id);
        }
      } finally {
        actsPc.busy = false;
      }
    }
    Object.assign(actsResult, { transmitApplied: applied, transmitSeconds: round((now() - a0) / 1000, 2) });
  })();

  // Run until the import and the acts are in and loadSeconds more have passed, within maxSeconds.
  const deadline = o.maxSeconds * 1000;
  let deadlineTimer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all([importDone, actsDone]), new Promise((r) => (deadlineTimer = setTimeout(r, deadline)))]);
  clearTimeout(deadlineTimer);
  const busyEnd = now();
  while (now() < Math.min(deadline, busyEnd + o.loadSeconds * 1000) && !stopped) await new Promise((r) => setTimeout(r, 100));
  stopped = true;
  for (const t of timers) clearTimeout(t);
  const wallSeconds = now() / 1000;
  for (let i = 0; i < 200 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
  clearInterval(sampler);
  lag.disable();
  const last = procStats(hubPid);

  // Where the acts ended up (the forwarder works in the background): one pull of the commune's statuses.
  if (actIds.length) {
    stopped = false;
    const probe: SimPc = { ...actsPc, cursor: 0, epoch: null, busy: false };
    const states: Record<string, number> = {};
    const res = await send(probe, 'final probe', 'GET', `${HUB_ROUTES.syncPull.path}?cursor=0&limit=5000`);
    stopped = true;
    if (res?.status === 200)
      for (const r of (JSON.parse(res.body.toString('utf8')) as PullResponse).changes)
        if (r.collection === 'acts.status' && actIds.includes(r.id)) {
          const st = (r.data as { state: string }).state;
          states[st] = (states[st] ?? 0) + 1;
        }
    actsResult.statesAtEnd = states;
  }
  // Idle keep-alive sockets would hold the hub's graceful close.
  agent.destroy();

  // ---- figures --------------------------------------------------------------
  const measured = samples.filter((s) => s.route !== 'final probe');
  const byRoute = new Map<string, Sample[]>();
  for (const s of measured) byRoute.set(s.route, [...(byRoute.get(s.route) ?? []), s]);
  const routes: Record<string, unknown> = {};
  for (const [route, list] of [...byRoute].sort(([a], [b]) => a.localeCompare(b))) {
    const ok = list.filter((s) => s.error === null);
    routes[route] = {
      ...stats(list.map((s) => s.end - s.start)),
      errors: list.length - ok.length,
      okP99Ms: stats(ok.map((s) => s.end - s.start)).p99Ms,
    };
  }
  const errors: Record<string, number> = {};
  for (const s of measured) if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);

  // The other communes' routine requests (pull, push) during the import window and outside it.
  const routine = measured.filter(
    (s) => s.insee !== IMPORT_COMMUNE && s.insee !== ACTS_COMMUNE && !s.insee.startsWith('revoked') && ROUTINE_ROUTES.includes(s.route),
  );
  // An import still running when the run ended (bounded by maxSeconds) held the whole rest of the run.
  const started = importStart as number | null;
  if (!importWindow && started !== null) {
    importWindow = [started, wallSeconds * 1000];
    Object.assign(importResult, {
      status: 'unfinished when the run ended',
      secondsAtLeast: round(wallSeconds - started / 1000, 2),
      startedAtSecond: round(started / 1000, 2),
    });
  }
  const win = importWindow as [number, number] | null;
  const during = win ? routine.filter((s) => s.end > win[0] && s.start < win[1]) : [];
  const outside = win ? routine.filter((s) => s.end <= win[0] || s.start >= win[1]) : routine;
  const duringStats = stats(during.map((s) => s.end - s.start));
  const outsideStats = stats(outside.map((s) => s.end - s.start));
  const allRoutine = stats(routine.map((s) => s.end - s.start));

  // Hub event-loop stalls (reported every 500 ms, timestamped here: shift to the run's clock).
  const stalls = hubProcess.stalls.map((s) => ({ at: s.at - t0, ms: s.ms }));
  const maxStall = (list: typeof stalls) => (list.length ? Math.max(...list.map((s) => s.ms)) : null);
  const hubStalls = {
    note: 'longest event-loop delay of the hub process per 500 ms. On PostgreSQL a stall is the hub’s own work on its loop (inflate, JSON parse, validation); on SQLite the database work runs on the loop too (better-sqlite3 is synchronous)',
    maxMsDuringImport: win ? maxStall(stalls.filter((s) => s.at >= win[0] && s.at <= win[1] + 500)) : null,
    maxMsOutsideImport: maxStall(win ? stalls.filter((s) => s.at < win[0] || s.at > win[1] + 500) : stalls),
  };

  const cpuBetween = (a: number, b: number) => {
    // The samples around the window (every 500 ms), so a short window still gets a figure.
    const x = procSamples.findLast((s) => s.at <= a) ?? procSamples[0];
    const y = procSamples.find((s) => s.at >= b) ?? procSamples[procSamples.length - 1];
    if (!x || !y || y.at <= x.at) return null;
    return round(((y.cpuSeconds - x.cpuSeconds) / ((y.at - x.at) / 1000)) * 100);
  };
  const hub =
    first && last
      ? {
          cpuSeconds: round(last.cpuSeconds - first.cpuSeconds, 2),
          cpuPercentOfOneCore: round(((last.cpuSeconds - first.cpuSeconds) / wallSeconds) * 100),
          // Steadier than latencies on a shared machine: CPU the hub spent per request served (import and acts included).
          cpuMsPerRequest: round(((last.cpuSeconds - first.cpuSeconds) * 1000) / Math.max(1, measured.length), 2),
          cpuPercentDuringImport: win ? cpuBetween(win[0], win[1]) : null,
          eventLoop: hubStalls,
          rssMiBAtEnd: last.rssMiB,
          peakRssMiB: last.peakRssMiB,
          source: '/proc/<pid>/stat and status of the hub process (VmHWM = peak RSS)',
        }
      : { note: '/proc unavailable: hub CPU and RSS not measured' };

  const met = (value: number, target: number) => ({ value, target, met: Number.isFinite(value) && value <= target });
  return {
    wallSeconds: round(wallSeconds, 2),
    // Other work on the machine takes CPU from the hub: read the latencies with this in mind.
    loadAverage1mAtEnd: round(loadavg()[0]!),
    simulatedMinutes: round((wallSeconds * o.timeRatio) / 60, 1),
    pcs: pcs.length,
    requests: measured.length,
    throughputPerSecond: round(measured.length / wallSeconds),
    boundedBy: samples.length >= o.maxRequests ? 'maxRequests' : wallSeconds * 1000 >= deadline - 200 ? 'maxSeconds' : null,
    routes,
    errors: { total: errorCount, byKind: errors },
    rejectedMutations,
    hub,
    import: importResult,
    acts: actsResult,
    otherCommunes: {
      note: 'pull, push, device report and session check (GET /me, every 5 min) of every commune but the importing and transmitting ones; « during » = in flight at any moment of the import push',
      all: allRoutine,
      duringImport: duringStats,
      outsideImport: outsideStats,
      ratioP99DuringVsOutside: round(duringStats.p99Ms / outsideStats.p99Ms, 2),
    },
    targets: {
      routineP99Ms: met(allRoutine.p99Ms, TARGET_P99_MS),
      otherCommunesP99DuringImportMs: met(duringStats.p99Ms, TARGET_P99_MS),
    },
    loadGenerator: {
      note: 'event-loop delay of the process simulating the PCs: large values mean the generator, not the hub, added latency',
      eventLoopDelayP99Ms: round(lag.percentile(99) / 1e6),
      eventLoopDelayMaxMs: round(lag.max / 1e6),
    },
  };
}

export async function benchLoad(options: LoadBenchOptions = {}): Promise<Record<string, unknown>> {
  const o: Required<LoadBenchOptions> = {
    backends: options.backends ?? ['sqlite', 'postgres'],
    collectivites: options.collectivites ?? 433,
    pcsPerCollectivite: options.pcsPerCollectivite ?? 1.5,
    timeRatio: options.timeRatio ?? 4,
    loadSeconds: options.loadSeconds ?? 30,
    maxSeconds: options.maxSeconds ?? 120,
    maxRequests: options.maxRequests ?? 60_000,
    importElectors: options.importElectors ?? 35_000,
    transmitActs: options.transmitActs ?? 50,
    actsThrough: options.actsThrough ?? 'simulator',
    unknownTokenPcs: options.unknownTokenPcs ?? 0,
  };
  const out: Record<string, unknown> = {
    collectivites: o.collectivites,
    pcsPerCollectivite: o.pcsPerCollectivite,
    timeRatio: o.timeRatio,
    schedule: {
      ...SCHEDULE,
      note: `the PC's schedule (electron/sync/engine.ts) in real seconds; the run plays it ${o.timeRatio}× faster (a cycle every ${round(SCHEDULE.cycleSeconds / o.timeRatio)} s per PC)`,
    },
    cores: availableParallelism(),
    loadAverage1m: round(loadavg()[0]!),
    bounds: { loadSeconds: o.loadSeconds, maxSeconds: o.maxSeconds, maxRequests: o.maxRequests, requestTimeoutMs: REQUEST_TIMEOUT_MS },
    targetP99Ms: TARGET_P99_MS,
    actsThrough: o.actsThrough,
  };
  // The import push is prepared once through the client's path, then sent as is to each backend's hub.
  progress('preparing the import through the client path');
  const importDir = mkdtempSync(join(tmpdir(), 'guichet-bench-load-import-'));
  let imp: Awaited<ReturnType<typeof importPushBody>> | null = null;
  try {
    imp = o.importElectors > 0 ? await importPushBody(importDir, o.importElectors) : null;
  } finally {
    rmSync(importDir, { recursive: true, force: true });
  }
  for (const backend of o.backends) {
    if (backend === 'postgres' && process.env.GUICHET_TEST_PG === 'off') {
      out[backend] = { skipped: 'GUICHET_TEST_PG=off' };
      continue;
    }
    try {
      out[backend] = await runBackend(backend, o, imp);
    } catch (err) {
      out[backend] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return out;
}

// Exposed for the smoke test: whether /proc can be read here.
export const canMeasureHubProcess = (): boolean => existsSync('/proc/self/stat');
