import { describe, expect, it } from 'vitest';
import type { Classification } from './classification.js';
import { checkAnswerFiles, checkAnswerType, MAX_ANSWER_FILES } from './commands.js';
import { actDraftSchema, checkActDraft, type ActDraft } from './draft.js';
import { sniffFileKind } from './file-kinds.js';
import { buildIdActe, isIdActe, parseIdActe } from './id-acte.js';
import { NATURES_ACTE, natureByCode } from './natures.js';
import type { ActRecord } from './records.js';
import {
  MAX_TOTAL_BYTES,
  checkActFileKind,
  checkActWrite,
  checkAnnexFileKind,
  checkClassificationVersion,
  checkDecisionDate,
  checkMatieres,
  checkNature,
  checkNumeroInterne,
  checkObjet,
  checkTotalSize,
  checkTypology,
} from './rules.js';

const classification: Classification = {
  dateClassification: '2019-04-18',
  natures: [
    {
      code: 1,
      libelle: 'Délibérations',
      typeAbrege: 'DE',
      typologies: [
        { code: '99_DE', libelle: 'Délibération' },
        { code: '99_SE', libelle: 'Signature' },
        { code: '22_PN', libelle: 'Plans' },
      ],
    },
    { code: 3, libelle: 'Actes individuels', typeAbrege: 'AI', typologies: [{ code: '99_AI', libelle: 'Acte individuel' }] },
  ],
  matieres: [
    {
      code: 7,
      libelle: 'Finances locales',
      children: [{ code: 1, libelle: 'Décisions budgétaires', children: [{ code: 2, libelle: 'Budget', children: [] }] }],
    },
    { code: 1, libelle: 'Commande publique', children: [{ code: 1, libelle: 'Marchés publics', children: [] }] },
  ],
};

describe('natures', () => {
  it('has the six official natures with their letter codes', () => {
    expect(NATURES_ACTE.map((n) => `${n.code}${n.abrege}`)).toEqual(['1DE', '2AR', '3AI', '4CC', '5BF', '6AU']);
    expect(natureByCode(4).libelle).toBe('Contrats, conventions et avenants');
    expect(() => natureByCode(7 as never)).toThrow();
  });
});

describe('NumeroInterne', () => {
  it.each(['1', 'CL20171227_06', 'A_B', 'ABCDEFGHIJ12345'])('accepts %s', (v) => expect(checkNumeroInterne(v)).toBeNull());
  it.each([
    ['', /obligatoire/],
    ['ABCDEFGHIJ123456', /15 caractères/],
    ['_A', /ni au début ni à la fin/],
    ['A_', /ni au début/],
    ['abc', /majuscules/],
    ['2024-01', /majuscules/],
    ['DÉLIB1', /majuscules/],
  ])('refuses %j', (v, msg) => expect(checkNumeroInterne(v)).toMatch(msg));
});

describe('decision date', () => {
  it('accepts today and the past, refuses the future and invalid dates', () => {
    expect(checkDecisionDate('2026-11-28', '2026-11-28')).toBeNull();
    expect(checkDecisionDate('2025-01-31', '2026-11-28')).toBeNull();
    expect(checkDecisionDate('2026-11-29', '2026-11-28')).toMatch(/futur/);
    expect(checkDecisionDate('2026-02-30', '2026-11-28')).toMatch(/date valide/);
    expect(checkDecisionDate('28/11/2026', '2026-11-28')).toMatch(/date valide/);
  });
  it('says what to type, in the words of the form, without the storage format', () => {
    expect(checkDecisionDate('', '2026-11-28')).toMatch(/par exemple 14\/07\/2026/);
    expect(checkDecisionDate('', '2026-11-28')).not.toMatch(/AAAA|MM|JJ/);
  });
});

describe('nature', () => {
  it('asks to choose from the list, without exposing codes', () => {
    expect(checkNature(1)).toBeNull();
    expect(checkNature(0)).toMatch(/Choisissez la nature/);
    expect(checkNature(7)).not.toMatch(/code|\d/);
  });
});

describe('objet', () => {
  it('requires a single line of at most 499 characters', () => {
    expect(checkObjet('Vote du budget primitif')).toBeNull();
    expect(checkObjet('é'.repeat(499))).toBeNull();
    expect(checkObjet('x'.repeat(500))).toMatch(/499 caractères/);
    expect(checkObjet('ligne 1\nligne 2')).toMatch(/une seule ligne/);
    expect(checkObjet('a\rb')).toMatch(/une seule ligne/);
    expect(checkObjet('   ')).toMatch(/obligatoire/);
  });

  it('refuses invisible characters the prefecture archive (XML) cannot carry, naming the problem', () => {
    // Pasted from a word processor: a form feed (page break), U+0001, a lone surrogate half.
    for (const bad of ['Vote du budget\fprimitif', 'Vote\u0001 du budget', 'Vote du budget \uD83D', 'Budget\u0085']) {
      expect(checkObjet(bad)).toMatch(/^L'objet contient un caractère invisible/);
    }
    expect(checkObjet('Vote du budget\fprimitif')).toMatch(/15e caractère/);
    // Tabs are ordinary spaces for XML, and every printable character (accents, €, emoji) is fine.
    expect(checkObjet('Vote du budget\tprimitif 2026 — 12 000 € ✓ 😀')).toBeNull();
  });
});

describe('file kinds', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('sniffs the first bytes, not the name', () => {
    expect(sniffFileKind(bytes('%PDF-1.7\n'))).toBe('pdf');
    expect(sniffFileKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffFileKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFileKind(bytes('\uFEFF  <?xml version="1.0"?><a/>'))).toBe('xml');
    expect(sniffFileKind(bytes('PK\u0003\u0004'))).toBe('other');
  });
  it('act: PDF, XML only for budget documents 7.1', () => {
    expect(checkActFileKind('pdf', 1, [1, 1])).toBeNull();
    expect(checkActFileKind('xml', 5, [7, 1])).toBeNull();
    expect(checkActFileKind('xml', 5, [7, 2])).toMatch(/budgétaire/);
    expect(checkActFileKind('xml', 1, [7, 1])).toMatch(/budgétaire/);
    expect(checkActFileKind('png', 1, [1, 1])).toMatch(/PDF/);
  });
  it('annexes: PDF, PNG, JPEG, XML; only PDF beside an XML act', () => {
    for (const k of ['pdf', 'png', 'jpeg', 'xml'] as const) expect(checkAnnexFileKind(k, 'pdf', 'a')).toBeNull();
    expect(checkAnnexFileKind('other', 'pdf', 'plan.docx')).toMatch(/« plan.docx ».*PDF, PNG, JPEG ou XML/);
    expect(checkAnnexFileKind('png', 'xml', 'p.png')).toMatch(/doit être un PDF/);
    expect(checkAnnexFileKind('pdf', 'xml', 'p.pdf')).toBeNull();
  });
  it('total size at most 150 Mo', () => {
    expect(checkTotalSize([MAX_TOTAL_BYTES - 1, 1])).toBeNull();
    expect(checkTotalSize([MAX_TOTAL_BYTES, 1])).toMatch(/150 Mo/);
  });
});

describe('classification', () => {
  it('typology must exist for the nature', () => {
    expect(checkTypology(classification, 1, '99_DE', "l'acte")).toBeNull();
    expect(checkTypology(classification, 1, '22_PN', "l'annexe")).toBeNull();
    expect(checkTypology(classification, 3, '99_DE', "l'acte")).toMatch(/n'existe pas pour cette nature/);
    expect(checkTypology(classification, 1, '99-DE', "l'acte")).toMatch(/5 caractères/);
  });
  it('matières: two levels at least, each existing', () => {
    expect(checkMatieres(classification, [7, 1])).toBeNull();
    expect(checkMatieres(classification, [7, 1, 2])).toBeNull();
    expect(checkMatieres(classification, [7])).toMatch(/deux premiers niveaux/);
    expect(checkMatieres(classification, [7, 2])).toMatch(/7\.2 n'existe pas/);
    expect(checkMatieres(classification, [1, 1, 9])).toMatch(/n'existe pas/);
  });
  it('version must be the current one', () => {
    expect(checkClassificationVersion('2019-04-18', '2019-04-18')).toBeNull();
    expect(checkClassificationVersion('2017-04-19', '2019-04-18')).toMatch(/n'est pas à jour/);
  });
});

describe('IDActe', () => {
  it('builds and parses the ministry format', () => {
    const id = buildIdActe({
      departement: '034',
      siren: '491011698',
      decisionDate: '2017-12-07',
      numeroInterne: 'CL20171227_06',
      codeNatureActe: 1,
    });
    expect(id).toBe('034-491011698-20171207-CL20171227_06-DE');
    expect(parseIdActe(id)).toEqual({
      departement: '034',
      siren: '491011698',
      decisionDate: '2017-12-07',
      numeroInterne: 'CL20171227_06',
      natureAbrege: 'DE',
    });
    expect(isIdActe('02A-123456789-20240101-A_1-AI')).toBe(true);
    expect(isIdActe('034-49101169-20171207-X-DE')).toBe(false);
    expect(isIdActe('034-491011698-20171207-X-de')).toBe(false);
    expect(isIdActe('134-491011698-20171207-X-DE')).toBe(false);
  });
});

describe('act draft', () => {
  const base: ActDraft = actDraftSchema.parse({
    numeroInterne: 'DEL2026_001',
    decisionDate: '2026-11-20',
    codeNatureActe: 1,
    matieres: [1, 1],
    objet: 'Attribution du marché de voirie',
    classificationDateVersion: '2019-04-18',
    act: { fileName: 'deliberation.pdf', size: 1000, kind: 'pdf', typology: '99_DE' },
    annexes: [{ fileName: 'plan.png', size: 2000, kind: 'png', typology: '22_PN' }],
  });
  it('a good draft has no problem; defaults are filled', () => {
    expect(checkActDraft(base, { today: '2026-11-28', classification })).toEqual([]);
    expect(base.documentPapier).toBe(false);
  });
  it('reports every problem with its field', () => {
    const bad: ActDraft = {
      ...base,
      numeroInterne: 'del',
      decisionDate: '2027-01-01',
      codeNatureActe: 3,
      annexes: [{ fileName: 'x.doc', size: MAX_TOTAL_BYTES, kind: 'other', typology: '99_AI' }],
    };
    const fields = checkActDraft(bad, { today: '2026-11-28', classification }).map((p) => p.field);
    expect(fields).toEqual(['numeroInterne', 'decisionDate', 'act.typology', 'annexes.0', 'annexes']);
  });
  it('the zod schema refuses malformed input', () => {
    expect(actDraftSchema.safeParse({ ...base, matieres: [1] }).success).toBe(false);
    expect(actDraftSchema.safeParse({ ...base, act: { ...base.act, kind: 'docx' } }).success).toBe(false);
  });
  it('every string of the schema is bounded, with a French message', () => {
    const tooLong: [string, Partial<ActDraft>][] = [
      ['objet', { objet: 'x'.repeat(500) }],
      ['numeroInterne', { numeroInterne: 'A'.repeat(16) }],
      ['decisionDate', { decisionDate: '2026-11-20'.repeat(2) }],
      ['classificationDateVersion', { classificationDateVersion: '2019-04-18'.repeat(2) }],
      ['precedentIdActe', { precedentIdActe: '1'.repeat(51) }],
      ['act.typology', { act: { ...base.act, typology: '99_DE'.repeat(2) } }],
      ['annexes.0.typology', { annexes: [{ ...base.annexes[0], typology: 'x'.repeat(6) }] }],
      ['annexes', { annexes: Array.from({ length: 101 }, () => base.annexes[0]) }],
    ];
    for (const [path, change] of tooLong) {
      const parsed = actDraftSchema.safeParse({ ...base, ...change });
      expect([path, parsed.success]).toEqual([path, false]);
      if (!parsed.success) {
        expect(parsed.error.issues[0].path.join('.')).toBe(path);
        // A sentence written for the user, not zod's English default.
        expect(parsed.error.issues[0].message).not.toMatch(/too big|expected|must/i);
      }
    }
    expect(actDraftSchema.safeParse({ ...base, objet: 'é'.repeat(499), numeroInterne: 'A'.repeat(15) }).success).toBe(true);
  });
  it('refuses invisible characters in the objet and the file names, field by field', () => {
    const bad: ActDraft = {
      ...base,
      objet: 'Attribution\fdu marché',
      act: { ...base.act, fileName: 'délibération\u0001.pdf' },
      annexes: [{ ...base.annexes[0], fileName: 'plan\u0007.png' }],
    };
    const problems = checkActDraft(bad, { today: '2026-11-28', classification });
    expect(problems.map((p) => p.field)).toEqual(['objet', 'act', 'annexes.0']);
    expect(problems[0].message).toMatch(/^L'objet contient un caractère invisible/);
    expect(problems[1].message).toMatch(/nom du fichier « délibération.pdf » contient un caractère invisible/);
  });
});

describe('acts.acts write rule (the hub on push)', () => {
  const record = (objet: string): ActRecord => ({
    id: '7b0e1f7c-3f7e-4c55-9a43-5a9d6c1e2f00',
    draft: actDraftSchema.parse({
      numeroInterne: 'DEL2026_001',
      decisionDate: '2026-11-20',
      codeNatureActe: 1,
      matieres: [1, 1],
      objet,
      classificationDateVersion: '2019-04-18',
      act: { fileName: 'deliberation.pdf', size: 1000, kind: 'pdf', typology: '99_DE' },
    }),
    actFile: null,
    annexFiles: [],
    signature: null,
    transmitRequested: false,
    createdBy: 'secretaire',
    createdAtLocal: '2026-11-20T10:00:00',
  });
  const may = () => true;
  it('refuses a draft whose text the prefecture archive (XML) could not carry', () => {
    const refusal = checkActWrite({ before: null, after: record('Budget\fprimitif'), may });
    expect(refusal).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^L'objet contient un caractère invisible/) });
    expect(refusal?.detail).not.toMatch(/Budget/);
    const nameRefusal = checkActWrite({
      before: null,
      after: {
        ...record('Budget primitif'),
        annexFiles: [{ sha256: 'a'.repeat(64), fileName: 'plan\u0001.png', size: 3, mime: 'image/png' }],
      },
      may,
    });
    expect(nameRefusal).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/caractère invisible/) });
    expect(checkActWrite({ before: null, after: record('Budget primitif'), may })).toBeNull();
  });
});

describe('act write rule (PC comfort check and hub law)', () => {
  const draft: ActRecord = {
    id: '0b4b8a2e-6f0c-4f7e-9d21-3c1f0f1b2a33',
    draft: {
      numeroInterne: 'DEL2026_001',
      decisionDate: '2026-11-20',
      codeNatureActe: 1,
      matieres: [7, 1],
      objet: 'Budget',
      classificationDateVersion: '2019-04-18',
      documentPapier: false,
      act: { fileName: 'deliberation.pdf', size: 10, kind: 'pdf', typology: '99_DE' },
      annexes: [],
    },
    actFile: { sha256: 'a'.repeat(64), fileName: 'deliberation.pdf', size: 10, mime: 'application/pdf' },
    annexFiles: [],
    signature: null,
    transmitRequested: false,
    createdBy: 'secretaire',
    createdAtLocal: '2026-11-20T09:00:00',
  };
  const signature = { signerName: 'Le maire', signedAtLocal: '2026-11-21T10:00:00', certificateSerial: '01AB' };
  const signed: ActRecord = { ...draft, signature };
  const transmitted: ActRecord = { ...signed, transmitRequested: true };
  const mayor = (p: string) => ['acts.read', 'acts.draft', 'acts.transmit'].includes(p);
  const secretary = (p: string) => ['acts.read', 'acts.draft'].includes(p);
  const edit = (a: ActRecord): ActRecord => ({ ...a, draft: { ...a.draft, objet: 'Autre objet' } });

  it('lets a drafting role create and edit a draft, and delete it', () => {
    expect(checkActWrite({ before: null, after: draft, may: secretary })).toBeNull();
    expect(checkActWrite({ before: draft, after: edit(draft), may: secretary })).toBeNull();
    expect(checkActWrite({ before: draft, after: null, may: secretary })).toBeNull();
  });

  it('lets only acts.transmit sign or ask to transmit', () => {
    for (const [before, after] of [
      [null, signed],
      [draft, signed],
    ] as const) {
      expect(checkActWrite({ before, after, may: mayor })).toBeNull();
      expect(checkActWrite({ before, after, may: secretary })).toMatchObject({
        code: 'forbidden',
        message: 'Seul le maire (ou son délégué) peut signer un acte.',
      });
    }
    expect(checkActWrite({ before: signed, after: transmitted, may: mayor })).toBeNull();
    expect(checkActWrite({ before: signed, after: transmitted, may: secretary })).toMatchObject({
      code: 'forbidden',
      message: 'Seul le maire (ou son délégué) peut transmettre un acte à la préfecture.',
    });
    expect(checkActWrite({ before: null, after: { ...draft, transmitRequested: true }, may: secretary })?.code).toBe('forbidden');
  });

  it('freezes a signed act and never takes a transmission back', () => {
    expect(checkActWrite({ before: signed, after: edit(signed), may: mayor })).toMatchObject({
      code: 'conflict',
      message: 'Cet acte est déjà signé : il ne peut plus être modifié.',
    });
    expect(checkActWrite({ before: signed, after: { ...signed, signature: null }, may: mayor })?.code).toBe('conflict');
    expect(checkActWrite({ before: transmitted, after: signed, may: mayor })).toMatchObject({
      code: 'conflict',
      message: 'Cet acte a déjà été transmis : demandez son annulation.',
    });
    // Writing the same record again is no change.
    expect(checkActWrite({ before: transmitted, after: transmitted, may: secretary })).toBeNull();
  });

  it('never deletes a signed or transmitted act', () => {
    for (const before of [signed, transmitted, { ...draft, transmitRequested: true }])
      expect(checkActWrite({ before, after: null, may: mayor })).toMatchObject({
        code: 'forbidden',
        message: 'Un acte signé ou transmis ne peut pas être supprimé.',
      });
  });
});

describe('answers to the prefecture', () => {
  it('admits the answers each letter allows', () => {
    expect(checkAnswerType('3-1', '3-4')).toBeNull();
    expect(checkAnswerType('2-1', '2-2')).toBeNull();
    expect(checkAnswerType('2-1', '4-4')).toBe('Ce type de réponse ne correspond pas au courrier reçu de la préfecture.');
    expect(checkAnswerType('5-1', '2-2')).not.toBeNull();
  });

  it('counts the documents of an answer: none for an AR, several for pièces complémentaires, else one', () => {
    expect(checkAnswerFiles('3-2', 0)).toBeNull();
    expect(checkAnswerFiles('4-2', 1)).toBe('Un accusé de réception ne porte pas de document.');
    expect(checkAnswerFiles('4-4', 0)).toBe('Joignez le document de votre réponse.');
    expect(checkAnswerFiles('4-4', 2)).toBe('Cette réponse ne porte qu’un seul document.');
    expect(checkAnswerFiles('3-4', 5)).toBeNull();
    expect(checkAnswerFiles('3-4', MAX_ANSWER_FILES + 1)).not.toBeNull();
  });
});
