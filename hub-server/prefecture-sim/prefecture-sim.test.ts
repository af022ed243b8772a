import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActeMessage, buildAnnulationMessage, buildClassificationRequest } from '../acts/actes-format/build-acte.js';
import { buildEnvelope } from '../acts/actes-format/build-envelope.js';
import { buildAnswerMessage } from '../acts/actes-format/build-answers.js';
import { buildTransmissionArchive, packEntries } from '../acts/actes-format/archive.js';
import { commune, pdf, sampleActe, tiers } from '../acts/actes-format/test-fixtures.js';
import { assertValidActesXml } from '../acts/actes-format/xsd-validate.js';
import type { ActesReturnEvent } from '../acts/mailbox/extract-returns.js';
import { startActesMailbox, type ActesMailbox } from '../acts/mailbox/smtp-receiver.js';
import { closeEndpoint, postArchive, type MinistryEndpoint } from '../acts/transport/post-archive.js';
import { startPrefectureSim, type PrefectureSim } from './prefecture-sim.js';
import { loadOrCreateCertificate } from './self-signed-cert.js';

describe('prefecture simulator: HTTPS in, SMTP out', () => {
  let dataDir: string;
  let mailbox: ActesMailbox;
  let sim: PrefectureSim;
  let endpoint: MinistryEndpoint;
  const returns: ActesReturnEvent[] = [];
  const invalidOutgoing: string[] = [];
  let serial = 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'prefsim-'));
    mailbox = await startActesMailbox({
      onReturn: async (e) => {
        // Everything the simulator sends must itself be valid against the XSD (except nothing).
        await assertValidActesXml(
          e.files.filter((f) => f.name.endsWith('.xml')).map((f) => ({ fileName: f.name, content: f.content })),
        ).catch((err) => invalidOutgoing.push(String(err.detail)));
        returns.push(e);
      },
    });
    sim = await startPrefectureSim({
      dataDir,
      smtp: { host: '127.0.0.1', port: mailbox.port },
      classificationDate: '2019-04-18',
      today: () => '2026-11-28',
    });
    endpoint = { url: `${sim.url}/actes`, caCertPem: sim.caCertPem };
  }, 60_000);
  afterAll(async () => {
    closeEndpoint(endpoint);
    await sim?.close();
    await mailbox?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function transmit(messages: Parameters<typeof buildTransmissionArchive>[0]['messages']) {
    const t = await buildTransmissionArchive({ tiers, commune, date: '2026-11-28', serial: ++serial, messages });
    await postArchive(endpoint, t.archiveName, t.archive);
    await sim.idle();
    return t;
  }
  const take = () => returns.splice(0);

  it('an act posted over HTTPS gets an ARActe by mail, routed back to the right act', async () => {
    const t = await transmit([buildActeMessage(sampleActe())]);
    const [r] = take();
    expect(r).toMatchObject({
      type: 'ARActe',
      siren: '211003876',
      numeroInterne: 'DEL2026_042',
      idActe: '010-211003876-20261120-DEL2026_042-DE',
    });
    if (r.message.type !== 'ARActe') throw new Error();
    expect(r.message.dateReception).toBe('2026-11-28');
    expect(r.message.acte.objet).toBe('Dénomination de la rue « Œuvre » & place de l’Église');
    expect(r.message.classificationDateVersionEnCours).toBe('2019-04-18');
    expect(r.files[0].name).toMatch(/^010-211003876-20261120-DEL2026_042-DE-1-2_\d+\.xml$/);
    expect((await readdir(path.join(dataDir, 'received'))).some((f) => f.endsWith(t.archiveName))).toBe(true);
    expect(invalidOutgoing).toEqual([]);
  });

  it('a stale classification version yields AnomalieActe 002 (ODT-VERIF-01)', async () => {
    await transmit([buildActeMessage(sampleActe({ numeroInterne: 'DEL2026_043', classificationDateVersion: '2017-04-19' }))]);
    const [r] = take();
    expect(r).toMatchObject({
      type: 'AnomalieActe',
      siren: '211003876',
      numeroInterne: 'DEL2026_043',
      message: { nature: '002', classificationDateVersionEnCours: '2019-04-18' },
    });
    expect(invalidOutgoing).toEqual([]);
  });

  it('a malformed act (invalid against the XSD) yields AnomalieActe 001 naming the problem', async () => {
    const good = buildActeMessage(sampleActe({ numeroInterne: 'DEL2026_044' }));
    const badXml = Buffer.from(good.xml.toString('latin1').replace('<actes:DocumentPapier>N</actes:DocumentPapier>', ''), 'latin1');
    const env = buildEnvelope({ tiers, commune, date: '2026-11-28', serial: 900, formulaires: [good.fileName] });
    const archive = await packEntries([
      { name: env.fileName, content: env.xml },
      { name: good.fileName, content: badXml },
      ...good.documents.map((d) => ({ name: d.fileName, content: Buffer.from(d.content) })),
    ]);
    await postArchive(endpoint, `GUI-${env.fileName.replace('.xml', '')}.tar.gz`, archive);
    await sim.idle();
    const [r] = take();
    expect(r).toMatchObject({ type: 'AnomalieActe', numeroInterne: 'DEL2026_044', message: { nature: '001' } });
    if (r.message.type === 'AnomalieActe') expect(r.message.detail).toMatch(/schéma.*DocumentPapier/);
    expect(invalidOutgoing).toEqual([]);
  });

  it('a bad archive (not flat, or wrongly named) yields AnomalieEnveloppe', async () => {
    const m = buildActeMessage(sampleActe({ numeroInterne: 'DEL2026_045' }));
    const env = buildEnvelope({ tiers, commune, date: '2026-11-28', serial: 901, formulaires: [m.fileName] });
    const entries = [
      { name: env.fileName, content: env.xml },
      { name: `docs/${m.fileName}`, content: m.xml },
    ];
    await postArchive(endpoint, `GUI-${env.fileName.replace('.xml', '')}.tar.gz`, await packEntries(entries));
    await postArchive(
      endpoint,
      'mauvais-nom.tar.gz',
      await packEntries([
        { name: env.fileName, content: env.xml },
        { name: m.fileName, content: m.xml },
      ]),
    );
    await sim.idle();
    const got = take();
    expect(got.map((r) => [r.type, r.siren, r.files[0].name])).toEqual([
      ['AnomalieEnveloppe', '211003876', `ANO_${env.fileName}`],
      ['AnomalieEnveloppe', '211003876', `ANO_${env.fileName}`],
    ]);
    const details = got.map((r) => (r.message.type === 'AnomalieEnveloppe' ? r.message.detail : ''));
    expect(details[0]).toMatch(/plate/);
    expect(details[1]).toMatch(/Nom d'archive non conforme/);
  });

  it('letters 2-1, 3-1, 4-1, 5-1 sent on command reach the act, with their PDF', async () => {
    const id = '010-211003876-20261120-DEL2026_042-DE';
    for (const type of ['2-1', '3-1', '4-1', '5-1'] as const) {
      const res = await fetchJson(`${sim.url}/admin/letters`, { idActe: id, type });
      expect(res.status).toBe(202);
    }
    const got = take();
    expect(got.map((r) => [r.type, r.idActe, r.siren, r.numeroInterne])).toEqual([
      ['CourrierSimple', id, '211003876', 'DEL2026_042'],
      ['DemandePieceComplementaire', id, '211003876', 'DEL2026_042'],
      ['LettreObservations', id, '211003876', 'DEL2026_042'],
      ['DefereTA', id, '211003876', 'DEL2026_042'],
    ]);
    expect(got.every((r) => r.files.length === 2 && r.files[1].content.subarray(0, 5).toString() === '%PDF-')).toBe(true);
    expect((await fetchJson(`${sim.url}/admin/letters`, { idActe: '010-211003876-20261120-INCONNU-DE', type: '2-1' })).status).toBe(404);
    expect(invalidOutgoing).toEqual([]);
  });

  it('pieces sent after a request (3-4) are acknowledged with 3-5', async () => {
    const id = '010-211003876-20261120-DEL2026_042-DE';
    await transmit([
      buildAnswerMessage({ code: '3-4', idActe: id, dateCourrierPref: '2026-11-28', documents: [{ content: pdf, typology: '99_DE' }] }),
    ]);
    const [r] = take();
    expect(r).toMatchObject({
      type: 'ARPieceComplementaire',
      idActe: id,
      message: { dateCourrierPref: '2026-11-28', dateReception: '2026-11-28' },
    });
  });

  it('an annulation of an acknowledged act gets ARAnnulation', async () => {
    await transmit([buildAnnulationMessage('010-211003876-20261120-DEL2026_042-DE')]);
    expect(take().map((r) => [r.type, r.idActe])).toEqual([['ARAnnulation', '010-211003876-20261120-DEL2026_042-DE']]);
  });

  it('a classification request gets the classification (7-2), or 7-3 when up to date', async () => {
    await transmit([buildClassificationRequest({ commune, serial: 1, dateClassification: '2017-04-19' })]);
    await transmit([buildClassificationRequest({ commune, serial: 2, dateClassification: '2019-04-18' })]);
    const got = take();
    expect(got.map((r) => [r.type, r.siren])).toEqual([
      ['RetourClassification', '211003876'],
      ['ReponseClassificationSansChangement', '211003876'],
    ]);
    if (got[0].message.type === 'RetourClassification') {
      expect(got[0].message.classification.dateClassification).toBe('2019-04-18');
      expect(got[0].message.classification.natures).toHaveLength(6);
    }
    expect(got[0].files[0].name).toMatch(/^010-211003876----7-2_\d+\.xml$/);
    expect(invalidOutgoing).toEqual([]);
  });

  it('the hub refuses a server that does not present the pinned certificate', async () => {
    const otherDir = await mkdtemp(path.join(tmpdir(), 'prefsim-other-'));
    const foreign = await loadOrCreateCertificate(otherDir);
    const ep = { url: endpoint.url, caCertPem: foreign.certPem };
    await expect(postArchive(ep, 'x.tar.gz', pdf)).rejects.toThrow(/injoignable/);
    closeEndpoint(ep);
    await rm(otherDir, { recursive: true, force: true });
  });

  async function fetchJson(url: string, body: unknown): Promise<{ status: number }> {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'POST', ca: sim.caCertPem, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }
});

describe('prefecture simulator: uploads it refuses', () => {
  let dataDir: string;
  let sim: PrefectureSim;
  const boundary = 'limite-guichet';
  const multipart = `multipart/form-data; boundary=${boundary}`;
  const part = (name: string, fileName: string | null, content: Buffer) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${fileName === null ? '' : `; filename="${fileName}"`}\r\n\r\n`,
      ),
      content,
      Buffer.from('\r\n'),
    ]);
  const closing = Buffer.from(`--${boundary}--\r\n`);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'prefsim-limits-'));
    // Nothing reaches the checks, so no answer is mailed: the SMTP relay is never dialled.
    sim = await startPrefectureSim({ dataDir, smtp: { host: '127.0.0.1', port: 9 }, maxArchiveBytes: 64 * 1024 });
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function post(body: Buffer, contentType: string): Promise<{ status: number; text: string }> {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${sim.url}/actes`,
        { method: 'POST', ca: sim.caCertPem, headers: { 'content-type': contentType } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers 413 with a clear reason for an archive over the limit, and the hub sees a refusal it will retry', async () => {
    const big = Buffer.alloc(200 * 1024, 7);
    expect(await post(Buffer.concat([part('gros.tar.gz', 'gros.tar.gz', big), closing]), multipart)).toEqual({
      status: 413,
      text: 'KO\nArchive trop volumineuse : 64 Ko au plus.',
    });
    const endpoint = { url: `${sim.url}/actes`, caCertPem: sim.caCertPem };
    try {
      await expect(postArchive(endpoint, 'gros.tar.gz', big)).rejects.toMatchObject({ status: 413, maybeDelivered: false });
    } finally {
      closeEndpoint(endpoint);
    }
  });

  it('answers 400 for a malformed multipart body (cut short, no boundary, not multipart) and 413 for a second file', async () => {
    const cut = part('a.tar.gz', 'a.tar.gz', Buffer.from('début de l’archive')).subarray(0, 60);
    expect(await post(cut, multipart)).toEqual({ status: 400, text: 'KO\nRequête multipart mal formée : archive non reçue.' });
    expect(await post(Buffer.from('pas du multipart'), 'multipart/form-data')).toMatchObject({ status: 400 });
    expect(await post(Buffer.from('pas du multipart'), 'application/octet-stream')).toEqual({
      status: 400,
      text: 'KO\nAucune archive dans la requête (multipart/form-data attendu).',
    });
    expect(await post(Buffer.concat([part('commentaire', null, Buffer.from('sans fichier')), closing]), multipart)).toEqual({
      status: 400,
      text: 'KO\nAucune archive dans la requête.',
    });
    const two = Buffer.concat([part('a', 'a.tar.gz', Buffer.from('a')), part('b', 'b.tar.gz', Buffer.from('b')), closing]);
    expect(await post(two, multipart)).toEqual({ status: 413, text: 'KO\nTrop de parties dans la requête : une seule archive par envoi.' });
  });

  it('keeps serving after refused uploads, and kept none of them', async () => {
    const ok = await post(Buffer.concat([part('file', 'petite.tar.gz', Buffer.from('petite')), closing]), multipart);
    expect(ok).toEqual({ status: 201, text: 'OK' });
    await sim.idle();
    expect(sim.stats().archivesReceived).toBe(1);
    expect(await readdir(path.join(dataDir, 'received'))).toEqual(['000001-petite.tar.gz']);
  });
});
