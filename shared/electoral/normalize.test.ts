import { describe, expect, it } from 'vitest';
import { foldName, searchTermsOf, searchTextOf } from './normalize.js';

describe('electoral name folding', () => {
  it('folds case, accents, apostrophes and hyphens', () => {
    expect(foldName("D'ARTAGNAN")).toBe('d artagnan');
    expect(foldName('Marie-Thérèse  Noëlle')).toBe('marie therese noelle');
    expect(foldName('SCHÖNBERGER')).toBe('schonberger');
    expect(foldName('D’ALMEIDA')).toBe('d almeida');
  });

  it('indexes particle-joined forms so every way of typing the name finds it', () => {
    const text = searchTextOf({ birthName: 'DE LA FONTAINE', usageName: "D'ARTAGNAN", firstNames: 'Jean-Pierre Hélène' }).split(' ');
    for (const t of [
      'de',
      'la',
      'fontaine',
      'lafontaine',
      'delafontaine',
      'd',
      'artagnan',
      'dartagnan',
      'jean',
      'pierre',
      'jeanpierre',
      'helene',
    ]) {
      expect(text).toContain(t);
    }
  });

  it('indexes a usage name equal to the birth name once', () => {
    expect(searchTextOf({ birthName: 'LE GOFF', usageName: 'LE GOFF', firstNames: 'Yann' })).toBe('le goff legoff yann');
  });

  it('turns what was typed into plain words (safe to quote in FTS5)', () => {
    expect(searchTermsOf(' d\'Art"*AGNAN ')).toEqual(['d', 'art', 'agnan']);
    expect(searchTermsOf('  -- ')).toEqual([]);
    expect(searchTermsOf('a b c d e f g h i j')).toHaveLength(8);
  });
});
