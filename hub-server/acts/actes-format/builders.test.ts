import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { buildActeMessage, buildAnnulationMessage, buildClassificationRequest } from './build-acte.js';
import { buildAnswerMessage } from './build-answers.js';
import { buildEnvelope } from './build-envelope.js';
import { buildTransmissionArchive, readArchive } from './archive.js';
import { commune, pdf, png, sampleActe, tiers } from './test-fixtures.js';
import { ActesSchemaError, assertValidActesXml } from './xsd-validate.js';
import { renderActesDocument, el } from './xml-writer.js';

describe('Acte 1-1', () => {
  const msg = buildActeMessage(sampleActe());
  it('names the message and documents per the ACTES rules, with typology prefixes', () => {
    expect(msg.fileName).toBe('010-211003876-20261120-DEL2026_042-DE-1-1_0.xml');
    expect(msg.idActe).toBe('010-211003876-20261120-DEL2026_042-DE');
    expect(msg.documents.map((d) => d.fileName)).toEqual([
      '99_DE-010-211003876-20261120-DEL2026_042-DE-1-1_1.pdf',
      '22_PN-010-211003876-20261120-DEL2026_042-DE-1-1_2.png',
      '99_SE-010-211003876-20261120-DEL2026_042-DE-1-1_3.pdf',
    ]);
  });
  it('is ISO-8859-1 with qualified attributes in the schema order', () => {
    const head = msg.xml.subarray(0, 44).toString('latin1');
    expect(head).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>\n');
    const text = iconv.decode(msg.xml, 'latin1');
    expect(msg.xml.includes(Buffer.from('Dénomination', 'latin1'))).toBe(true);
    // Œ and ’ are outside Latin-1: kept as character references.
    expect(text).toContain('&#x152;uvre');
    expect(text).toContain('actes:Date="2026-11-20" actes:NumeroInterne="DEL2026_042" actes:CodeNatureActe="1"');
    const order = [
      'CodeMatiere1',
      'CodeMatiere2',
      'CodeMatiere3',
      'Objet',
      'ClassificationDateVersion',
      'Document',
      'Annexes',
      'DocumentPapier',
    ].map((n) => text.indexOf(`<actes:${n}`));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('<actes:Annexes actes:Nombre="2">');
    expect(text).toContain('<actes:DocumentPapier>N</actes:DocumentPapier>');
  });
  it('validates against the official XSD (with annexes, with a previous IDActe, without annexes)', async () => {
    await assertValidActesXml([
      { fileName: msg.fileName, content: msg.xml },
      {
        fileName: 'b-1-1_0.xml',
        content: buildActeMessage(
          sampleActe({
            annexes: [],
            precedentIdActe: '010-211003876-20261001-DEL2026_001-DE',
            documentPapier: true,
            matieres: [1, 1, 1, 1, 1],
          }),
        ).xml,
      },
    ]);
  });
});

describe('envelope, annulation, answers', () => {
  it('EnveloppeCLMISILL: name, emitter, hub mailbox first, valid', async () => {
    const env = buildEnvelope({
      tiers,
      commune,
      date: '2026-11-28',
      serial: 7,
      formulaires: ['010-211003876-20261120-DEL2026_042-DE-1-1_0.xml'],
    });
    expect(env.fileName).toBe('EACT--211003876--20261128-7.xml');
    const text = iconv.decode(env.xml, 'latin1');
    expect(text).toContain('<actes:IDCL insee:SIREN="211003876" actes:Departement="010" actes:Arrondissement="3" actes:Nature="31"/>');
    expect(text.indexOf('actes@hub.departement.test</actes:Email>\n    <actes:Email>mairie@troyes.test')).toBeGreaterThan(0);
    await assertValidActesXml([{ fileName: env.fileName, content: env.xml }]);
  });
  it('Annulation 6-1 is named from the original transaction and valid', async () => {
    const m = buildAnnulationMessage('010-211003876-20261120-DEL2026_042-DE');
    expect(m.fileName).toBe('010-211003876-20261120-DEL2026_042-DE-6-1_0.xml');
    await assertValidActesXml([{ fileName: m.fileName, content: m.xml }]);
  });
  it('DemandeClassification 7-1 is named without date, number or nature, and valid', async () => {
    const m = buildClassificationRequest({ commune, serial: 3, dateClassification: '2017-04-19' });
    expect(m.fileName).toBe('010-211003876----7-1_3.xml');
    await assertValidActesXml([
      { fileName: m.fileName, content: m.xml },
      { fileName: 'full-7-1_4.xml', content: buildClassificationRequest({ commune, serial: 4 }).xml },
    ]);
  });
  it('answers to letters (2-2, 3-2, 3-3, 3-4, 4-2, 4-3, 4-4) are valid', async () => {
    const id = '010-211003876-20261120-DEL2026_042-DE';
    const one = [{ content: pdf, typology: '99_DE' }];
    const msgs = [
      buildAnswerMessage({ code: '2-2', idActe: id, dateCourrierPref: '2026-11-25', documents: one }),
      buildAnswerMessage({ code: '3-2', idActe: id, dateCourrierPref: '2026-11-25', documents: [] }),
      buildAnswerMessage({ code: '3-3', idActe: id, dateCourrierPref: '2026-11-25', documents: one }),
      buildAnswerMessage({
        code: '3-4',
        idActe: id,
        dateCourrierPref: '2026-11-25',
        documents: [...one, { content: png, typology: '22_PN' }],
      }),
      buildAnswerMessage({ code: '4-2', idActe: id, dateCourrierPref: '2026-11-25', documents: [] }),
      buildAnswerMessage({ code: '4-3', idActe: id, dateCourrierPref: '2026-11-25', documents: one }),
      buildAnswerMessage({ code: '4-4', idActe: id, dateCourrierPref: '2026-11-25', documents: one }),
    ];
    expect(msgs[3].fileName).toBe(`${id}-3-4_0.xml`);
    expect(msgs[3].documents.map((d) => d.fileName)).toEqual([`99_DE-${id}-3-4_1.pdf`, `22_PN-${id}-3-4_2.png`]);
    await assertValidActesXml(msgs.map((m) => ({ fileName: m.fileName, content: m.xml })));
    expect(() => buildAnswerMessage({ code: '3-2', idActe: id, dateCourrierPref: '2026-11-25', documents: one })).toThrow();
  });
  it("an invalid message is refused with xmllint's messages", async () => {
    const bad = renderActesDocument(el('Annulation', { IDActe: 'pas-un-id' }));
    const err = await assertValidActesXml([{ fileName: 'bad.xml', content: bad }]).catch((e) => e);
    expect(err).toBeInstanceOf(ActesSchemaError);
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/« bad\.xml » n'est pas conforme au schéma officiel/);
    expect(err.detail).toMatch(/IDActe.*pas-un-id/);
  });
});

describe('schema location', () => {
  it('a missing XSD folder (GUICHET_ACTES_XSD_DIR) is a clear internal error, not a silent pass', async () => {
    const before = process.env.GUICHET_ACTES_XSD_DIR;
    process.env.GUICHET_ACTES_XSD_DIR = '/nonexistent/actes-xsd';
    try {
      const m = buildAnnulationMessage('010-211003876-20261120-DEL2026_042-DE');
      const err = await assertValidActesXml([{ fileName: m.fileName, content: m.xml }]).catch((e) => e);
      expect(err).toMatchObject({ code: 'internal', message: expect.stringMatching(/schéma officiel ACTES est illisible/) });
      expect(err.detail).toContain('/nonexistent/actes-xsd/actesv1_1.xsd');
    } finally {
      if (before === undefined) delete process.env.GUICHET_ACTES_XSD_DIR;
      else process.env.GUICHET_ACTES_XSD_DIR = before;
    }
  });
});

describe('archive', () => {
  it('is a flat tar.gz with exactly the envelope, the message and its documents', async () => {
    const msg = buildActeMessage(sampleActe());
    const t = await buildTransmissionArchive({ tiers, commune, date: '2026-11-28', serial: 12, messages: [msg] });
    expect(t.archiveName).toBe('GUI-EACT--211003876--20261128-12.tar.gz');
    expect(t.archive.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const entries = await readArchive(t.archive);
    expect(entries.map((e) => e.name).sort()).toEqual(
      [
        'EACT--211003876--20261128-12.xml',
        '010-211003876-20261120-DEL2026_042-DE-1-1_0.xml',
        ...msg.documents.map((d) => d.fileName),
      ].sort(),
    );
    expect(entries.every((e) => e.type === 'File' && !e.name.includes('/'))).toBe(true);
    expect(entries.find((e) => e.name.endsWith('_1.pdf'))!.content).toEqual(pdf);
  });
  it('an act that breaks the schema produces no archive', async () => {
    const msg = buildActeMessage(sampleActe({ objet: 'x'.repeat(501) }));
    await expect(buildTransmissionArchive({ tiers, commune, date: '2026-11-28', serial: 1, messages: [msg] })).rejects.toThrow(
      /Objet|schéma officiel/,
    );
  });
});
