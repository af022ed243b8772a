import { execFile } from 'node:child_process';
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

/** Validate files already on disk in `dir` (names relative to it) in one xmllint run. */
export async function validateFilesInDir(dir: string, fileNames: string[]): Promise<XsdFileResult[]> {
  if (fileNames.length === 0) return [];
  const schema = path.join(actesXsdDir(), 'actesv1_1.xsd');
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile('xmllint', ['--noout', '--nonet', '--schema', schema, ...fileNames], { cwd: dir, maxBuffer: 16 * 1024 * 1024 }, (err, _out, errOut) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new GuichetError('internal', 'L\'outil de validation xmllint est introuvable sur le serveur.', 'install libxml2-utils'));
      } else if (err && typeof err.code === 'number' && err.code !== 3 && err.code !== 4 && err.code !== 1) {
        // 1 = parse error, 3 = validation error, 4 = unparsable document: per-file lines follow.
        reject(new GuichetError('internal', 'La validation des messages ACTES a échoué.', `xmllint exit ${err.code}: ${errOut.slice(0, 2000)}`));
      } else resolve(errOut);
    });
  });
  if (/Schemas parser error|failed to compile|WXS schema .* failed/.test(stderr)) {
    throw new GuichetError('internal', 'Le schéma officiel ACTES est illisible.', `${schema}: ${stderr.slice(0, 2000)}`);
  }
  const lines = stderr.split('\n');
  return fileNames.map((fileName) => {
    const errors = lines.filter((l) => l.startsWith(`${fileName}:`)).map((l) => l.slice(fileName.length + 1).trim());
    const valid = lines.includes(`${fileName} validates`);
    return { fileName, valid, errors: valid ? [] : errors.length ? errors : ['document illisible'] };
  });
}

/** Validate in-memory documents; throws `ActesSchemaError` listing xmllint's messages when one is invalid. */
export async function assertValidActesXml(docs: Array<{ fileName: string; content: Uint8Array }>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'actes-xsd-'));
  try {
    await Promise.all(docs.map((d) => writeFile(path.join(dir, path.basename(d.fileName)), d.content)));
    const results = await validateFilesInDir(dir, docs.map((d) => path.basename(d.fileName)));
    if (results.some((r) => !r.valid)) throw new ActesSchemaError(results);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
