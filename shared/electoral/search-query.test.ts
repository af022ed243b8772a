import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './search-query.js';

describe('parseSearchQuery', () => {
  it('splits name words from one birth-date criterion, 00 or .. standing for an unknown part', () => {
    expect(parseSearchQuery('dupont 14/07/1951')).toEqual({ terms: ['dupont'], birthDate: '1951-07-14' });
    expect(parseSearchQuery('Martin 1956')).toEqual({ terms: ['martin'], birthDate: '1956-__-__' });
    expect(parseSearchQuery('00/00/1944')).toEqual({ terms: [], birthDate: '1944-__-__' });
    expect(parseSearchQuery('00/07/1944')).toEqual({ terms: [], birthDate: '1944-07-__' });
    expect(parseSearchQuery('../07/1944')).toEqual({ terms: [], birthDate: '1944-07-__' });
    expect(parseSearchQuery('7/1944')).toEqual({ terms: [], birthDate: '1944-07-__' });
    expect(parseSearchQuery('1951-07-14 jean')).toEqual({ terms: ['jean'], birthDate: '1951-07-14' });
    expect(parseSearchQuery("d'artagnan")).toEqual({ terms: ['d', 'artagnan'], birthDate: null });
  });

  it('leaves what is not a date to the names (the index then finds nothing rather than guessing)', () => {
    expect(parseSearchQuery('1234').birthDate).toBeNull();
    expect(parseSearchQuery('31/13/1951').birthDate).toBeNull();
    expect(parseSearchQuery('32/01/1951').birthDate).toBeNull();
    expect(parseSearchQuery('14/07/51').birthDate).toBeNull();
  });
});
