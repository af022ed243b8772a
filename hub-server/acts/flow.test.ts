import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import type { Classification } from '../../shared/acts/classification.js';
import { startPrefectureSim, type PrefectureSim } from '../prefecture-sim/prefecture-sim.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { readArchive } from './actes-format/archive.js';
import { tiers } from './actes-format/test-fixtures.js';
import { currentClassification, defaultClassification, setClassification } from './classification.js';
import { ANSWER_COMMAND, CANCEL_COMMAND, TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { startActesForwarder, type ActesForwarder } from './forwarder.js';
import { startActesService, type ActesService } from './service.js';
import {
  actRecord,
  command,
  freePort,
  png,
  pullAll,
  pulledStatus,
  push,
  storedFile,
  uniquePdf,
  upload,
  upsertAct,
  waitFor,
} from './test-support.js';

/**
 * The whole journey over real loopback: a client pushes the act and its files
 * to the hub over HTTP, the forwarding worker posts the archive to the
 * prefecture simulator over HTTPS (pinned certificate), the simulator mails
 * its answers to the hub's ACTES mailbox over SMTP, and the client pulls the
 * status. A second forwarder runs on the same database throughout: no archive
 * may reach the simulator twice.
 */
const CAP = 3;
const WINDOW_MS = 1500;

describe.each(TEST_BACKENDS)('ACTES end to end with the prefecture simulator (%s)', (backend) => {
  let hub: TestHub;
  let base: string;
  let a: SeededCommune;
  let b: SeededCommune;
  let sim: PrefectureSim;
  let simDir: string;
  let service: ActesService;
  let rival: ActesForwarder;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    base = await hub.listen();
    a = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    b = await hub.seedCommune({ insee: '10033', services: ['acts'] });
    const mailboxPort = await freePort();
    simDir = mkdtempSync(join(tmpdir(), 'guichet-sim-'));
    sim = await startPrefectureSim({ dataDir: simDir, smtp: { host: '127.0.0.1', port: mailboxPort } });
    const config = {
      prefectureUrl: `${sim.url}/actes`,
      prefectureCertPem: sim.caCertPem,
      mailboxPort,
      tiers,
      pollMs: 50,
      maxPerHour: CAP,
      windowMs: WINDOW_MS,
    };
    service = await startActesService(hub.db, config);
    rival = startActesForwarder({
      db: hub.db,
      endpoint: { url: config.prefectureUrl, caCertPem: sim.caCertPem },
      tiers,
      pollMs: 50,
      maxPerHour: { count: CAP },
      windowMs: WINDOW_MS,
    });
  }, 30_000);
  afterAll(async () => {
    // The simulator first: its pooled SMTP connections would hold the mailbox's close.
    await sim?.close();
    await rival?.stop();
    await service?.close();
    await hub?.close();
    if (simDir) rmSync(simDir, { recursive: true, force: true });
  });

  async function transmitNew(c: SeededCommune, numero: string, extra: Partial<Parameters<typeof actRecord>[0]> = {}) {
    const content = uniquePdf(`${backend}-${numero}`);
    const act = actRecord({ numero, actFile: content, annexes: [png], ...extra });
    expect(await upload(base, c.secretaireToken, content)).toBe(204);
    expect(await upload(base, c.secretaireToken, png)).toBe(204);
    expect((await push(base, c.maireToken, [upsertAct(act)]))[0].status).toBe('applied');
    const [r] = await push(base, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]);
    if (r.status !== 'applied') throw new Error(JSON.stringify(r.reason));
    return act;
  }
  const stateIs = (c: SeededCommune, actId: string, state: string) => async () => {
    const s = await pulledStatus(base, c.consultationToken, actId);
    return s?.state === state ? s : null;
  };

  it('an act goes to the prefecture and its acknowledgement (IDActe) reaches the client', async () => {
    const act = await transmitNew(a, 'FLOW_1');
    const status = await waitFor('acquitte', stateIs(a, act.id, 'acquitte'));
    expect(status.idActe).toBe('010-211003744-20261120-FLOW_1-DE');
    expect(status.dateReception).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(status.archiveName).toMatch(/^GUI-EACT--211003744--\d{8}-\d+\.tar\.gz$/);
    expect(status.timeline.map((t) => t.state)).toContain('acquitte');
    // The audit archive: exactly what was posted, for A only.
    const archive = await fetch(`${base}${ACTS_HUB_ROUTES.actArchive.path.replace(':id', act.id)}`, {
      headers: { authorization: `Bearer ${a.consultationToken}` },
    });
    expect(archive.status).toBe(200);
    const names = (await readArchive(new Uint8Array(await archive.arrayBuffer()))).map((e) => e.name);
    expect(names).toContain('010-211003744-20261120-FLOW_1-DE-1-1_0.xml');
    expect(names).toContain('99_DE-010-211003744-20261120-FLOW_1-DE-1-1_1.pdf');
    const other = await fetch(`${base}${ACTS_HUB_ROUTES.actArchive.path.replace(':id', act.id)}`, {
      headers: { authorization: `Bearer ${b.maireToken}` },
    });
    expect(other.status).toBe(404);
  });

  it('an anomaly of the prefecture puts the act in error with its French reason', async () => {
    // The hub believes in a classification the prefecture no longer accepts: ODT-VERIF-01.
    const stale: Classification = { ...defaultClassification(), dateClassification: '2020-02-02' };
    await setClassification(hub.db, stale);
    try {
      const act = await transmitNew(a, 'ANOM_1', { classificationDateVersion: '2020-02-02' });
      const status = await waitFor('erreur', stateIs(a, act.id, 'erreur'));
      expect(status.error).toMatch(/^La préfecture a refusé l'acte : ODT-VERIF-01/);
      expect(status.idActe).toBeNull();
    } finally {
      await setClassification(hub.db, defaultClassification());
    }
  });

  it('a letter 3-1 reaches the commune with its document, and the answers 3-2 then 3-4 go back', async () => {
    const act = await transmitNew(a, 'LETTER_1');
    const acked = await waitFor('acquitte', stateIs(a, act.id, 'acquitte'));
    await sim.sendLetter({ idActe: acked.idActe!, type: '3-1' });
    const withLetter = await waitFor(
      'letter',
      async () =>
        (await pulledStatus(base, a.consultationToken, act.id))?.letters.find((l) => l.type === '3-1') &&
        (await pulledStatus(base, a.consultationToken, act.id)),
    );
    const letter = withLetter.letters.find((l) => l.type === '3-1')!;
    expect(letter).toMatchObject({ direction: 'recu', state: 'recu', label: 'Demande de pièces complémentaires' });
    expect(letter.files).toHaveLength(1);
    const doc = await fetch(`${base}${ACTS_HUB_ROUTES.fileDownload.path.replace(':sha256', letter.files[0].sha256)}`, {
      headers: { authorization: `Bearer ${a.consultationToken}` },
    });
    expect(
      Buffer.from(await doc.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    expect(
      (
        await fetch(`${base}${ACTS_HUB_ROUTES.fileDownload.path.replace(':sha256', letter.files[0].sha256)}`, {
          headers: { authorization: `Bearer ${b.maireToken}` },
        })
      ).status,
    ).toBe(404);

    const [ar] = await push(base, a.maireToken, [command(ANSWER_COMMAND, { actId: act.id, letterId: letter.id, type: '3-2', files: [] })]);
    expect(ar.status).toBe('applied');
    await waitFor('3-2 transmis', async () =>
      (await pulledStatus(base, a.consultationToken, act.id))?.letters.some((l) => l.type === '3-2' && l.state === 'transmis'),
    );

    const pieces = uniquePdf(`${backend}-pieces`);
    expect(await upload(base, a.maireToken, pieces)).toBe(204);
    const [answer] = await push(base, a.maireToken, [
      command(ANSWER_COMMAND, { actId: act.id, letterId: letter.id, type: '3-4', files: [storedFile(pieces, 'pieces.pdf')] }),
    ]);
    expect(answer.status).toBe('applied');
    // The simulator acknowledges pieces with a 3-5.
    await waitFor('3-4 acquitte', async () =>
      (await pulledStatus(base, a.consultationToken, act.id))?.letters.some((l) => l.type === '3-4' && l.state === 'acquitte'),
    );
  });

  it('an acknowledged act can be cancelled (Annulation 6-1, ARAnnulation 6-2)', async () => {
    const act = await transmitNew(a, 'CANCEL_1');
    await waitFor('acquitte', stateIs(a, act.id, 'acquitte'));
    const [r] = await push(base, a.maireToken, [command(CANCEL_COMMAND, { actId: act.id })]);
    expect(r.status).toBe('applied');
    const status = await waitFor('annule', stateIs(a, act.id, 'annule'));
    expect(status.timeline.map((t) => t.state)).toEqual(['signe', 'en_attente', 'transmis', 'acquitte', 'annulation_demandee', 'annule']);
  });

  it('a burst waits for the next window beyond the hourly cap, and every act still arrives once', async () => {
    const acts = [];
    for (let i = 0; i < 5; i++) acts.push(await transmitNew(b, `BURST_${i}`));
    for (const act of acts) await waitFor('acquitte', stateIs(b, act.id, 'acquitte'), 30_000);
    const windows = await hub.db.selectFrom('actes_send_windows').select(['window_start', 'sent_count']).execute();
    for (const w of windows) expect(w.sent_count).toBeLessThanOrEqual(CAP);
    const sentTimes = await hub.db.selectFrom('actes_transmissions').select('sent_at').where('commune_id', '=', b.communeId).execute();
    const windowsUsed = new Set(sentTimes.map((r) => Math.floor(Date.parse(r.sent_at!) / WINDOW_MS)));
    expect(windowsUsed.size).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it('refreshes the classification through @CTES (7-1 → 7-2) and publishes it to every commune', async () => {
    await setClassification(hub.db, { ...defaultClassification(), dateClassification: '2018-01-01' });
    expect(await service.refreshClassification()).toBeTruthy();
    await waitFor('7-2 applied', async () => (await currentClassification(hub.db)).dateClassification === '2019-04-18');
    for (const c of [a, b]) {
      // The département's copy is updated first, then each commune's record.
      const record = await waitFor('published', async () => {
        const r = (await pullAll(base, c.consultationToken)).find((x) => x.collection === 'acts.classification' && x.id === 'current');
        return (r?.data as Classification | undefined)?.dateClassification === '2019-04-18' ? r : null;
      });
      expect((record.data as Classification).natures.length).toBeGreaterThan(0);
    }
  });

  it('never posted the same archive twice, even with two forwarders on the database', async () => {
    await sim.idle();
    const received = readdirSync(join(simDir, 'received')).map((n) => n.replace(/^\d+-/, ''));
    expect(received.length).toBeGreaterThanOrEqual(10);
    expect(new Set(received).size).toBe(received.length);
    const sent = await hub.db.selectFrom('actes_transmissions').select(['archive_name', 'state']).execute();
    expect(sent.every((r) => r.state === 'transmis' || r.state === 'failed')).toBe(true);
    expect(new Set(sent.map((r) => r.archive_name)).size).toBe(received.length);
  });
});
