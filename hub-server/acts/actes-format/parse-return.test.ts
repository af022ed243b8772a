import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseActe, parseActesReturn, parseCommuneEnvelope, parseMinistryEnvelope } from './parse-return.js';
import { decodeActesXml } from './decode.js';
import { actesXsdDir } from './xsd-validate.js';

const example = (name: string) => readFileSync(path.join(actesXsdDir(), 'examples', name));

describe('parsers on the real example messages', () => {
  it('ARActe 1-2 (stela, ISO-8859-1)', () => {
    const r = parseActesReturn(example('006-210600235-20180522-684-AI-1-2_5279.xml'));
    expect(r.type).toBe('ARActe');
    if (r.type !== 'ARActe') return;
    expect(r.idActe).toBe('006-210600235-20180522-684-AI');
    expect(r.dateReception).toBe('2018-05-28');
    expect(r.acte).toMatchObject({
      numeroInterne: '684',
      codeNatureActe: 3,
      date: '2018-05-22',
      matieres: [4, 2],
      objet: 'Contrat à durée déterminée - Jean Dupont',
      document: '99_DE-006-210600235-20180522-684-AI-1-1_1.pdf',
      annexes: [],
    });
    expect(r.classificationDateVersionEnCours).toBe('2017-04-19');
    expect(r.warnings).toEqual([]);
  });
  it('ARActe 1-2 (pastell, no encoding, character reference)', () => {
    const r = parseActesReturn(example('034-491011698-20171207-CL20171227_06-DE-1-2.xml'));
    expect(r).toMatchObject({
      type: 'ARActe',
      idActe: '034-491011698-20171207-CL20171227_06-DE',
      dateReception: '2017-12-27',
      acte: { objet: 'Fichier signé parapheur', documentPapier: 'N' },
    });
  });
  it('AnomalieActe 1-3 with empty fields', () => {
    const r = parseActesReturn(example('044-214400152----1-3_1.xml'));
    expect(r).toMatchObject({
      type: 'AnomalieActe',
      date: '2018-10-12',
      nature: '002',
      classificationDateVersionEnCours: '2018-10-10',
      acte: {
        numeroInterne: '123456',
        matieres: [1, 1, 1, 1],
        annexes: ['01_01-044-214400152-20181012-123456-DE-1-1_2.xml'],
        documentPapier: '',
      },
    });
    if (r.type === 'AnomalieActe')
      expect(r.detail).toBe("ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est pas à jour");
  });
  it('AnomalieEnveloppe with Nature 999 (outside the XSD) is read, with a warning', () => {
    const r = parseActesReturn(example('ANO_EACT--214400152--20180925-1.xml'));
    expect(r).toMatchObject({
      type: 'AnomalieEnveloppe',
      nature: '999',
      enveloppe: {
        siren: '214400152',
        departement: '044',
        adressesRetour: ['stelasictiam.test@gmail.com'],
        formulaires: ['044-214400152-20180905-4365-DE-4365-DE_0.xml'],
      },
    });
    if (r.type === 'AnomalieEnveloppe') {
      expect(r.detail).toMatch(/^ODT-VERIF-17 : La transaction que vous avez envoyé/);
      expect(r.warnings[0]).toMatch(/hors schéma : 999/);
    }
  });
  it('ARAnnulation 6-2', () => {
    expect(parseActesReturn(example('044-214400152-20181106-TEST_DGCL_4-DE-6-2_10.xml'))).toEqual({
      type: 'ARAnnulation',
      code: '6-2',
      idActe: '044-214400152-20181106-TEST_DGCL_4-DE',
      dateReception: '2018-11-28',
      warnings: [],
    });
  });
  it('RetourClassification 7-2: natures, typologies, matières tree', () => {
    const r = parseActesReturn(example('999-1234----7-2_1.xml'));
    if (r.type !== 'RetourClassification') throw new Error(r.type);
    const c = r.classification;
    expect(c.dateClassification).toBe('2019-04-18');
    expect(c.natures.map((n) => `${n.code}${n.typeAbrege}`).sort()).toEqual(['1DE', '2AR', '3AI', '4CC', '5BF', '6AU']);
    expect(c.natures.find((n) => n.code === 2)!.typologies).toContainEqual({
      code: '21_DB',
      libelle: "Débat d'orientation du plan d'aménagement et de développement durable",
    });
    expect(c.matieres.map((m) => m.code)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(c.matieres[7].libelle).toBe('Domaines de competences par themes');
    expect(c.matieres[7].children[0].children[1].libelle).toBe("Bourses d'études");
  });
  it('EnveloppeMISILLCL from a sous-préfecture', () => {
    expect(parseMinistryEnvelope(example('EACT--SPREF0441-214400152-20181012-9.xml'))).toEqual({
      type: 'EnveloppeMISILLCL',
      emetteur: { kind: 'IDSousPref', departement: '044', arrondissement: '1' },
      formulaires: ['044-214400152----1-3_1.xml'],
      destinataireSiren: '214400152',
    });
  });
  it('the collectivité side: STELA envelope and Acte (UTF-8, other prefix)', () => {
    expect(parseCommuneEnvelope(example('EACT--210600730--20180115-1.xml'))).toMatchObject({
      siren: '210600730',
      departement: '006',
      arrondissement: '2',
      nature: '02',
      formulaires: ['006-210600730-20180115-007-AR-1-1_0.xml'],
    });
    expect(parseActe(example('006-210600730-20180115-007-AR-1-1_0.xml'))).toMatchObject({
      numeroInterne: '007',
      codeNatureActe: 2,
      objet: 'wolo',
      document: 'CO_DE-006-210600730-20180115-007-AR-1-1_1.jpg',
    });
  });
});

describe('leniency', () => {
  it('UTF-8 bytes under an ISO-8859-1 declaration are read as UTF-8', () => {
    const xml = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><actes:ARAnnulation xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" actes:IDActe="044-214400152-20181106-DÉL_4-DE" actes:DateReception="2018-11-28"/>',
      'utf8',
    );
    expect(decodeActesXml(xml)).toContain('DÉL_4');
    const r = parseActesReturn(xml);
    expect(r.type === 'ARAnnulation' && r.warnings[0]).toMatch(/IDActe au format inattendu/);
  });
  it('real ISO-8859-1 bytes stay Latin-1', () => {
    expect(decodeActesXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>déféré</a>', 'latin1'))).toContain('déféré');
  });
  it('an unknown or broken message is refused with a French error', () => {
    expect(() => parseActesReturn(Buffer.from('<?xml version="1.0"?><Truc/>'))).toThrow(/non reconnu/);
    expect(() => parseActesReturn(Buffer.from(''))).toThrow();
  });
});
