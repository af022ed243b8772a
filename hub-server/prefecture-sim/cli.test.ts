import { spawn, execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildActeMessage } from '../acts/actes-format/build-acte.js';
import { buildTransmissionArchive } from '../acts/actes-format/archive.js';
import { commune, sampleActe, tiers } from '../acts/actes-format/test-fixtures.js';
import type { ActesReturnEvent } from '../acts/mailbox/extract-returns.js';
import { startActesMailbox } from '../acts/mailbox/smtp-receiver.js';
import { closeEndpoint, postArchive } from '../acts/transport/post-archive.js';

const guichet = fileURLToPath(new URL('../../build/guichet.mjs', import.meta.url));

describe('guichet prefecture-sim serve | letter (separate process)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('serves over HTTPS, answers by SMTP, and sends a letter on command', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'prefsim-cli-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const returns: ActesReturnEvent[] = [];
    const mailbox = await startActesMailbox({ onReturn: (e) => void returns.push(e) });
    cleanups.push(() => mailbox.close());
    const child = spawn(
      process.execPath,
      [guichet, 'prefecture-sim', 'serve', '--port', '0', '--data', dataDir, '--smtp', `127.0.0.1:${mailbox.port}`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => void child.kill('SIGTERM'));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    for (let i = 0; i < 200 && !out.includes('prêt'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/Simulateur @CTES prêt : https:\/\/127\.0\.0\.1:\d+\/actes/);
    const url = /https:\/\/\S+\/actes/.exec(out)![0];
    const endpoint = { url, caCertPem: readFileSync(path.join(dataDir, 'sim-cert.pem'), 'utf8') };
    cleanups.push(() => closeEndpoint(endpoint));

    const t = await buildTransmissionArchive({
      tiers,
      commune,
      date: '2026-11-28',
      serial: 1,
      messages: [buildActeMessage(sampleActe({ numeroInterne: 'CLI_1' }))],
    });
    await postArchive(endpoint, t.archiveName, t.archive);
    for (let i = 0; i < 100 && returns.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(returns.map((r) => [r.type, r.idActe])).toEqual([['ARActe', '010-211003876-20261120-CLI_1-DE']]);
    expect(existsSync(path.join(dataDir, 'received'))).toBe(true);

    const letter = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          guichet,
          'prefecture-sim',
          'letter',
          '010-211003876-20261120-CLI_1-DE',
          '--type',
          '4-1',
          '--text',
          'Motif de test',
          '--data',
          dataDir,
        ],
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    expect(letter.code).toBe(0);
    expect(letter.stdout).toMatch(/Courrier 4-1 envoyé/);
    const lo = returns.find((r) => r.type === 'LettreObservations');
    expect(lo && lo.message.type === 'LettreObservations' && lo.message.motif).toBe('Motif de test');
  }, 60_000);
});
