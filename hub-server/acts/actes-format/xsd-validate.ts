import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuichetError } from '../../../shared/errors.js';

/**
 * Validation against the official ACTES XSD with libxml2's `xmllint`: the
 * ministry rejects what does not validate, so nothing leaves the hub (and the
 * simulator sends nothing) without passing it. Several files are checked in
 * one xmllint run: spawning it and parsing the schema cost more than
 * validating a message.
 */
export function actesXsdDir(): string {
  if (process.env.GUICHET_ACTES_XSD_DIR) return path.resolve(process.env.GUICHET_ACTES_XSD_DIR);
  // Resolved from this file, not from the cwd: CI runs from a fresh clone with
  // `shared/` beside the repository (<repo>/../shared).
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.resolve(repoRoot, '../shared/refs/actes');
}

export interface XsdFileResult {
  fileName: string;
  valid: boolean;
  /** xmllint's messages about this file. */
  errors: string[];
}

export class ActesSchemaError extends GuichetError {
  readonly results: XsdFileResult[];
  constructor(results: XsdFileResult[]) {
    const bad = results.filter((r) => !r.valid);
    const first = bad[0];
    super(
      'invalid_input',
      `Le message ACTES « ${first?.fileName} » n'est pas conforme au schéma officiel : ${first?.errors[0] ?? 'erreur inconnue'}`,
      bad.map((r) => `${r.fileName}:\n  ${r.errors.join('\n  ')}`).join('\n'),
    );
    this.results = results;
  }
}

interface RunnerAnswer {
  id: number;
  code: number;
  stderr: string;
  spawnError?: string;
}

/**
 * The xmllint runner child (see xmllint-runner.mjs), started on first use and
 * again if it dies. Its handles are unref'd while nothing is pending so an
 * idle hub or CLI can exit.
 */
let runner: ChildProcess | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (a: RunnerAnswer) => void; reject: (e: unknown) => void }>();

function refRunner(ref: boolean): void {
  if (!runner) return;
  const handles = [runner, runner.stdin, runner.stdout] as Array<{ ref?: () => void; unref?: () => void } | null>;
  for (const h of handles) (ref ? h?.ref : h?.unref)?.call(h);
}

function getRunner(): ChildProcess {
  if (runner && runner.exitCode === null && !runner.killed) return runner;
  const script = fileURLToPath(new URL('./xmllint-runner.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const answer = JSON.parse(line) as RunnerAnswer;
    pending.get(answer.id)?.resolve(answer);
    pending.delete(answer.id);
    if (pending.size === 0) refRunner(false);
  });
  child.on('exit', () => {
    if (runner === child) runner = null;
    for (const p of pending.values())
      p.reject(new GuichetError('internal', 'La validation des messages ACTES a été interrompue.', 'xmllint runner exited'));
    pending.clear();
  });
  runner = child;
  return child;
}

function execXmllint(args: string[]): Promise<RunnerAnswer> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const child = getRunner();
    refRunner(true);
    child.stdin!.write(`${JSON.stringify({ id, args })}\n`);
  });
}

/** One xmllint run over absolute paths; per-file verdicts and messages. */
async function runXmllint(paths: string[]): Promise<Map<string, { valid: boolean; errors: string[] }>> {
  const schema = path.join(actesXsdDir(), 'actesv1_1.xsd');
  const { code, stderr, spawnError } = await execXmllint(['--noout', '--nonet', '--schema', schema, ...paths]);
  if (spawnError === 'ENOENT')
    throw new GuichetError('internal', "L'outil de validation xmllint est introuvable sur le serveur.", 'install libxml2-utils');
  // Exit 1 = parse error, 3/4 = validation errors: per-file lines follow. Anything else (5 = schema) is ours.
  if (![0, 1, 3, 4].includes(code) || /Schemas parser error|failed to compile/.test(stderr)) {
    throw new GuichetError(
      'internal',
      'Le schéma officiel ACTES est illisible ou la validation a échoué.',
      `${schema}: exit ${code}: ${stderr.slice(0, 2000)}`,
    );
  }
  const lines = stderr.split('\n');
  const out = new Map<string, { valid: boolean; errors: string[] }>();
  for (const p of paths) {
    const errors = lines.filter((l) => l.startsWith(`${p}:`)).map((l) => l.slice(p.length + 1).trim());
    const valid = lines.includes(`${p} validates`);
    out.set(p, { valid, errors: valid ? [] : errors.length ? errors : ['document illisible'] });
  }
  return out;
}

/**
 * Requests that arrive while xmllint is running wait and go together in the
 * next run: under load a single run validates many archives, so the cost of
 * spawning xmllint and compiling the schema is shared (at the price of a
 * few milliseconds of gathering when idle).
 */
const MAX_FILES_PER_RUN = 400;
/** When idle, wait this long for concurrent requests to join the run: spawning is the dominant cost. */
const GATHER_MS = 3;
const counters = { runs: 0, files: 0 };
let gathering = false;

/** How many xmllint runs and files so far (for the bench). */
export function xsdValidatorStats(): { runs: number; files: number } {
  return { ...counters };
}
const queue: Array<{
  paths: string[];
  resolve: (m: Map<string, { valid: boolean; errors: string[] }>) => void;
  reject: (e: unknown) => void;
}> = [];
let running = false;

function pump(): void {
  if (running || gathering || queue.length === 0) return;
  const batch: typeof queue = [];
  let count = 0;
  while (queue.length && (batch.length === 0 || count + queue[0].paths.length <= MAX_FILES_PER_RUN)) {
    const r = queue.shift()!;
    batch.push(r);
    count += r.paths.length;
  }
  running = true;
  counters.runs++;
  counters.files += count;
  runXmllint([...new Set(batch.flatMap((r) => r.paths))])
    .then(
      (m) => {
        for (const r of batch) r.resolve(m);
      },
      (e) => {
        for (const r of batch) r.reject(e);
      },
    )
    .finally(() => {
      running = false;
      pump();
    });
}

/** Validate files already on disk in `dir` (names relative to it). */
export async function validateFilesInDir(dir: string, fileNames: string[]): Promise<XsdFileResult[]> {
  if (fileNames.length === 0) return [];
  const paths = fileNames.map((n) => path.resolve(dir, n));
  const verdicts = await new Promise<Map<string, { valid: boolean; errors: string[] }>>((resolve, reject) => {
    queue.push({ paths, resolve, reject });
    if (!running && !gathering) {
      gathering = true;
      setTimeout(() => {
        gathering = false;
        pump();
      }, GATHER_MS);
    }
  });
  return fileNames.map((fileName, i) => ({ fileName, ...verdicts.get(paths[i])! }));
}

/** Validate in-memory documents; throws `ActesSchemaError` listing xmllint's messages when one is invalid. */
export async function assertValidActesXml(docs: Array<{ fileName: string; content: Uint8Array }>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'actes-xsd-'));
  try {
    await Promise.all(docs.map((d) => writeFile(path.join(dir, path.basename(d.fileName)), d.content)));
    const results = await validateFilesInDir(
      dir,
      docs.map((d) => path.basename(d.fileName)),
    );
    if (results.some((r) => !r.valid)) throw new ActesSchemaError(results);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
