import { ImapFlow } from 'imapflow';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHubDb } from '../../db/open.js';
import type { HubDatabase } from '../../db/schema.js';
import { arActe, letter } from '../../prefecture-sim/ministry-messages.js';
import { createHubLogger } from '../../log.js';
import { startHub } from '../../server.js';
import { readRecord } from '../../sync/store.js';
import { createTestHub, type SeededCommune, type TestHub } from '../../test-support.js';
import { TRANSMIT_COMMAND } from '../../../shared/acts/commands.js';
import { returnRouting } from '../service.js';
import { readStatus } from '../status.js';
import { actRecord, command, pdf, push, uniquePdf, upload, upsertAct } from '../test-support.js';
import { findDovecot, startDovecot, type DovecotServer } from './dovecot-test-server.js';
import { startImapPoller, type ImapPoller, type ImapPollerOptions } from './imap-poller.js';

/**
 * The IMAP way in, against a real Dovecot and a real hub database: a mail is
 * marked seen only once its returns are stored, a failure leaves it for the
 * next poll, and reading the same mail again changes nothing.
 */
const dovecot = findDovecot();
const MISSING = 'Relève IMAP non testée : Dovecot est absent (installez le paquet Debian dovecot-imapd ; build/ensure-system.sh le fait)';
if (!dovecot) console.warn(MISSING);

const FAR = 3_600_000;

describe.skipIf(!dovecot)(dovecot ? 'ACTES returns polled over IMAP from a real Dovecot' : MISSING, () => {
  let server: DovecotServer;
  let hub: TestHub;
  let commune: SeededCommune;
  let actId: string;
  let idActe: string;
  let imap: ImapFlow;
  let routeDb: Kysely<HubDatabase>;
  const applied: string[] = [];
  const ignored: string[] = [];
  const pollers: ImapPoller[] = [];

  const poller = (extra: Partial<ImapPollerOptions> = {}) => {
    const p = startImapPoller({
      host: server.host,
      port: server.port,
      secure: false,
      user: server.user,
      password: server.password,
      everyMs: FAR,
      firstPollMs: FAR,
      // The hub's own routing (applyReturn), on whichever database the test points it at.
      onReturn: async (e) => {
        await returnRouting(routeDb).onReturn(e);
        applied.push(e.type);
      },
      onIgnored: (i) => ignored.push(i.reason),
      ...extra,
    });
    pollers.push(p);
    return p;
  };

  const mail = async (attachments: Array<{ filename: string; content: Buffer }>, text = 'Message ACTES') =>
    (
      await nodemailer
        .createTransport({ streamTransport: true, buffer: true })
        .sendMail({ from: 'actes@interieur.gouv.test', to: 'actes@hub.departement.test', subject: 'ACTES', text, attachments })
    ).message as Buffer;

  const deliver = async (raw: Buffer) => {
    await imap.append('INBOX', raw);
  };

  const uids = async (folder: string, query: { seen?: boolean } = {}) => {
    const lock = await imap.getMailboxLock(folder);
    try {
      await imap.noop();
      return (await imap.search({ all: true, ...query }, { uid: true })) || [];
    } finally {
      lock.release();
    }
  };

  const version = async () => (await readRecord(hub.db, commune.communeId, 'acts.status', actId))!.version;

  beforeAll(async () => {
    server = await startDovecot();
    hub = await createTestHub('sqlite');
    routeDb = hub.db;
    commune = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    const content = uniquePdf('imap');
    const act = actRecord({ numero: 'IMAP_1', actFile: content });
    expect(await upload(hub.app, commune.secretaireToken, content)).toBe(204);
    await push(hub.app, commune.maireToken, [upsertAct(act)]);
    expect((await push(hub.app, commune.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');
    actId = act.id;
    idActe = (await hub.db.selectFrom('actes_transmissions').select('id_acte').where('act_id', '=', actId).executeTakeFirstOrThrow())
      .id_acte!;
    imap = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: false,
      auth: { user: server.user, pass: server.password },
      logger: false,
    });
    await imap.connect();
  }, 60_000);

  afterAll(async () => {
    for (const p of pollers) await p.close();
    await imap?.logout().catch(() => undefined);
    await hub?.close();
    await server?.close();
  });

  it('an ARActe mail is routed to its act, then marked seen', async () => {
    const xml = arActe({
      idActe,
      dateReception: '2026-11-28',
      acte: {
        date: '2026-11-20',
        numeroInterne: 'IMAP_1',
        codeNatureActe: 1,
        matieres: [8, 3],
        objet: 'x',
        classificationDateVersion: '2019-04-18',
        document: 'd.pdf',
        annexes: [],
        documentPapier: 'N',
      },
      classificationEnCours: '2019-04-18',
    });
    await deliver(await mail([{ filename: `${idActe}-1-2_1.xml`, content: xml }]));
    expect(await uids('INBOX', { seen: false })).toHaveLength(1);
    expect(await poller().pollNow()).toEqual({ unseen: 1, applied: 1, ignored: 0, failed: 0 });
    expect(applied).toEqual(['ARActe']);
    expect(await readStatus(hub.db, commune.communeId, actId)).toMatchObject({ state: 'acquitte', idActe, dateReception: '2026-11-28' });
    expect(await uids('INBOX', { seen: false })).toEqual([]);
  });

  it('a mail without ACTES attachment is marked seen and reported as ignored', async () => {
    await deliver(await mail([{ filename: 'note.txt', content: Buffer.from('bonjour') }]));
    expect(await pollers[0].pollNow()).toEqual({ unseen: 1, applied: 0, ignored: 1, failed: 0 });
    expect(ignored.pop()).toBe('aucun message ACTES');
    expect(await uids('INBOX', { seen: false })).toEqual([]);
  });

  it('when the database is closed the mail stays unseen, and the next poll applies it', async () => {
    const closedDb = await openHubDb({ file: hub.file! });
    await closedDb.destroy();
    routeDb = closedDb;
    const xml = letter('2-1', { idActe, date: '2026-11-29', text: 'Merci de préciser.', document: 'courrier.pdf' });
    await deliver(
      await mail([
        { filename: `${idActe}-2-1_2.xml`, content: xml },
        { filename: 'courrier.pdf', content: pdf },
      ]),
    );
    expect(await pollers[0].pollNow()).toEqual({ unseen: 1, applied: 0, ignored: 0, failed: 1 });
    expect(await uids('INBOX', { seen: false })).toHaveLength(1);
    expect((await readStatus(hub.db, commune.communeId, actId))!.letters).toEqual([]);

    routeDb = hub.db;
    expect(await pollers[0].pollNow()).toEqual({ unseen: 1, applied: 1, ignored: 0, failed: 0 });
    expect((await readStatus(hub.db, commune.communeId, actId))!.letters).toMatchObject([
      { type: '2-1', direction: 'recu', date: '2026-11-29', files: [{ fileName: 'courrier.pdf' }] },
    ]);
    expect(await uids('INBOX', { seen: false })).toEqual([]);
  });

  it('a restarted poller applies nothing twice, even if the seen flags were lost', async () => {
    await pollers[0].close();
    const v = await version();
    const before = applied.length;
    const again = poller();
    expect(await again.pollNow()).toEqual({ unseen: 0, applied: 0, ignored: 0, failed: 0 });
    expect(applied).toHaveLength(before);

    // A crash between applying and flagging: every mail comes back unseen, and re-applying is harmless.
    const all = await uids('INBOX');
    const lock = await imap.getMailboxLock('INBOX');
    try {
      await imap.messageFlagsRemove(all.join(','), ['\\Seen'], { uid: true });
    } finally {
      lock.release();
    }
    expect(await again.pollNow()).toEqual({ unseen: 3, applied: 2, ignored: 1, failed: 0 });
    expect(await version()).toBe(v);
    expect((await readStatus(hub.db, commune.communeId, actId))!.letters).toHaveLength(1);
  });

  it('handled mails can be moved to a "Traités" folder (created if missing)', async () => {
    const p = poller({ moveTo: 'Traités' });
    await deliver(await mail([{ filename: 'note.txt', content: Buffer.from('bonjour') }]));
    const inboxBefore = (await uids('INBOX')).length;
    expect(await p.pollNow()).toMatchObject({ unseen: 1, ignored: 1 });
    expect(await uids('INBOX')).toHaveLength(inboxBefore - 1);
    expect(await uids('Traités')).toHaveLength(1);
    expect(await uids('Traités', { seen: false })).toEqual([]);
  });

  it('survives the server going away and reconnects by itself with backoff', async () => {
    await imap.logout();
    await server.stop();
    const p = poller({ everyMs: 100, firstPollMs: 0, backoffBaseMs: 50, backoffMaxMs: 200 });
    await expect(p.pollNow()).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 500));
    await server.restart();
    imap = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: false,
      auth: { user: server.user, pass: server.password },
      logger: false,
    });
    await imap.connect();
    const count = ignored.length;
    await deliver(await mail([{ filename: 'note.txt', content: Buffer.from('encore') }]));
    const deadline = Date.now() + 10_000;
    while (ignored.length === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ignored.length).toBe(count + 1);
    expect(await uids('INBOX', { seen: false })).toEqual([]);
  });

  it('startHub with actes.imap polls the mailbox by itself and never logs the password', async () => {
    // Only the hub's own poller may read the mailbox now.
    for (const p of pollers.splice(0)) await p.close();
    let logText = '';
    const log = createHubLogger({
      level: 'debug',
      destination: {
        write: (line: string) => {
          logText += line;
        },
      },
    });
    // Same SQLite file as the test hub; nothing is left to send, so the forwarder stays idle.
    const running = await startHub({
      port: 0,
      dataDir: path.dirname(hub.file!),
      log,
      services: {
        acts: {
          prefectureUrl: 'https://127.0.0.1:9/actes',
          prefectureCertPem: 'inutilisé',
          tiers: { trigramme: 'GUI', quadrigramme: 'EACT', mailbox: 'actes@hub.departement.test' },
          imap: {
            host: server.host,
            port: server.port,
            secure: false,
            user: server.user,
            password: server.password,
            moveTo: 'Traités',
            everyMs: 100,
          },
        },
      },
    });
    try {
      expect(running.services.acts?.mailbox).toBeNull();
      const xml = letter('4-1', { idActe, date: '2026-11-30', text: 'Observations.', document: 'observations.pdf' });
      await deliver(
        await mail([
          { filename: `${idActe}-4-1_3.xml`, content: xml },
          { filename: 'observations.pdf', content: pdf },
        ]),
      );
      const deadline = Date.now() + 10_000;
      while ((await readStatus(hub.db, commune.communeId, actId))!.letters.length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await readStatus(hub.db, commune.communeId, actId))!.letters.map((l) => l.type)).toEqual(['2-1', '4-1']);
      expect(await uids('INBOX', { seen: false })).toEqual([]);
    } finally {
      await running.close();
    }
    expect(logText).toContain('acts: return applied');
    expect(logText).not.toContain(server.password);
  });
});
