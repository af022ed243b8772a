import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { DomainRegistry, RegisteredCollection } from '../../shared/domain/registry.js';
import { parisDay } from '../../shared/calendar.js';
import { GuichetError } from '../../shared/errors.js';
import { MAX_RECORD_BYTES, type Mutation, type PushResult, type SyncRecord } from '../../shared/sync/protocol.js';
import type { AuthContext } from '../accounts/auth-context.js';
import { isPostgres, nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { accessRefusal } from '../domain/access.js';
import { fileStates } from '../files/store.js';
import { randomUUID } from 'node:crypto';
import type { CommandContext, CommandHandler, PreparedCommand } from './commands.js';
import { parseInSlices } from './parse-in-slices.js';
import { timeSlices } from './time-slices.js';
import {
  changedSince,
  dropStaged,
  ensureCommuneSync,
  isDuplicateMutation,
  landStaged,
  lockCommuneFor,
  readAllRecords,
  readAllRecordsPaged,
  readRecord,
  stageRecords,
  storedResult,
  toSyncRecord,
  writeRecords,
  type StoredRecord,
} from './store.js';

/** What the push knows of the domains: their declarations (registry) and the app's command handlers. */
export interface PushDomains {
  registry: DomainRegistry;
  commands: ReadonlyMap<string, CommandHandler>;
}

const DEFAULT_STALE_MESSAGE = 'Cet élément a été modifié sur un autre poste entre-temps : rouvrez-le pour voir la version à jour.';

const TOO_LARGE_MESSAGE =
  'Cet enregistrement est trop volumineux pour être envoyé au hub (256 Ko au plus) : raccourcissez les textes saisis.';
const HUB_WRITTEN_MESSAGE =
  'Ces données sont écrites par le hub uniquement (par exemple lors d’un import) : elles ne peuvent pas être modifiées depuis un poste.';

/** A refusal of one mutation; thrown inside its transaction so nothing it wrote is kept. */
class MutationRejected extends GuichetError {
  constructor(
    error: GuichetError,
    readonly current?: SyncRecord | null,
  ) {
    super(error.code, error.message, error.detail);
  }
}

function reject(code: GuichetError['code'], message: string, detail: string, current?: StoredRecord | null): never {
  throw new MutationRejected(new GuichetError(code, message, detail), current === undefined ? undefined : current && toSyncRecord(current));
}

/** A refusal (GuichetError) becomes the mutation's rejection; anything else is a real failure (500, rolled back). */
function asRejection(e: unknown): never {
  if (e instanceof GuichetError && !(e instanceof MutationRejected)) reject(e.code, e.message, e.detail ?? '');
  throw e;
}

/** Which mutation kinds and outcomes a push had (counts for the log). */
export interface PushOutcome {
  results: PushResult[];
  applied: number;
  rejected: number;
  replayed: number;
  summaries: { mutationId: number; name: string; summary: Record<string, number> }[];
}

/**
 * Apply a device's mutations in order, each in its own transaction together
 * with its stored result: (device, mutation) is applied at most once and a
 * retry gets the same answer, applied or rejected.
 */
export async function applyPush(
  db: Kysely<HubDatabase>,
  domains: PushDomains,
  auth: AuthContext,
  mutations: readonly Mutation[],
): Promise<PushOutcome> {
  // No ensureCommuneSync here: each mutation's transaction starts with lockCommuneFor, which creates the row if need be.
  const outcome: PushOutcome = { results: [], applied: 0, rejected: 0, replayed: 0, summaries: [] };
  for (const m of mutations) {
    const { result, replayed, summary } = await applyOne(db, domains, auth, m);
    outcome.results.push(result);
    if (replayed) outcome.replayed++;
    else if (result.status === 'applied') outcome.applied++;
    else outcome.rejected++;
    if (summary && m.kind === 'command') outcome.summaries.push({ mutationId: m.mutationId, name: m.name, summary });
  }
  return outcome;
}

interface OneOutcome {
  result: PushResult;
  replayed: boolean;
  summary?: Record<string, number>;
}

async function applyOne(db: Kysely<HubDatabase>, domains: PushDomains, auth: AuthContext, m: Mutation): Promise<OneOutcome> {
  try {
    return await applyOnce(db, domains, auth, m);
  } catch (err) {
    // A retry of this mutation stored its result while we waited for the lock (see lockCommuneFor): all we
    // wrote is rolled back; once more, the lookup finds that result and answers it.
    if (!isDuplicateMutation(err)) throw err;
    return applyOnce(db, domains, auth, m);
  }
}

async function applyOnce(db: Kysely<HubDatabase>, domains: PushDomains, auth: AuthContext, m: Mutation): Promise<OneOutcome> {
  try {
    const prepared = m.kind === 'command' ? await prepareCommand(db, domains, auth, m) : null;
    try {
      return await db.transaction().execute((trx) =>
        onceFor(trx, auth, m, async () => {
          const { versions, summary } =
            prepared && !(await changedSince(trx, auth.communeId, prepared.command.reads, prepared.basis))
              ? await landPrepared(trx, auth, prepared)
              : await applyMutation(trx, domains, auth, m);
          return { result: { mutationId: m.mutationId, status: 'applied', versions }, summary };
        }),
      );
    } finally {
      if (prepared?.stageId) await dropStaged(db, prepared.stageId, prepared.staged);
    }
  } catch (err) {
    if (!(err instanceof MutationRejected)) throw err;
    // The mutation's writes were rolled back; keep the refusal so a retry answers it again.
    const result: PushResult = {
      mutationId: m.mutationId,
      status: 'rejected',
      reason: err.toBody(),
      ...(err.current !== undefined ? { current: err.current } : {}),
    };
    return db.transaction().execute((trx) => onceFor(trx, auth, m, async () => ({ result })));
  }
}

/** Lock the commune, answer a stored result if this (device, mutation) was seen, else compute and store it. */
async function onceFor(
  trx: Transaction<HubDatabase>,
  auth: AuthContext,
  m: Mutation,
  compute: () => Promise<Omit<OneOutcome, 'replayed'>>,
): Promise<OneOutcome> {
  const { stored } = await lockCommuneFor(trx, auth.communeId, { deviceId: auth.deviceId, mutationId: m.mutationId });
  if (stored !== null) return { result: JSON.parse(stored) as PushResult, replayed: true };
  const outcome = await compute();
  await trx
    .insertInto('device_mutations')
    .values({
      device_id: auth.deviceId,
      mutation_id: m.mutationId,
      commune_id: auth.communeId,
      result: JSON.stringify(outcome.result),
      applied_at: nowIso(),
    })
    .execute();
  return { ...outcome, replayed: false };
}

/** A command worked out before its transaction, against the commune's records up to `basis`; its big writes staged (SQLite). */
interface Prepared {
  command: PreparedCommand;
  basis: number;
  stageId: string | null;
  staged: number;
}

/**
 * Large commands (those with `prepare`) do their checks, validation and diff here, before the transaction,
 * with pauses so other requests go on; on SQLite their writes are staged in short statements too. The
 * transaction then only lands them (`landPrepared`), unless a record they read changed meanwhile. Answers
 * null when the plain path applies: other mutations, a retry already answered, or a refusal from the
 * preparation (judged again by the plain handler under the lock, which stores the refusal).
 */
async function prepareCommand(db: Kysely<HubDatabase>, domains: PushDomains, auth: AuthContext, m: Mutation): Promise<Prepared | null> {
  if (m.kind !== 'command') return null;
  const handler = domains.commands.get(m.name);
  const command = domains.registry.command(m.name);
  if (!handler?.prepare || !command) return null;
  const seen = (await storedResult(db, { deviceId: auth.deviceId, mutationId: m.mutationId })) !== null;
  if (seen || accessRefusal(domains.registry, auth, command.service, command.permission)) return null;
  // One clock for the whole preparation: the event loop gets a turn every SLICE_MS of it, whichever step runs.
  const turnIfDue = timeSlices();
  const parsed = await parseInSlices(command.payload, m.payload, turnIfDue);
  if (!parsed.success) reject('invalid_input', INVALID_PAYLOAD_MESSAGE, describeIssues(parsed.error));
  // Read before the records: whatever is written after this sequence is seen by changedSince.
  const basis = (await ensureCommuneSync(db, auth.communeId)).lastSeq;
  let prepared: PreparedCommand;
  try {
    prepared = await handler.prepare(
      { communeId: auth.communeId, readAll: (collection) => readAllRecordsPaged(db, auth.communeId, collection), pause: turnIfDue },
      parsed.data as never,
    );
  } catch (e) {
    if (e instanceof GuichetError) return null;
    throw e;
  }
  if (isPostgres(db)) return { command: prepared, basis, stageId: null, staged: 0 };
  // SQLite has one writer and runs each statement on the event loop: stage the rows now, a chunk at a time.
  const stageId = randomUUID();
  let ord = 0;
  try {
    for (const w of prepared.writes) {
      await stageRecords(db, stageId, ord, w.writes);
      ord += w.writes.length;
    }
  } catch (e) {
    await dropStaged(db, stageId, ord + 5_000);
    throw e;
  }
  return { command: prepared, basis, stageId, staged: ord };
}

/** Inside the transaction (commune locked, not a retry): the prepared writes land, in order, then the command's own end. */
async function landPrepared(trx: Transaction<HubDatabase>, auth: AuthContext, p: Prepared): Promise<Applied> {
  let ord = 0;
  for (const w of p.command.writes) {
    if (w.writes.length === 0) continue;
    if (p.stageId) await landStaged(trx, auth.communeId, w.collection, p.stageId, ord, w.writes.length);
    else await writeRecords(trx, auth.communeId, w.collection, w.writes);
    ord += w.writes.length;
  }
  try {
    return await p.command.finish(commandContext(trx, auth));
  } catch (e) {
    asRejection(e);
  }
}

const INVALID_PAYLOAD_MESSAGE = 'Les données envoyées au hub sont invalides ; l’opération n’a pas été enregistrée.';

type Applied = { versions: Extract<PushResult, { status: 'applied' }>['versions']; summary?: Record<string, number> };

/**
 * Every rule the hub holds about a mutation, in order: the collection or command
 * exists, clients may write it, service opted into and permission held
 * (registry.mayUse), version, schema, then the collection's own write rule
 * (state transitions, permission-dependent fields) from its shared declaration.
 */
async function applyMutation(trx: Transaction<HubDatabase>, domains: PushDomains, auth: AuthContext, m: Mutation): Promise<Applied> {
  const { registry } = domains;
  if (m.kind === 'command') {
    const command = registry.command(m.name);
    const handler = domains.commands.get(m.name);
    if (!command || !handler)
      reject(
        'bad_request',
        "Cette opération n'est pas reconnue par le hub : mettez Guichet à jour.",
        `unknown command ${m.name.slice(0, 100)}`,
      );
    refuseIf(accessRefusal(registry, auth, command.service, command.permission));
    const parsed = command.payload.safeParse(m.payload);
    if (!parsed.success) reject('invalid_input', INVALID_PAYLOAD_MESSAGE, describeIssues(parsed.error));
    try {
      return await handler(commandContext(trx, auth), parsed.data as never);
    } catch (e) {
      asRejection(e);
    }
  }

  const spec = registry.collection(m.collection);
  if (!spec)
    reject('bad_request', 'Ces données ne sont pas reconnues par le hub : mettez Guichet à jour.', `unknown collection ${m.collection}`);
  if (spec.writer !== 'client' || spec.write === undefined) reject('forbidden', HUB_WRITTEN_MESSAGE, `${m.collection} is hub-written`);
  refuseIf(accessRefusal(registry, auth, spec.service, spec.write));
  const current = await readRecord(trx, auth.communeId, m.collection, m.recordId);
  const ref = `${m.collection}/${m.recordId}`;
  const stale = spec.staleMessage ?? DEFAULT_STALE_MESSAGE;

  if (m.kind === 'delete') {
    if (!current) reject('not_found', "Cet élément n'existe pas (ou plus) sur le hub.", `${ref} not found`, null);
    if (current.version !== m.baseVersion)
      reject('stale_version', stale, `${ref} base ${m.baseVersion}, current ${current.version}`, current);
    if (current.deleted) return { versions: [] }; // already gone at that version: nothing to do
    checkRule(registry, spec, auth, current, null);
    return { versions: await writeRecords(trx, auth.communeId, m.collection, [{ id: m.recordId, json: null }]) };
  }

  if (m.baseVersion === null) {
    if (current && !current.deleted)
      reject(
        'conflict',
        'Cet élément existe déjà sur le hub (créé depuis un autre poste).',
        `${ref} exists at ${current.version}`,
        current,
      );
  } else {
    if (!current) reject('not_found', "Cet élément n'existe pas (ou plus) sur le hub.", `${ref} not found`, null);
    if (current.version !== m.baseVersion)
      reject('stale_version', stale, `${ref} base ${m.baseVersion}, current ${current.version}`, current);
  }
  const parsed = spec.schema.safeParse(m.data);
  if (!parsed.success)
    reject(
      'invalid_input',
      'Les informations saisies sont incomplètes ou invalides ; corrigez-les puis réessayez.',
      describeIssues(parsed.error),
    );
  const id = (parsed.data as { id?: unknown }).id;
  if (id !== m.recordId)
    reject(
      'invalid_input',
      'Les informations envoyées sont incohérentes ; l’enregistrement a été refusé.',
      `${ref}: data.id differs from recordId`,
    );
  checkRule(registry, spec, auth, current, parsed.data);
  await checkFiles(trx, spec, auth, current, parsed.data);
  const json = JSON.stringify(parsed.data);
  if (Buffer.byteLength(json) > MAX_RECORD_BYTES)
    reject('invalid_input', TOO_LARGE_MESSAGE, `${ref}: ${Buffer.byteLength(json)} bytes > ${MAX_RECORD_BYTES}`);
  return { versions: await writeRecords(trx, auth.communeId, m.collection, [{ id: m.recordId, json }]) };
}

function refuseIf(refusal: GuichetError | null): void {
  if (refusal) reject(refusal.code, refusal.message, refusal.detail ?? '');
}

/**
 * The collection's write rule, the same function the PC runs for comfort:
 * `before` is the record as the hub holds it (null when created, or re-created
 * over a tombstone), `after` what the client sends (null for a delete).
 * The refusal carries the hub's record so the PC shows it again instead of the
 * refused optimistic one (unless the role may not read the collection).
 */
function checkRule(
  registry: DomainRegistry,
  spec: RegisteredCollection,
  auth: AuthContext,
  current: StoredRecord | null,
  after: unknown,
): void {
  if (!spec.checkWrite) return;
  const before = current && !current.deleted && current.json !== null ? (JSON.parse(current.json) as unknown) : null;
  const refusal = spec.checkWrite({ before, after, may: (p) => auth.permissions.includes(p), today: parisDay(new Date()) });
  if (!refusal) return;
  const mayRead = registry.mayUse(auth, spec.service, spec.read);
  reject(refusal.code, refusal.message, `${spec.name}: ${refusal.detail}`, mayRead ? current : undefined);
}

/**
 * A record naming files (files module) lands only once the hub holds each newly named file whole,
 * sent through the record's domain: the PC uploads them before pushing, so the user never reads
 * this; a crafted push, or a file lost on its PC, is refused. Files the hub's record already named
 * are not checked again (an edit elsewhere of an older record stays possible).
 */
async function checkFiles(
  trx: Transaction<HubDatabase>,
  spec: RegisteredCollection,
  auth: AuthContext,
  current: StoredRecord | null,
  after: unknown,
): Promise<void> {
  if (!spec.files) return;
  const before = current && !current.deleted && current.json !== null ? spec.files(JSON.parse(current.json) as never) : [];
  const known = new Set(before);
  const added = [...new Set(spec.files(after as never))].filter((sha256) => !known.has(sha256));
  if (added.length === 0) return;
  const states = await fileStates(trx, auth.communeId, added, spec.domain);
  for (const sha256 of added) {
    if (!states.get(sha256)?.complete)
      reject(
        'invalid_input',
        "Une pièce jointe n'est pas encore arrivée sur le hub : l'envoi reprendra automatiquement. Si cela se répète, joignez de nouveau le fichier depuis le poste où il a été numérisé.",
        `${spec.name}: file ${sha256.slice(0, 12)} not held`,
      );
  }
}

function commandContext(trx: Transaction<HubDatabase>, auth: AuthContext): CommandContext {
  return {
    trx,
    communeId: auth.communeId,
    userId: auth.userId,
    deviceId: auth.deviceId,
    role: auth.role,
    async writeRecord(collection, id, data) {
      const [w] = await writeRecords(trx, auth.communeId, collection, [{ id, json: data === null ? null : JSON.stringify(data) }]);
      return w.version;
    },
    writeRecords: (collection, writes) => writeRecords(trx, auth.communeId, collection, writes),
    readAll: (collection) => readAllRecords(trx, auth.communeId, collection),
  };
}

/** Paths and codes of the first issues, for the log: never the values (they may be personal data). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(racine)'}: ${i.code}`)
    .join('; ');
}
