import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateDemandInput } from '../../shared/electoral/ipc.js';
import { generateReuRows, renderReuCsv, type ReuRow } from '../../shared/electoral/synthetic.js';
import { GuichetError } from '../../shared/errors.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';
import { createElectoralModule, type ElectoralModule } from './module.js';
import { utf8Bytes } from './reu-variants.js';

const OPTS = { seed: 11, count: 120, inseeCode: '10387', communeName: 'Troyes', traps: false };

let dir: string;
let sc: StandaloneContext;
let mod: ElectoralModule;
let clock: Date;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-demands-'));
  clock = new Date('2026-03-05T09:00:00Z');
  sc = createStandaloneContext({ dataDir: dir, now: () => clock, role: 'maire', displayName: 'Le Maire' });
  mod = createElectoralModule(sc.ctx);
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

const h = () => mod.handlers;
const pdf = (name: string) => ({ fileName: name, mime: 'application/pdf' as const, content: utf8Bytes(`%PDF-1.4 ${name}`) });

async function importRows(rows: ReuRow[], day: string) {
  const preview = await h()['electoral:import-preview']({
    fileName: `com10387_electeurs_actifs_${day}.csv`,
    content: utf8Bytes(renderReuCsv(rows)),
  });
  return h()['electoral:import-commit']({ previewId: preview.previewId, confirmMassRemoval: true });
}

async function refusal(fn: () => unknown): Promise<GuichetError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GuichetError);
    return err as GuichetError;
  }
  throw new Error('expected a refusal');
}

const inscription = (over: Partial<CreateDemandInput> = {}): CreateDemandInput => ({
  kind: 'inscription',
  electorId: null,
  applicant: { birthName: "N'DIAYE-LEFÈVRE", usageName: null, firstNames: 'Aïssata Marie', birthDate: '1998-02-14' },
  newAddress: '12 rue Émile Zola, 10000 Troyes',
  newBureauCode: '0002',
  comment: null,
  list: 'LP',
  depositDate: '2026-03-02',
  birthPlace: 'Dakar (Sénégal)',
  email: 'aissata@example.test',
  files: [
    { piece: 'identite', ...pdf('passeport.pdf') },
    { piece: 'attache', ...pdf('bail.pdf') },
  ],
  ...over,
});

function pdfText(bytes: Uint8Array): string {
  const file = join(dir, `letter-${Math.random()}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

describe('a demand from its deposit to its letters', () => {
  it('stores the justificatifs privately and refuses a demand missing one, leaving nothing behind', async () => {
    const e = await refusal(() => h()['electoral:create-demand'](inscription({ files: [{ piece: 'attache', ...pdf('bail.pdf') }] })));
    expect(e.message).toBe(
      "Pièce justificative manquante : « Justificatif d'identité (et de nationalité) ». Joignez le scan ou le PDF avant d’enregistrer.",
    );
    const future = await refusal(() => h()['electoral:create-demand'](inscription({ depositDate: '2026-03-06' })));
    expect(future.message).toBe('La date de dépôt (06/03/2026) ne peut pas être dans le futur.');
    const eu = await refusal(() => h()['electoral:create-demand'](inscription({ list: 'LCE', nationality: 'US' })));
    expect(eu.message).toContain('réservées aux citoyens d');
    expect(await h()['electoral:demands']({ status: null })).toEqual([]);
    expect(sc.outbox.count()).toBe(0);
    // No byte was written for a refused demand.
    expect(readdirSync(dir).includes('electoral-justificatifs')).toBe(false);

    const d = await h()['electoral:create-demand'](inscription());
    expect(d.justificatifs.map((j) => j.piece)).toEqual(['identite', 'attache']);
    const stored = join(dir, 'electoral-justificatifs', d.justificatifs[0]!.sha256.slice(0, 2), d.justificatifs[0]!.sha256);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    const back = await h()['electoral:justificatif']({ sha256: d.justificatifs[0]!.sha256 });
    expect(new TextDecoder().decode(back.content)).toBe('%PDF-1.4 passeport.pdf');
  });

  it('decides, writes the acceptance letter as PDF and .eml, then the notification and the REU steps', async () => {
    const d = await h()['electoral:create-demand'](inscription());
    const early = await refusal(() => h()['electoral:demand-letter']({ id: d.id, letter: 'acceptation' }));
    expect(early.message).toBe('Pas de la lettre d’acceptation pour cette demande : elle n’est pas acceptée.');
    const before = await refusal(() => h()['electoral:decide']({ id: d.id, decision: 'acceptee', date: '2026-03-01', reason: null }));
    expect(before.message).toBe('La décision ne peut pas précéder le dépôt de la demande.');
    await h()['electoral:decide']({ id: d.id, decision: 'acceptee', date: '2026-03-04', reason: null });

    const letter = await h()['electoral:demand-letter']({ id: d.id, letter: 'acceptation' });
    const text = pdfText(letter.pdf.content);
    expect(text).toContain('Mairie de Troyes');
    expect(text).toContain("Aïssata Marie N'DIAYE-LEFÈVRE");
    expect(text).toContain('a été acceptée par décision du 04/03/2026');
    expect(text).toContain('Cerfa n° 12669*02');
    expect(text).toContain('bureau de vote n° 0002');
    expect(text).toContain('Troyes, le 05/03/2026');
    const info = execFileSync('pdfinfo', ['-'], { input: letter.pdf.content, encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1/);
    const eml = new TextDecoder().decode(letter.eml.content);
    expect(eml).toContain('To: aissata@example.test');
    expect(eml).toContain('X-Unsent: 1');
    expect(eml).toContain(`Content-Disposition: attachment; filename="${letter.pdf.fileName}"`);
    const attached = eml.split('\r\n\r\n')[3]!.split('\r\n--')[0]!.replace(/\r\n/g, '');
    expect(Buffer.from(attached, 'base64').equals(Buffer.from(letter.pdf.content))).toBe(true);
    expect(letter.mailto).toMatch(/^mailto:aissata%40example\.test\?subject=/);

    const notified = await h()['electoral:record-step']({ id: d.id, step: 'notification', date: '2026-03-05' });
    expect(notified.notificationDate).toBe('2026-03-05');
    const again = await refusal(() => h()['electoral:record-step']({ id: d.id, step: 'notification', date: '2026-03-04' }));
    expect(again.message).toBe('Cette étape de la demande est déjà enregistrée : sa date et son contenu ne changent plus.');
    const sent = await h()['electoral:record-step']({ id: d.id, step: 'reu', date: '2026-03-05' });
    expect(sent.reuTransmittedDate).toBe('2026-03-05');
    expect(sc.outbox.entriesFor('electoral.demands', d.id).map((e) => e.summary)).toEqual([
      'Demande : inscription (création)',
      'Demande : inscription (acceptée)',
      'Demande : inscription (décision notifiée)',
      'Demande : inscription (transmise au REU)',
    ]);
  });

  it('writes a refusal with its reason and the RAPO route, and the prior notice of a radiation', async () => {
    const d = await h()['electoral:create-demand'](inscription());
    const unmotivated = await refusal(() => h()['electoral:decide']({ id: d.id, decision: 'refusee', date: '2026-03-04', reason: null }));
    expect(unmotivated.message).toBe('Un refus doit être motivé : indiquez le motif (il figure sur la lettre).');
    await h()['electoral:decide']({
      id: d.id,
      decision: 'refusee',
      date: '2026-03-04',
      reason: 'Aucun justificatif de domicile de moins de trois mois.',
    });
    const text = pdfText((await h()['electoral:demand-letter']({ id: d.id, letter: 'refus' })).pdf.content);
    expect(text).toContain('a été refusée par décision du 04/03/2026');
    expect(text).toContain('Motif : Aucun justificatif de domicile de moins de trois mois.');
    expect(text).toContain('recours administratif préalable obligatoire (RAPO) devant la commission de contrôle');
    expect(text).toContain('dans un délai de cinq jours à compter de la réception');
    expect(text).toContain('trente jours');

    await importRows(generateReuRows(OPTS), '02-03-2026');
    const elector = (await h()['electoral:search']({ query: '' })).items[0]!;
    const rad = await h()['electoral:create-demand']({
      ...inscription({ files: [] }),
      kind: 'radiation',
      electorId: elector.id,
      applicant: {
        birthName: elector.birthName,
        usageName: elector.usageName,
        firstNames: elector.firstNames,
        birthDate: elector.birthDate,
      },
      comment: 'Courrier retourné : n’habite plus à l’adresse indiquée',
    });
    const noNotice = await refusal(() => h()['electoral:decide']({ id: rad.id, decision: 'acceptee', date: '2026-03-04', reason: null }));
    expect(noNotice.message).toContain('qu’après le préavis');
    const notice = pdfText((await h()['electoral:demand-letter']({ id: rad.id, letter: 'preavis_radiation' })).pdf.content);
    expect(notice).toContain('procédure contradictoire');
    expect(notice).toContain('commune de Troyes');
    expect(notice).toContain('présenter vos observations');
    await h()['electoral:record-step']({ id: rad.id, step: 'notice', date: '2026-03-03' });
    // The elector has 15 days to answer (R.8): until 18/03, so the radiation is decided from the 19th on.
    const early = await refusal(() => h()['electoral:decide']({ id: rad.id, decision: 'acceptee', date: '2026-03-05', reason: null }));
    expect(early.message).toBe(
      'L’électeur a 15 jours pour répondre au préavis envoyé le 03/03/2026 : la radiation ne peut être décidée qu’à partir du 19/03/2026.',
    );
    clock = new Date('2026-03-19T09:00:00Z');
    expect((await h()['electoral:decide']({ id: rad.id, decision: 'acceptee', date: '2026-03-19', reason: null })).status).toBe('acceptee');
  });
});

describe('reconciliation with the next imported extract', () => {
  it('closes the transmitted inscription found and the radiation gone; leaves homonyms and the rest listed', async () => {
    const rows = generateReuRows(OPTS);
    await importRows(rows, '02-03-2026');
    const leaving = (await h()['electoral:search']({ query: rows[5]!.birthName })).items.find((i) => i.firstNames === rows[5]!.firstNames)!;

    const newcomer = await h()['electoral:create-demand'](inscription());
    const twin = await h()['electoral:create-demand'](
      inscription({ applicant: { birthName: 'DUVAL', usageName: null, firstNames: 'Paul', birthDate: '1980-05-05' }, birthPlace: null }),
    );
    const notSent = await h()['electoral:create-demand'](
      inscription({ applicant: { birthName: 'ROUX', usageName: null, firstNames: 'Léa', birthDate: '1991-09-09' }, birthPlace: null }),
    );
    const rad = await h()['electoral:create-demand']({
      ...inscription({ files: [], depositDate: '2026-02-10' }),
      kind: 'radiation',
      electorId: leaving.id,
      applicant: {
        birthName: leaving.birthName,
        usageName: leaving.usageName,
        firstNames: leaving.firstNames,
        birthDate: leaving.birthDate,
      },
    });
    // Notice on 15/02: the answer window ended on 02/03, the radiation is decided with the others.
    await h()['electoral:record-step']({ id: rad.id, step: 'notice', date: '2026-02-15' });
    for (const d of [newcomer, twin, notSent, rad])
      await h()['electoral:decide']({ id: d.id, decision: 'acceptee', date: '2026-03-04', reason: null });
    for (const d of [newcomer, twin, rad]) await h()['electoral:record-step']({ id: d.id, step: 'reu', date: '2026-03-04' });

    // The next extract: the newcomer appears (accents and case as the REU writes them), two homonym DUVAL Paul born
    // the same day, Léa ROUX (never transmitted), and the radiated elector is gone.
    const model = rows[0]!;
    const person = (birthName: string, firstNames: string, birthDate: string, birthCommuneLabel: string): ReuRow => ({
      ...model,
      birthName,
      usageName: '',
      firstNames,
      birthDate,
      birthCommuneLabel,
    });
    const next = [
      ...rows.filter((_, i) => i !== 5),
      person('NDIAYE LEFEVRE', 'AISSATA MARIE', '14/02/1998', 'DAKAR'),
      person('DUVAL', 'PAUL', '05/05/1980', 'TROYES'),
      person('DUVAL', 'PAUL ANDRE', '05/05/1980', 'REIMS'),
      person('ROUX', 'LEA', '09/09/1991', 'TROYES'),
    ];
    // An extract from before the transmission proves nothing.
    await importRows(next, '03-03-2026');
    expect((await h()['electoral:demands']({ status: 'acceptee' })).every((d) => d.reconciliation === null)).toBe(true);

    await importRows(next, '05-03-2026');
    const byId = new Map((await h()['electoral:demands']({ status: null })).map((d) => [d.id, d]));
    const found = byId.get(newcomer.id)!.reconciliation!;
    expect(found).toMatchObject({ on: '2026-03-05', method: 'identite' });
    const elector = await h()['electoral:elector']({ id: found.electorId! });
    expect(elector.elector.birthName).toBe('NDIAYE LEFEVRE');
    expect(byId.get(rad.id)!.reconciliation).toMatchObject({ method: 'absence', electorId: null });
    expect(byId.get(twin.id)!.reconciliation).toBeNull();
    expect(byId.get(notSent.id)!.reconciliation).toBeNull();
    // The closing went to the hub with the import, in the same local transaction.
    const summaries = sc.outbox.entriesFor('electoral.demands', newcomer.id).map((e) => e.summary);
    expect(summaries.at(-1)).toBe('Demande : inscription (rapprochée de l’extrait du 2026-03-05)');
  });
});
