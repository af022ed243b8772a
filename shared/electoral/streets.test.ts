import { describe, expect, it } from 'vitest';
import { checkStreetRange, checkStreetTable, checkStreetWrite, matchStreet, splitAddress, streetKey, type StreetRange } from './streets.js';

let n = 0;
const line = (over: Partial<StreetRange>): StreetRange => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  street: 'Rue de la République',
  from: null,
  to: null,
  parity: 'toutes',
  bureauCode: '0001',
  createdBy: 'secretaire',
  createdAtLocal: '2026-12-06T10:00:00',
  ...over,
});

describe('street table of the découpage (shared rule)', () => {
  it('matches a voie however it is written, then the number by range and parity', () => {
    expect(streetKey('Av. de l’Église')).toBe(streetKey('AVENUE DE L EGLISE'));
    expect(streetKey('bd Saint-Michel')).toBe('BOULEVARD SAINT MICHEL');
    expect(splitAddress('12 bis, rue de la République')).toEqual({ number: 12, street: 'rue de la République' });
    expect(splitAddress('Hameau des Prés')).toEqual({ number: null, street: 'Hameau des Prés' });

    const table = [
      line({ from: 1, to: 41, parity: 'impairs', bureauCode: '0001' }),
      line({ from: 43, to: null, parity: 'impairs', bureauCode: '0002' }),
      line({ from: 2, to: 60, parity: 'pairs', bureauCode: '0003' }),
      line({ street: 'Place de la Mairie', bureauCode: '0001' }),
    ];
    const bureau = (address: string) => matchStreet(table, address).map((l) => l.bureauCode);
    expect(bureau('41 rue de la Republique')).toEqual(['0001']);
    expect(bureau('43 R. DE LA RÉPUBLIQUE')).toEqual(['0002']);
    expect(bureau('999 rue de la République')).toEqual(['0002']);
    expect(bureau('12 rue de la République')).toEqual(['0003']);
    expect(bureau('62 rue de la République')).toEqual([]); // even numbers past 60: nobody said, the caller falls back
    expect(bureau('rue de la République')).toEqual(['0001', '0002', '0003']);
    expect(bureau('3 pl. de la mairie')).toEqual(['0001']);
  });

  it('refuses a reversed range, bounds against the parity, and two bureaux for one number', () => {
    expect(checkStreetRange(line({ from: 40, to: 2, parity: 'pairs' }))?.message).toBe(
      'Voie « Rue de la République » : le dernier numéro (2) précède le premier (40).',
    );
    expect(checkStreetRange(line({ from: 3, to: 41, parity: 'pairs' }))?.message).toBe(
      'Voie « Rue de la République » : une plage de numéros pairs commence et finit par un numéro pair.',
    );
    // The hub's rule is the line's; removing a line is the secretary's call.
    expect(checkStreetWrite({ before: line({}), after: null, may: () => true })).toBeNull();
    expect(checkStreetWrite({ before: null, after: line({ from: 9, to: 1 }), may: () => true })?.code).toBe('invalid_input');

    const odd = line({ from: 1, to: 41, parity: 'impairs', bureauCode: '0001' });
    expect(checkStreetTable([odd, line({ from: 2, to: 40, parity: 'pairs', bureauCode: '0002' })])).toBeNull();
    expect(checkStreetTable([odd, line({ from: 43, to: null, parity: 'toutes', bureauCode: '0002' })])).toBeNull();
    expect(checkStreetTable([odd, line({ from: 30, to: 50, parity: 'toutes', bureauCode: '0002' })])?.message).toBe(
      'Voie « Rue de la République » : des numéros sont attribués à deux bureaux (0001 et 0002) ; corrigez les plages.',
    );
    // Same bureau twice is only redundant, not contradictory.
    expect(checkStreetTable([odd, line({ from: 1, to: 9, parity: 'impairs', bureauCode: '0001' })])).toBeNull();
  });
});
