import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckDraftInput } from '../../shared/acts/ipc.js';
import { GuichetError } from '../../shared/errors.js';
import type { CommuneRole } from '../../shared/accounts/roles.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';
import { makePki, opensslSerial, P12_PASSWORD, pdfsig, type Pki } from '../signing/test-fixtures.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { createActsModule, type ActsModule } from './module.js';
import { acknowledgedStatus, applyHubRecord, CLASSIFICATION, deliberationPdf, draftInput } from './test-fixtures.js';

let pki: Pki;
let pdf: Uint8Array<ArrayBuffer>;
let fixturesDir: string;
let dir: string;
let sc: StandaloneContext;
let mod: ActsModule;

beforeAll(async () => {
  fixturesDir = mkdtempSync(join(tmpdir(), 'guichet-acts-pki-'));
  pki = makePki(join(fixturesDir, 'pki'));
  pdf = await deliberationPdf(fixturesDir);
});
afterAll(() => rmSync(fixturesDir, { recursive: true, force: true }));

function open(role: CommuneRole = 'maire'): void {
  sc = createStandaloneContext({
    dataDir: dir,
    role,
    displayName: role === 'maire' ? 'Jeanne Dupont' : 'Claire Agent',
    logLevel: 'silent',
  });
  mod = createActsModule(sc.ctx);
}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-acts-'));
  open();
  applyHubRecord(mod.collections, 'acts.classification', 'current', CLASSIFICATION);
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

const h = () => mod.handlers;
const p12 = (path: string) => new Uint8Array(readFileSync(path));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function refused(fn: () => unknown, code?: string): Promise<GuichetError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GuichetError);
    if (code) expect((err as GuichetError).code).toBe(code);
    return err as GuichetError;
  }
  throw new Error('expected a refusal');
}

const checkInput = (over: Record<string, unknown> = {}): CheckDraftInput => ({
  numeroInterne: 'DEL2026_012',
  decisionDate: '2026-03-02',
  codeNatureActe: 1,
  matieres: [1, 1],
  objet: 'Travaux de voirie',
  actTypology: '99_DE',
  actFile: { fileName: 'deliberation.pdf', size: pdf.byteLength, head: new Uint8Array(pdf.subarray(0, 16)) },
  annexes: [],
  actId: null,
  ...over,
});

async function signedAct() {
  await h()['acts:import-certificate']({ fileName: 'jeanne.p12', content: p12(pki.p12Aes), password: P12_PASSWORD });
  const created = await h()['acts:create'](draftInput(pdf));
  // The test certificate names no SIREN: the mayor confirms it is the commune's (electron/acts/signer.test.ts).
  return h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD, confirmNoSiren: true });
}

describe('drafting', () => {
  it('shows every problem of the form with its field, as she types', async () => {
    expect(await h()['acts:check-draft'](checkInput())).toEqual([]);
    const problems = await h()['acts:check-draft'](
      checkInput({
        numeroInterne: 'del-12',
        decisionDate: '2999-01-01',
        matieres: [1, 9],
        objet: '',
        actTypology: '99_ZZ',
        actFile: { fileName: 'scan.docx', size: 10, head: new Uint8Array([0x50, 0x4b, 3, 4]) },
      }),
    );
    expect(problems.map((p) => p.field).sort()).toEqual(['act', 'act.typology', 'decisionDate', 'matieres', 'numeroInterne', 'objet']);
    expect(problems.find((p) => p.field === 'act')?.message).toBe("L'acte doit être un fichier PDF.");
    expect((await h()['acts:check-draft'](checkInput({ actFile: null }))).map((p) => p.message)).toEqual([
      "Joignez le fichier de l'acte (PDF).",
    ]);
  });

  it('says the classification is missing instead of refusing every matière', async () => {
    sc.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'guichet-acts-'));
    open();
    const problems = await h()['acts:check-draft'](checkInput());
    expect(problems).toEqual([
      { field: 'classification', message: expect.stringMatching(/classification de la préfecture n'est pas encore arrivée/) },
    ]);
  });

  it('keeps NumeroInterne unique in the commune, offline, and lets a draft keep its own number', async () => {
    const first = await h()['acts:create'](draftInput(pdf));
    const dup = await h()['acts:check-draft'](checkInput());
    expect(dup).toEqual([
      {
        field: 'numeroInterne',
        message: 'Le numéro « DEL2026_012 » est déjà utilisé par un autre acte de la commune : chaque acte doit avoir son propre numéro.',
      },
    ]);
    expect(await h()['acts:check-draft'](checkInput({ actId: first.act.id }))).toEqual([]);
    const err = await refused(() => h()['acts:create'](draftInput(pdf)), 'invalid_input');
    expect(err.message).toMatch(/déjà utilisé/);
    expect(await h()['acts:list']({ state: null })).toHaveLength(1);
  });

  it('stores the files content-addressed and writes the record with its outbox upsert', async () => {
    const annex = new Uint8Array(Buffer.from('<?xml version="1.0"?><budget/>'));
    const d = await h()['acts:create'](draftInput(pdf, { annexes: [{ fileName: 'plan.xml', content: annex, typology: '22_PN' }] }));
    expect(d.act).toMatchObject({ transmitRequested: false, signature: null, createdBy: 'Jeanne Dupont' });
    expect(d.act.actFile).toEqual({ sha256: sha(pdf), fileName: 'deliberation.pdf', size: pdf.byteLength, mime: 'application/pdf' });
    expect(d.act.annexFiles[0]).toMatchObject({ sha256: sha(annex), mime: 'application/xml' });
    expect(readFileSync(join(dir, 'files', sha(pdf).slice(0, 2), sha(pdf)))).toEqual(Buffer.from(pdf));
    expect(d.act.draft.classificationDateVersion).toBe('2025-01-15');
    expect(d.pending).toBe(true);
    expect(d.uploads.map((u) => u.uploaded)).toEqual([0, 0]);
    expect(d.status).toBeNull();
    const queued = sc.outbox.list();
    expect(queued.map((q) => q.entry)).toEqual([
      {
        kind: 'upsert',
        collection: 'acts.acts',
        recordId: d.act.id,
        baseVersion: null,
        data: d.act,
        summary: 'Acte DEL2026_012 (brouillon)',
      },
    ]);
    expect(sc.syncRequests()).toBe(1);
    const file = await h()['acts:file']({ sha256: sha(pdf) });
    expect(file).toMatchObject({ fileName: 'deliberation.pdf', mime: 'application/pdf' });
    expect(Buffer.from(file.content)).toEqual(Buffer.from(pdf));
  });

  it('lets only the roles with the permission draft, sign and transmit', async () => {
    sc.setUser({ role: 'consultation', displayName: 'Paul Lecteur' });
    await refused(() => h()['acts:create'](draftInput(pdf)), 'forbidden');
    sc.setUser({ role: 'secretaire', displayName: 'Claire Agent' });
    const d = await h()['acts:create'](draftInput(pdf));
    await refused(
      () => h()['acts:import-certificate']({ fileName: 'x.p12', content: p12(pki.p12Aes), password: P12_PASSWORD }),
      'forbidden',
    );
    await refused(() => h()['acts:sign']({ id: d.act.id, password: P12_PASSWORD }), 'forbidden');
    await refused(() => h()['acts:transmit']({ id: d.act.id }), 'forbidden');
  });
});

describe('certificate', () => {
  it('imports the commune certificate and describes it', async () => {
    expect(await h()['acts:certificate'](null)).toBeNull();
    const info = await h()['acts:import-certificate']({ fileName: 'jeanne.p12', content: p12(pki.p12Legacy), password: P12_PASSWORD });
    expect(info).toMatchObject({
      holder: 'Jeanne Dupont',
      organisation: "Mairie d'Évreux",
      issuer: 'AC Test Guichet, Département Test',
      serial: opensslSerial(pki.signerPem),
    });
    expect(new Date(info.notAfter).getTime()).toBeGreaterThan(Date.now());
    expect(await h()['acts:certificate'](null)).toEqual(info);
    // The key on disk is encrypted: the p12 file itself is not kept.
    expect(execFileSync('find', [join(dir, 'signing-keys'), '-type', 'f'], { encoding: 'utf8' })).not.toMatch(/\.p12/);
  });

  it('refuses a wrong password, an expired and a not-yet-valid certificate in French', async () => {
    expect(
      (
        await refused(
          () => h()['acts:import-certificate']({ fileName: 'j.p12', content: p12(pki.p12Aes), password: 'faux' }),
          'invalid_input',
        )
      ).message,
    ).toBe('Mot de passe du certificat incorrect.');
    expect(
      (await refused(() => h()['acts:import-certificate']({ fileName: 'j.p12', content: p12(pki.p12Expired), password: P12_PASSWORD })))
        .message,
    ).toBe('Le certificat a expiré le 12/03/2025 : demandez son renouvellement à votre autorité de certification.');
    expect(
      (await refused(() => h()['acts:import-certificate']({ fileName: 'j.p12', content: p12(pki.p12NotYetValid), password: P12_PASSWORD })))
        .message,
    ).toMatch(/^Le certificat n'est valable qu'à partir du 01\/01\/2099/);
    expect(await h()['acts:certificate'](null)).toBeNull();
  });
});

describe('signing', () => {
  it('signs the act PDF locally in PAdES, into a new file, leaving the original untouched', async () => {
    await h()['acts:import-certificate']({ fileName: 'jeanne.p12', content: p12(pki.p12Aes), password: P12_PASSWORD });
    const created = await h()['acts:create'](draftInput(pdf));
    expect((await refused(() => h()['acts:sign']({ id: created.act.id, password: 'mauvais' }), 'invalid_input')).message).toBe(
      'Mot de passe du certificat incorrect.',
    );

    const signed = await h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD, confirmNoSiren: true });
    expect(signed.act.signature).toMatchObject({ signerName: 'Jeanne Dupont', certificateSerial: opensslSerial(pki.signerPem) });
    expect(signed.act.actFile!.sha256).not.toBe(sha(pdf));
    const signedPath = join(dir, 'files', signed.act.actFile!.sha256.slice(0, 2), signed.act.actFile!.sha256);
    const sigs = pdfsig(signedPath);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatchObject({ valid: true, totalDocumentSigned: true });
    expect(sha(readFileSync(signedPath))).toBe(signed.act.actFile!.sha256);
    expect(readFileSync(join(dir, 'files', sha(pdf).slice(0, 2), sha(pdf)))).toEqual(Buffer.from(pdf));
    // Only the signed file goes to the hub.
    expect(signed.uploads.map((u) => u.sha256)).toEqual([signed.act.actFile!.sha256]);
    expect((await h()['acts:list']({ state: 'signe' })).map((a) => a.id)).toEqual([created.act.id]);
    const entries = sc.outbox.list().map((q) => q.entry);
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      kind: 'upsert',
      recordId: created.act.id,
      data: signed.act,
      summary: "Signature de l'acte DEL2026_012",
    });
    await refused(() => h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD }), 'conflict');
  });

  it('asks for the certificate before signing', async () => {
    const created = await h()['acts:create'](draftInput(pdf));
    expect((await refused(() => h()['acts:sign']({ id: created.act.id, password: 'x' }), 'not_found')).message).toMatch(
      /Aucun certificat de signature/,
    );
  });
});

describe('transmission, offline', () => {
  it('queues a budget document in XML without asking for a PAdES signature', async () => {
    const xml = new TextEncoder().encode(
      '<?xml version="1.0" encoding="UTF-8"?>\n<DocumentBudgetaire><Exercice>2026</Exercice></DocumentBudgetaire>\n',
    );
    const draft = await h()['acts:create'](
      draftInput(pdf, {
        numeroInterne: 'BP2026',
        codeNatureActe: 5,
        matieres: [7, 1],
        objet: 'Budget primitif 2026',
        actTypology: '99_BU',
        actFile: { fileName: 'budget.xml', content: xml },
      }),
    );
    const sent = await h()['acts:transmit']({ id: draft.act.id });
    expect(sent.act.transmitRequested).toBe(true);
    expect(sc.outbox.list().some((q) => q.entry.kind === 'command' && (q.entry.payload as { actId: string }).actId === draft.act.id)).toBe(
      true,
    );
  });

  it('refuses an unsigned act, then queues the signed act and the transmit command after it', async () => {
    const draft = await h()['acts:create'](draftInput(pdf, { numeroInterne: 'DEL2026_013' }));
    expect((await refused(() => h()['acts:transmit']({ id: draft.act.id }), 'invalid_input')).message).toBe(
      "Signez l'acte avant de le transmettre à la préfecture.",
    );

    const signed = await signedAct();
    const sent = await h()['acts:transmit']({ id: signed.act.id });
    expect(sent.act.transmitRequested).toBe(true);
    expect(sent.pending).toBe(true);
    const mine = sc.outbox.list().filter((q) => q.entry.kind === 'command' || q.entry.recordId === signed.act.id);
    expect(mine.map((q) => (q.entry.kind === 'command' ? q.entry.name : q.entry.summary))).toEqual([
      'Acte DEL2026_012 (brouillon)',
      "Signature de l'acte DEL2026_012",
      'Acte DEL2026_012 prêt à transmettre',
      TRANSMIT_COMMAND,
    ]);
    expect(mine[3].entry).toMatchObject({ kind: 'command', payload: { actId: signed.act.id } });
    const summary = (await h()['acts:list']({ state: null })).find((a) => a.id === signed.act.id);
    expect(summary).toMatchObject({ state: 'poste', pending: true, idActe: null, numeroInterne: 'DEL2026_012' });
    // Asking twice does not queue a second transmission.
    await h()['acts:transmit']({ id: signed.act.id });
    expect(sc.outbox.list().filter((q) => q.entry.kind === 'command')).toHaveLength(1);
  });

  it('transmits again after the hub reported an error, not before', async () => {
    const signed = await signedAct();
    const id = signed.act.id;
    await h()['acts:transmit']({ id });
    const commands = () => sc.outbox.list().filter((q) => q.entry.kind === 'command').length;
    applyHubRecord(
      mod.collections,
      'acts.status',
      id,
      { ...acknowledgedStatus(id, 'x'), state: 'en_attente', idActe: null, dateReception: null },
      3,
    );
    await h()['acts:transmit']({ id });
    expect(commands()).toBe(1);
    applyHubRecord(
      mod.collections,
      'acts.status',
      id,
      { ...acknowledgedStatus(id, 'x'), state: 'erreur', idActe: null, dateReception: null, error: 'Anomalie : classification périmée' },
      4,
    );
    expect((await h()['acts:get']({ id })).status).toMatchObject({ state: 'erreur', error: 'Anomalie : classification périmée' });
    await h()['acts:transmit']({ id });
    expect(commands()).toBe(2);
  });

  it('survives a restart of the PC: the queue, the files and the certificate are still there', async () => {
    const signed = await signedAct();
    await h()['acts:transmit']({ id: signed.act.id });
    sc.close();
    open();
    const again = await h()['acts:get']({ id: signed.act.id });
    expect(again.act).toEqual({ ...signed.act, transmitRequested: true });
    expect(again.pending).toBe(true);
    expect(sc.outbox.list()).toHaveLength(4);
    expect((await h()['acts:certificate'](null))?.holder).toBe('Jeanne Dupont');
  });
});

describe('after the ARActe', () => {
  it('refuses the bordereau and the stamped copy before the AR, makes them after', async () => {
    const signed = await signedAct();
    const id = signed.act.id;
    await h()['acts:transmit']({ id });
    const before = await refused(() => h()['acts:bordereau']({ id }), 'invalid_input');
    expect(before.message).toBe(
      "Ce document n'est disponible qu'après l'accusé de réception de la préfecture (ARActe) : cet acte n'en a pas encore reçu.",
    );
    await refused(() => h()['acts:stamped-copy']({ id }), 'invalid_input');

    const idActe = '010-211003876-20260302-DEL2026_012-DE';
    applyHubRecord(mod.collections, 'acts.status', id, acknowledgedStatus(id, idActe), 7);
    const d = await h()['acts:get']({ id });
    expect(d.status).toMatchObject({ state: 'acquitte', idActe, dateReception: '2026-03-04' });
    expect((await h()['acts:list']({ state: 'acquitte' }))[0]).toMatchObject({ id, idActe });

    const bordereau = await h()['acts:bordereau']({ id });
    expect(bordereau).toMatchObject({ fileName: 'accuse-reception-DEL2026_012.pdf', mime: 'application/pdf' });
    const text = pdfText(bordereau.content);
    expect(text).toContain(`Identifiant de l'acte (IDActe) : ${idActe}`);
    expect(text).toContain('Date de réception en préfecture : 04/03/2026');
    expect(text).toContain('Commune : Troyes (10387)');
    expect(text).toContain('Objet : Travaux de voirie rue des Écoles');
    expect(text).toContain('Nature : Délibérations');
    expect(text).toMatch(/Accusé de réception reçu \(IDActe/);

    const copy = await h()['acts:stamped-copy']({ id });
    const copyText = pdfText(copy.content);
    const stamp = `Reçu en préfecture le 04/03/2026 — IDActe ${idActe}`;
    expect(copyText.split(stamp).length - 1).toBe(2); // both pages
    // The signed original is still the signed original.
    const signedPath = join(dir, 'files', signed.act.actFile!.sha256.slice(0, 2), signed.act.actFile!.sha256);
    expect(sha(readFileSync(signedPath))).toBe(signed.act.actFile!.sha256);
    expect(pdfsig(signedPath)[0].valid).toBe(true);
  });

  it('queues a cancellation only for an acknowledged act, and an answer to a letter with its files', async () => {
    const signed = await signedAct();
    const id = signed.act.id;
    await refused(() => h()['acts:cancel']({ id }), 'invalid_input');
    const status = acknowledgedStatus(id, '010-211003876-20260302-DEL2026_012-DE');
    status.letters.push({
      id: 'L1',
      type: '3-1',
      direction: 'recu',
      label: 'Demande de pièces complémentaires',
      date: '2026-03-10',
      files: [],
      state: 'recu',
    });
    applyHubRecord(mod.collections, 'acts.status', id, status, 8);
    await h()['acts:cancel']({ id });
    const piece = new Uint8Array(Buffer.from('%PDF-1.4 pièce complémentaire'));
    await refused(
      () => h()['acts:answer-letter']({ actId: id, letterId: 'L1', type: '4-2', files: [{ fileName: 'piece.pdf', content: piece }] }),
      'invalid_input',
    );
    expect(
      (
        await refused(() =>
          h()['acts:answer-letter']({ actId: id, letterId: 'L1', type: '3-2', files: [{ fileName: 'piece.pdf', content: piece }] }),
        )
      ).message,
    ).toBe('Un accusé de réception ne porte pas de document.');
    await h()['acts:answer-letter']({ actId: id, letterId: 'L1', type: '3-4', files: [{ fileName: 'piece.pdf', content: piece }] });
    const commands = sc.outbox
      .list()
      .filter((q) => q.entry.kind === 'command')
      .map((q) => q.entry);
    expect(commands).toEqual([
      expect.objectContaining({ name: 'acts.cancel', payload: { actId: id } }),
      expect.objectContaining({
        name: 'acts.answer',
        payload: {
          actId: id,
          letterId: 'L1',
          type: '3-4',
          files: [{ sha256: sha(piece), fileName: 'piece.pdf', size: piece.byteLength, mime: 'application/pdf' }],
        },
      }),
    ]);
  });
});

function pdfText(content: Uint8Array): string {
  const path = join(dir, `t-${Date.now()}.pdf`);
  writeFileSync(path, content);
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).replace(/ {2,}/g, ' ');
}

describe('file store', () => {
  it('sweeps files a crash left unreferenced, keeps every indexed one and recent writes', async () => {
    const d = await h()['acts:create'](draftInput(pdf));
    const { createFileStore } = await import('../files/file-store.js');
    const orphan = new Uint8Array(Buffer.from('%PDF-1.4 écrit avant une transaction jamais validée'));
    const later = new Date(Date.now() + 2 * 24 * 3600_000);
    const store = createFileStore(sc.db, dir, () => later);
    const written = await store.putBytes(orphan);
    const fresh = createFileStore(sc.db, dir, () => new Date());
    expect(await fresh.sweepOrphans()).toBe(0); // too recent: may belong to a transaction still running
    expect(await store.sweepOrphans()).toBe(1);
    expect(await store.read(written.sha256)).toBeNull();
    expect(await store.read(d.act.actFile!.sha256)).not.toBeNull();
  });
});
