import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubLogger } from './log.js';
import { hubSqliteFile, startHub } from './server.js';

/**
 * hub.sqlite holds every collectivité's electoral list and the password hashes:
 * readable by the hub's OS user only, whatever the umask (0700 folder, 0600 files,
 * SQLite's WAL and SHM included).
 */
const modeOf = (path: string) => statSync(path).mode & 0o777;

let root: string;
let previousUmask: number;
beforeAll(() => {
  previousUmask = process.umask(0o022);
  root = mkdtempSync(join(tmpdir(), 'guichet-hub-private-'));
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

async function startAndCheck(dataDir: string): Promise<void> {
  const hub = await startHub({ port: 0, dataDir, log: createHubLogger({ level: 'silent' }) });
  try {
    await fetch(`${hub.url}/api/v1/health`);
    expect(modeOf(dataDir)).toBe(0o700);
    const file = hubSqliteFile(dataDir);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, modeOf(f)]).toEqual([f, 0o600]);
  } finally {
    await hub.close();
  }
}

describe.runIf(process.platform !== 'win32')('hub data is private to its OS user (umask 022)', () => {
  it('a new data folder is 0700, hub.sqlite and its -wal/-shm 0600', async () => {
    await startAndCheck(join(root, 'new', 'hub-data'));
  });

  it('tightens a data folder left readable by an earlier version', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(hubSqliteFile(dataDir), '', { mode: 0o644 });
    await startAndCheck(dataDir);
  });
});
