import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReuRows, renderReuCsv } from '../../shared/electoral/synthetic.js';
import { createFileStore } from '../files/file-store.js';
import { openClientDb } from '../db/open.js';
import { CLIENT_MIGRATIONS } from '../domains.js';
import { runRowsJob } from '../electoral/import-job.js';
import { SoftwareKeyStore } from '../signing/key-store.js';
import { P12_PASSWORD, makePki } from '../signing/test-fixtures.js';
import { createNodePlatform } from './node-platform.js';

/**
 * Personal data on the PC (names, birth dates, streets, the signing key) is readable
 * by its OS user only, whatever the umask the app was started with: folders 0700,
 * files 0600, SQLite's WAL and SHM included. (Windows: see docs/ARCHITECTURE.md.)
 */
const posix = process.platform !== 'win32';
const modeOf = (path: string) => statSync(path).mode & 0o777;

let root: string;
let previousUmask: number;
beforeAll(() => {
  previousUmask = process.umask(0o022);
  root = mkdtempSync(join(tmpdir(), 'guichet-private-'));
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(posix)('PC data is private to its OS user (umask 022)', () => {
  it('data folder 0700, logs 0700/0600, guichet.sqlite and its -wal/-shm 0600', () => {
    const dataDir = join(root, 'new', 'Guichet');
    const platform = createNodePlatform({ dataDir });
    platform.log.info('démarrage');
    const db = openClientDb(join(dataDir, 'guichet.sqlite'), CLIENT_MIGRATIONS);
    try {
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
      expect(modeOf(join(dataDir, 'logs', 'guichet.log'))).toBe(0o600);
      for (const f of ['guichet.sqlite', 'guichet.sqlite-wal', 'guichet.sqlite-shm'])
        expect([f, modeOf(join(dataDir, f))]).toEqual([f, 0o600]);
    } finally {
      db.close();
    }
  });

  it('tightens a data folder left readable by an earlier version', () => {
    const dataDir = join(root, 'old');
    mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    for (const f of ['guichet.sqlite', 'logs/guichet.log']) writeFileSync(join(dataDir, f), '', { mode: 0o644 });
    createNodePlatform({ dataDir }).log.info('démarrage');
    const db = openClientDb(join(dataDir, 'guichet.sqlite'), CLIENT_MIGRATIONS);
    try {
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
      expect(modeOf(join(dataDir, 'logs', 'guichet.log'))).toBe(0o600);
      for (const f of ['guichet.sqlite', 'guichet.sqlite-wal', 'guichet.sqlite-shm'])
        expect([f, modeOf(join(dataDir, f))]).toEqual([f, 0o600]);
    } finally {
      db.close();
    }
  });

  it('act files: folders 0700, files 0600', async () => {
    const dataDir = join(root, 'acts');
    createNodePlatform({ dataDir });
    const db = openClientDb(join(dataDir, 'guichet.sqlite'), CLIENT_MIGRATIONS);
    try {
      const store = createFileStore(db, dataDir, () => new Date());
      const { path } = await store.putBytes(new TextEncoder().encode('%PDF-1.7 délibération'));
      expect(modeOf(store.root)).toBe(0o700);
      expect(modeOf(join(path, '..'))).toBe(0o700);
      expect(modeOf(path)).toBe(0o600);
      const temp = await store.tempPath('pdf');
      writeFileSync(temp, 'signé');
      const moved = await store.putFile(temp);
      expect(modeOf(moved.path)).toBe(0o600);
    } finally {
      db.close();
    }
  });

  it('the import staging file is 0600', async () => {
    const dataDir = join(root, 'import');
    createNodePlatform({ dataDir });
    const csv = renderReuCsv(generateReuRows({ seed: 3, count: 20, inseeCode: '10387', communeName: 'Troyes' }));
    const stagingFile = join(dataDir, 'guichet.sqlite-import-test.sqlite');
    await runRowsJob('com10387_electeurs_actifs_02-03-2026.csv', new TextEncoder().encode(csv), stagingFile);
    expect(modeOf(stagingFile)).toBe(0o600);
  });

  it('the key store: folders 0700, every file 0600', async () => {
    const pki = makePki(join(root, 'pki'));
    const folder = join(root, 'keys');
    const store = new SoftwareKeyStore(folder);
    const entry = await store.importPkcs12(readFileSync(pki.p12Aes), P12_PASSWORD, {
      kind: 'passphrase',
      passphrase: 'phrase de passe longue',
    });
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(join(folder, entry.id))).toBe(0o700);
    for (const f of readdirSync(join(folder, entry.id))) expect([f, modeOf(join(folder, entry.id, f))]).toEqual([f, 0o600]);
  });
});
