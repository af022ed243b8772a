import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrefectureSim, type PrefectureSim } from '../prefecture-sim/prefecture-sim.js';
import { createTestHub, type SeededCommune } from '../test-support.js';
import { tiers } from './actes-format/test-fixtures.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import type { ForwarderStep } from './forwarder.js';
import { spawnHub, startRelay } from './hub-process.js';
import { actRecord, command, freePort, pulledStatus, push, uniquePdf, upload, upsertAct, waitFor } from './test-support.js';

/**
 * Exactly once under crashes: a real hub process is SIGKILLed by itself at a
 * step of the forwarder (GUICHET_ACTES_FAULT), then restarted on the same
 * SQLite file. The prefecture's mails go through a relay that keeps and
 * retries them while the hub is down, as a real mail server would. Each act
 * must reach the simulator exactly once and end acknowledged.
 */
const GUICHET = fileURLToPath(new URL('../../build/guichet.mjs', import.meta.url));

describe('ACTES forwarding is exactly once across hub crashes (sqlite, real processes)', () => {
  let sim: PrefectureSim;
  let simDir: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let mailboxPort: number;
  const dirs: string[] = [];

  beforeAll(async () => {
    mailboxPort = await freePort();
    relay = await startRelay([mailboxPort]);
    simDir = mkdtempSync(join(tmpdir(), 'guichet-sim-'));
    sim = await startPrefectureSim({ dataDir: simDir, smtp: { host: '127.0.0.1', port: relay.port } });
  });
  afterAll(async () => {
    await sim?.close();
    await relay?.close();
    for (const d of [simDir, ...dirs]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const received = () => readdirSync(join(simDir, 'received')).map((n) => n.replace(/^\d+-/, ''));

  it.each<ForwarderStep>(['built', 'before-post', 'after-post', 'after-record'])(
    'killed at "%s": each act reaches the prefecture once and ends acknowledged',
    async (fault) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'guichet-hub-kill-'));
      dirs.push(dataDir);
      // Seed with an in-process hub on the file, then hand the file to real hub processes.
      const seedHub = await createTestHub('sqlite', { file: join(dataDir, 'hub.sqlite') });
      const insee = { built: '10387', 'before-post': '10033', 'after-post': '10362', 'after-record': '10003' }[fault];
      const commune: SeededCommune = await seedHub.seedCommune({ insee, services: ['acts'] });
      const actIds: string[] = [];
      for (let i = 0; i < 2; i++) {
        const content = uniquePdf(`kill-${fault}-${i}`);
        const act = actRecord({ numero: `KILL_${i}`, actFile: content });
        expect(await upload(seedHub.app, commune.secretaireToken, content)).toBe(204);
        expect((await push(seedHub.app, commune.maireToken, [upsertAct(act)]))[0].status).toBe('applied');
        expect((await push(seedHub.app, commune.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');
        actIds.push(act.id);
      }
      await seedHub.close();

      const before = received().length;
      const port = await freePort();
      const config = JSON.stringify({
        dataDir,
        port,
        actes: {
          prefectureUrl: `${sim.url}/actes`,
          prefectureCertPem: sim.caCertPem,
          mailboxPort,
          tiers,
          pollMs: 50,
          postTimeoutMs: 2000,
          sendLeaseMs: 1000,
          buildLeaseMs: 1000,
          uncertainWaitMs: 5000,
        },
      });
      const first = spawnHub({ GUICHET_TEST_HUB: config, GUICHET_ACTES_FAULT: fault });
      expect((await first.exited).signal).toBe('SIGKILL');

      const second = spawnHub({ GUICHET_TEST_HUB: config });
      try {
        const url = await second.url;
        for (const id of actIds) {
          const status = await waitFor(
            `act acquitte after kill at ${fault}`,
            async () => {
              const s = await pulledStatus(url, commune.consultationToken, id);
              return s?.state === 'acquitte' ? s : null;
            },
            30_000,
          );
          expect(status.idActe).toMatch(/-KILL_\d-DE$/);
        }
        await sim.idle();
        const archives = received().slice(before);
        expect(archives).toHaveLength(2);
        expect(new Set(archives).size).toBe(2);
        expect(sim.stats().anomalieActe).toBe(0);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
      if (fault === 'after-record') {
        // The admin's audit copy is byte for byte what the prefecture received.
        const out = join(dataDir, 'audit.tar.gz');
        const cli = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
          const p = spawn(process.execPath, [GUICHET, 'hub', 'admin', 'act-archive', '--id', actIds[0], '--out', out, '--data', dataDir], {
            env: { ...process.env, DATABASE_URL: '' },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let stdout = '';
          p.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
          p.once('exit', (code) => resolve({ code, stdout }));
        });
        expect(cli.code).toBe(0);
        const name = /Archive (\S+) écrite/.exec(cli.stdout)![1];
        const simCopy = readdirSync(join(simDir, 'received')).find((n) => n.endsWith(`-${name}`))!;
        expect(Buffer.compare(readFileSync(out), readFileSync(join(simDir, 'received', simCopy)))).toBe(0);
        // The admin asks for a fresh classification: a 7-1 is queued for the running hub to send.
        const ask = await new Promise<number | null>((resolve) => {
          spawn(process.execPath, [GUICHET, 'hub', 'admin', 'actes-classification', '--data', dataDir], {
            env: { ...process.env, DATABASE_URL: '' },
            stdio: 'ignore',
          }).once('exit', resolve);
        });
        expect(ask).toBe(0);
        const { openHubDb } = await import('../db/open.js');
        const db = await openHubDb({ file: join(dataDir, 'hub.sqlite') });
        try {
          expect(
            await db.selectFrom('actes_transmissions').select(['kind', 'state']).where('kind', '=', 'classification').execute(),
          ).toEqual([{ kind: 'classification', state: 'queued' }]);
        } finally {
          await db.destroy();
        }
      }
    },
    60_000,
  );
});
