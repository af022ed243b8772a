import { describe, expect, it } from 'vitest';
import { ownerAddress, streetAddress, streetLine } from './address.js';
import { MAJIC_LAYOUTS } from './majic-layout.js';
import { parseMajic } from './majic-parse.js';
import { generateMajic, MAJIC_FILE_NAMES } from './synthetic-majic.js';

describe('MAJIC addresses as people read them', () => {
  it('drops the zero padding of the street number and keeps a repetition index', () => {
    expect(streetAddress('0020', ' ', 'ROUTE DE TROYES')).toBe('20 ROUTE DE TROYES');
    expect(streetAddress('0020', 'B', 'ROUTE DE TROYES')).toBe('20 B ROUTE DE TROYES');
    expect(streetAddress('', '', 'LES CHAMPS MOREAU')).toBe('LES CHAMPS MOREAU');
    expect(streetAddress('0000', '', 'LES CHAMPS MOREAU')).toBe('LES CHAMPS MOREAU');
  });

  it('reads the street line of an owner (dlign4) the same way', () => {
    expect(streetLine('0020  ROUTE DE TROYES')).toBe('20 ROUTE DE TROYES');
    expect(streetLine('0020B ROUTE DE TROYES')).toBe('20 B ROUTE DE TROYES');
    expect(streetLine('0020 BIS ROUTE DE TROYES')).toBe('20 BIS ROUTE DE TROYES');
    expect(streetLine('0020 BOULEVARD DU 14 JUILLET')).toBe('20 BOULEVARD DU 14 JUILLET');
    // A lone letter that is no repetition index starts the street's name.
    expect(streetLine('0003 A LA CROIX BLANCHE')).toBe('3 A LA CROIX BLANCHE');
    expect(streetLine('RESIDENCE LES TILLEULS')).toBe('RESIDENCE LES TILLEULS');
  });

  it('joins the postal lines, the town line kept as written (a foreign postcode may start with 0)', () => {
    expect(ownerAddress(['', '0012  GRANDE RUE', '', '25354 LUXIOL'])).toBe('12 GRANDE RUE, 25354 LUXIOL');
    expect(ownerAddress(['0007  STORGATA', '0150 OSLO'])).toBe('7 STORGATA, 0150 OSLO');
    expect(ownerAddress([])).toBe('');
  });

  it('gives a parcel read from NBAT its index (dindic)', () => {
    const F = MAJIC_LAYOUTS[2026].NBAT.parcelle;
    const at = (line: string, [start, len]: readonly [number, number]) => line.slice(start - 1, start - 1 + len).trim();
    const { files } = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 7, comptes: 5 });
    const nbat = files[MAJIC_FILE_NAMES.NBAT]!.split('\n');
    const i = nbat.findIndex((l) => at(l, F.type.pos) === '10' && at(l, F.fields.dnvoiri) !== '');
    const line = nbat[i]!;
    const [start] = F.fields.dindic;
    nbat[i] = `${line.slice(0, start - 1)}B${line.slice(start)}`;
    const comptes = parseMajic(
      Object.entries({ ...files, [MAJIC_FILE_NAMES.NBAT]: nbat.join('\n') }).map(([name, text]) => ({ name, text })),
      { insee: '10034', millesime: 2026 },
    );
    const expected = `${Number(at(line, F.fields.dnvoiri))} B ${at(line, F.fields.dvoilib)}`;
    expect(comptes.flatMap((c) => c.parcels).map((p) => p.address)).toContain(expected);
  });
});
