import { describe, expect, it } from 'vitest';
import { foldName } from '../electoral/normalize.js';
import { MAJIC_LAYOUTS } from './majic-layout.js';
import { parseMajic, type MajicInputFile } from './majic-parse.js';
import { generateMajic, MAJIC_FILE_NAMES } from './synthetic-majic.js';

const OPTS = { insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 7, comptes: 30 };
const inputs = (files: Record<string, string>): MajicInputFile[] => Object.entries(files).map(([name, text]) => ({ name, text }));
const parse = (files: Record<string, string>, millesime = 2026) => parseMajic(inputs(files), { insee: '10034', millesime });
/** The field of a generated line, read straight from the 3liz positions (independent of the parser). */
const at = (line: string, [start, len]: readonly [number, number]) => line.slice(start - 1, start - 1 + len).trim();

describe('synthetic MAJIC', () => {
  it('is deterministic for a seed and differs for another', () => {
    expect(generateMajic(OPTS).files).toEqual(generateMajic(OPTS).files);
    expect(generateMajic({ ...OPTS, seed: 8 }).files[MAJIC_FILE_NAMES.PROP]).not.toEqual(generateMajic(OPTS).files[MAJIC_FILE_NAMES.PROP]);
  });

  it('carries the traps: indivision, legal persons in + and * series, usage names, missing birth data, one body under several dnuper', () => {
    const { files, traps } = generateMajic(OPTS);
    const comptes = parse(files);
    const byId = new Map(comptes.map((c) => [c.id, c]));
    const indivision = byId.get(traps.indivision)!;
    expect(indivision.owners.length).toBeGreaterThanOrEqual(2);
    expect(indivision.owners.every((o) => o.dismemberment === 'I' && o.right === 'P')).toBe(true);
    expect(byId.get(traps.usufruit)!.owners.map((o) => o.right)).toEqual(['U', 'N']);
    expect(comptes.some((c) => c.dnupro.startsWith('+'))).toBe(true);
    const sci = byId.get(traps.privateBody.compte)!;
    expect(sci.dnupro.startsWith('*')).toBe(true);
    expect(sci.owners[0]).toMatchObject({ legalPerson: true, siren: traps.privateBody.siren, birthDate: null });
    const married = comptes.flatMap((c) => c.owners).find((o) => o.dnuper === traps.usageName.dnuper)!;
    expect(married.birthName).not.toBe(married.usageName);
    const noBirth = comptes.flatMap((c) => c.owners).find((o) => o.dnuper === traps.missingBirth)!;
    expect(noBirth).toMatchObject({ birthDate: null, birthPlace: null, legalPerson: false });
    const body = comptes.flatMap((c) => c.owners).filter((o) => o.designation === traps.publicBody.name);
    expect(new Set(body.map((o) => o.dnuper)).size).toBe(2);
    expect(traps.publicBody.comptes.every((id) => byId.get(id)!.parcels.length > 0)).toBe(true);
    const lots = comptes.flatMap((c) => c.lots).filter((l) => l.parcelId === traps.copropriete.parcelId);
    expect(lots).toHaveLength(traps.copropriete.lots);
    expect(comptes.flatMap((c) => c.owners).some((o) => foldName(o.birthName) !== o.birthName.toLowerCase())).toBe(true); // accents
  });
});

describe('MAJIC parser', () => {
  it('reads what the generator wrote, field by field', () => {
    const { files, traps } = generateMajic(OPTS);
    const comptes = parse(files);
    const L = MAJIC_LAYOUTS[2026];
    const propLine = files[MAJIC_FILE_NAMES.PROP]!.split('\n').find((l) => at(l, L.PROP.owner.fields.dnuper) === traps.usageName.dnuper)!;
    const owner = comptes.flatMap((c) => c.owners).find((o) => o.dnuper === traps.usageName.dnuper)!;
    expect(owner.birthName).toBe(at(propLine, L.PROP.owner.fields.dnomlp));
    expect(owner.usageName).toBe(at(propLine, L.PROP.owner.fields.dnomus));
    expect(owner.birthDate).toBe(at(propLine, L.PROP.owner.fields.jdatnss));
    expect(owner.birthPlace).toBe(at(propLine, L.PROP.owner.fields.dldnss));
    expect(owner.designation).toBe(at(propLine, L.PROP.owner.fields.ddenom));

    const nbatLines = files[MAJIC_FILE_NAMES.NBAT]!.split('\n').filter((l) => at(l, L.NBAT.parcelle.type.pos) === '10');
    for (const line of nbatLines.slice(0, 5)) {
      const id = `10034${at(line, L.NBAT.parcelle.fields.ccopre)}${at(line, L.NBAT.parcelle.fields.ccosec)}${at(line, L.NBAT.parcelle.fields.dnupla)}`;
      const compte = comptes.find((c) => c.dnupro === at(line, L.NBAT.parcelle.fields.dnupro))!;
      const parcel = compte.parcels.find((p) => p.id === id)!;
      expect(parcel.area).toBe(Number(at(line, L.NBAT.parcelle.fields.dcntpa)));
      expect(parcel.address).toContain(at(line, L.NBAT.parcelle.fields.dvoilib));
    }
    const exempted = comptes.flatMap((c) => c.locals).filter((l) => l.exemptions.length > 0);
    expect(exempted.length).toBeGreaterThan(0);
    expect(exempted[0]!.exemptions[0]).toMatchObject({ code: 'NO', collectivite: 'C', percent: 10000 });
  });

  it('reads the same comptes when the files come with CRLF line ends', () => {
    const { files } = generateMajic(OPTS);
    const crlf = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.replace(/\n/g, '\r\n')]));
    expect(parse(crlf)).toEqual(parse(files));
  });

  const corrupt: [string, (f: Record<string, string>) => void, RegExp][] = [
    [
      'a truncated line',
      (f) => (f[MAJIC_FILE_NAMES.NBAT] = f[MAJIC_FILE_NAMES.NBAT]!.replace(/\n([^\n]{40})[^\n]*\n$/, '\n$1\n')),
      /REVNBAT\.txt, ligne \d+ : la ligne fait 40 caractères/,
    ],
    [
      'a letter in a number',
      (f) => {
        const lines = f[MAJIC_FILE_NAMES.NBAT]!.split('\n');
        const i = lines.findIndex((l) => l.slice(19, 21) === '10');
        lines[i] = `${lines[i]!.slice(0, 21)}00000X000${lines[i]!.slice(30)}`;
        f[MAJIC_FILE_NAMES.NBAT] = lines.join('\n');
      },
      /REVNBAT\.txt, ligne \d+ : le champ dcntpa devrait être numérique/,
    ],
    [
      'another commune',
      (f) => {
        const lines = f[MAJIC_FILE_NAMES.PROP]!.split('\n');
        lines[2] = `100035${lines[2]!.slice(6)}`;
        f[MAJIC_FILE_NAMES.PROP] = lines.join('\n');
      },
      /REVPROP\.txt, ligne 3 : cette ligne concerne la commune 10035/,
    ],
    [
      'another vintage',
      (f) => (f[MAJIC_FILE_NAMES.BATI] = f[MAJIC_FILE_NAMES.BATI]!.replace('D404052026', 'D404052025')),
      /REVBATI\.txt est du millésime 2025, pas 2026/,
    ],
    [
      'a parcel of an unknown compte',
      (f) =>
        (f[MAJIC_FILE_NAMES.PROP] = f[MAJIC_FILE_NAMES.PROP]!.split('\n')
          .filter((l) => !l.includes('+00003'))
          .join('\n')),
      /le compte communal \+00003 n'existe pas/,
    ],
    [
      'an unknown record type',
      (f) => {
        const lines = f[MAJIC_FILE_NAMES.BATI]!.split('\n');
        lines[5] = `${lines[5]!.slice(0, 30)}99${lines[5]!.slice(32)}`;
        f[MAJIC_FILE_NAMES.BATI] = lines.join('\n');
      },
      /REVBATI\.txt, ligne 6 : type d'enregistrement inconnu/,
    ],
  ];
  it.each(corrupt)('refuses a file with %s, whole, naming the file and line', (_what, damage, message) => {
    const { files } = generateMajic(OPTS);
    damage(files);
    expect(() => parse(files)).toThrow(message);
  });

  it('refuses a vintage whose layout it does not know', () => {
    expect(() => parse(generateMajic(OPTS).files, 2019)).toThrow(/millésime 2019 n'est pas pris en charge/);
  });
});
