import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { GuichetError } from '../../../shared/errors.js';
import { archiveFileName } from './file-names.js';
import type { OutgoingMessage } from './build-acte.js';
import { buildEnvelope, type EnvelopeInput } from './build-envelope.js';
import { validateFilesInDir, ActesSchemaError } from './xsd-validate.js';

/**
 * The ACTES archive: a flat tar.gz (no folder inside) holding the envelope,
 * the message XML(s) and the documents they name.
 */
export interface ArchiveEntry {
  name: string;
  content: Buffer;
}

/** Pack files of `dir` (flat names) as tar.gz; portable headers so the archive does not leak the hub's uid/gid. */
async function packDir(dir: string, names: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = tar.c({ gzip: true, cwd: dir, portable: true, noDirRecurse: true }, names);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Pack in-memory files as a tar.gz without any check (tests of the receiving side, re-packing). */
export async function packEntries(entries: ArchiveEntry[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'actes-pack-'));
  try {
    for (const e of entries) {
      await mkdir(path.dirname(path.join(dir, e.name)), { recursive: true });
      await writeFile(path.join(dir, e.name), e.content);
    }
    return await packDir(
      dir,
      entries.map((e) => e.name),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What an archive may hold once inflated: @CTES takes 150 Mo per transmission; a tar.gz of zeros must not exhaust the hub's memory. */
export const MAX_ARCHIVE_CONTENT_BYTES = 200 * 1024 * 1024;
/** Compressed bytes fed to the parser at a time, so no single inflate step can produce more than a few MB. */
const FEED_BYTES = 16 * 1024;

export class ArchiveTooLarge extends GuichetError {
  constructor(maxBytes: number) {
    super('invalid_input', 'Cette archive est trop volumineuse une fois décompressée.', `archive content over ${maxBytes} bytes`);
  }
}

/** Read every entry of a tar.gz in memory, folders and nested paths included (callers decide what is acceptable). Rejects with ArchiveTooLarge past `maxBytes` of content. */
export async function readArchive(
  archive: Uint8Array,
  maxBytes: number = MAX_ARCHIVE_CONTENT_BYTES,
): Promise<Array<ArchiveEntry & { type: string }>> {
  const entries: Array<ArchiveEntry & { type: string }> = [];
  let total = 0;
  let stopped = false;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      stopped = true;
      reject(err);
    };
    const parser = new tar.Parser({
      strict: true,
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => {
          if (stopped) return;
          total += c.length;
          if (total > maxBytes) {
            fail(new ArchiveTooLarge(maxBytes));
            parser.abort(new ArchiveTooLarge(maxBytes));
            return;
          }
          chunks.push(c);
        });
        entry.on('end', () => entries.push({ name: entry.path, type: entry.type, content: Buffer.concat(chunks) }));
      },
    });
    parser.on('error', fail);
    parser.on('abort', fail);
    parser.on('end', () => resolve());
    const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
    for (let at = 0; at < bytes.length && !stopped; at += FEED_BYTES) parser.write(bytes.subarray(at, at + FEED_BYTES));
    if (!stopped) parser.end();
  });
  return entries;
}

export interface BuiltTransmission {
  archiveName: string;
  envelopeName: string;
  archive: Buffer;
  /** Names inside the archive, envelope first. */
  fileNames: string[];
  idActes: string[];
}

/**
 * Envelope + messages → validated archive. Every XML (envelope and messages)
 * is checked against the official XSD in one xmllint run before packing;
 * an invalid one throws `ActesSchemaError` and no archive is produced.
 */
export async function buildTransmissionArchive(
  input: Omit<EnvelopeInput, 'formulaires'> & { messages: OutgoingMessage[] },
): Promise<BuiltTransmission> {
  const envelope = buildEnvelope({ ...input, formulaires: input.messages.map((m) => m.fileName) });
  const xmlFiles: ArchiveEntry[] = [
    { name: envelope.fileName, content: envelope.xml },
    ...input.messages.map((m) => ({ name: m.fileName, content: m.xml })),
  ];
  const docs = input.messages.flatMap((m) => m.documents.map((d) => ({ name: d.fileName, content: Buffer.from(d.content) })));
  const all = [...xmlFiles, ...docs];
  const names = all.map((f) => f.name);
  if (new Set(names).size !== names.length || names.some((n) => n.includes('/') || n.includes('\\'))) {
    throw new GuichetError('internal', 'Les noms des fichiers de la transmission ne sont pas uniques.', names.join(', '));
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'actes-out-'));
  try {
    await Promise.all(all.map((f) => writeFile(path.join(dir, f.name), f.content)));
    const results = await validateFilesInDir(
      dir,
      xmlFiles.map((f) => f.name),
    );
    if (results.some((r) => !r.valid)) throw new ActesSchemaError(results);
    const archive = await packDir(dir, names);
    return {
      archiveName: archiveFileName(input.tiers.trigramme, envelope.fileName),
      envelopeName: envelope.fileName,
      archive,
      fileNames: names,
      idActes: input.messages.flatMap((m) => (m.idActe ? [m.idActe] : [])),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
