import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packEntries } from '../actes-format/archive.js';
import { actesXsdDir } from '../actes-format/xsd-validate.js';
import { startActesMailbox, type ActesMailbox } from './smtp-receiver.js';
import type { ActesReturnEvent } from './extract-returns.js';

const example = (name: string) => ({ filename: name, content: readFileSync(path.join(actesXsdDir(), 'examples', name)) });

describe('ACTES mailbox over real SMTP on loopback', () => {
  let mailbox: ActesMailbox;
  const received: ActesReturnEvent[] = [];
  const ignored: string[] = [];
  let failNext = false;
  beforeAll(async () => {
    mailbox = await startActesMailbox({
      onReturn: (e) => {
        if (failNext) {
          failNext = false;
          throw new Error('base indisponible');
        }
        received.push(e);
      },
      onIgnored: (i) => ignored.push(i.reason),
    });
  });
  afterAll(() => mailbox.close());
  const send = (attachments: Array<{ filename: string; content: Buffer }>) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true }).sendMail({
      from: 'actes@interieur.gouv.test',
      to: 'actes@hub.departement.test',
      subject: 'ACTES',
      text: 'Message ACTES',
      attachments,
    });

  it('routes an AnomalieActe by SIREN + NumeroInterne (envelope + message attached)', async () => {
    await send([example('EACT--SPREF0441-214400152-20181012-9.xml'), example('044-214400152----1-3_1.xml')]);
    const r = received.pop()!;
    expect(r).toMatchObject({ siren: '214400152', numeroInterne: '123456', idActe: null, type: 'AnomalieActe' });
    expect(r.files[0].name).toBe('044-214400152----1-3_1.xml');
  });
  it('routes an ARActe and an ARAnnulation by IDActe', async () => {
    await send([example('006-210600235-20180522-684-AI-1-2_5279.xml'), example('044-214400152-20181106-TEST_DGCL_4-DE-6-2_10.xml')]);
    expect(received.splice(0).map((r) => [r.type, r.siren, r.numeroInterne, r.idActe])).toEqual([
      ['ARActe', '210600235', '684', '006-210600235-20180522-684-AI'],
      ['ARAnnulation', '214400152', 'TEST_DGCL_4', '044-214400152-20181106-TEST_DGCL_4-DE'],
    ]);
  });
  it('an AnomalieEnveloppe is keyed by the SIREN of the rejected envelope', async () => {
    await send([example('ANO_EACT--214400152--20180925-1.xml')]);
    expect(received.pop()).toMatchObject({ type: 'AnomalieEnveloppe', siren: '214400152', idActe: null });
  });
  it('returns packed as a tar.gz attachment are read too', async () => {
    const tgz = await packEntries(
      [example('EACT--SPREF0441-214400152-20181012-9.xml'), example('044-214400152----1-3_1.xml')].map((e) => ({
        name: e.filename,
        content: e.content,
      })),
    );
    await send([{ filename: 'retour.tar.gz', content: tgz }]);
    expect(received.pop()).toMatchObject({ type: 'AnomalieActe', siren: '214400152', numeroInterne: '123456' });
  });
  it('a mail about an act handled "en multi canal" is ignored', async () => {
    await nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true }).sendMail({
      from: 'a@b.test',
      to: 'actes@hub.departement.test',
      subject: 'ACTES',
      text: "L'acte est traité en multi canal.",
      attachments: [example('006-210600235-20180522-684-AI-1-2_5279.xml')],
    });
    expect(received).toHaveLength(0);
    expect(ignored.pop()).toBe('acte traité en multi canal');
  });
  it('a mail without ACTES message is reported, not delivered', async () => {
    await send([{ filename: 'note.txt', content: Buffer.from('bonjour') }]);
    expect(received).toHaveLength(0);
    expect(ignored.pop()).toBe('aucun message ACTES');
  });
  it('when the hub cannot store the return, the mail is refused temporarily (451)', async () => {
    failNext = true;
    await expect(send([example('044-214400152-20181106-TEST_DGCL_4-DE-6-2_10.xml')])).rejects.toThrow(/451/);
    expect(received).toHaveLength(0);
  });
});
