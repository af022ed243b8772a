import { describe, expect, it } from 'vitest';
import { foldFull, foldName, searchTermsOf, searchTextOf } from './normalize.js';

describe('electoral name folding', () => {
  it('folds case, accents, apostrophes and hyphens', () => {
    expect(foldName("D'ARTAGNAN")).toBe('d artagnan');
    expect(foldName('Marie-Thérèse  Noëlle')).toBe('marie therese noelle');
    expect(foldName('SCHÖNBERGER')).toBe('schonberger');
    expect(foldName('D’ALMEIDA')).toBe('d almeida');
  });

  it('folds character by character as the full fold does: every pair of Latin characters, and longer mixes', () => {
    const latin = Array.from({ length: 0x250 }, (_, c) => String.fromCharCode(c));
    const others = ['\u0301', '\u0300\u0327', 'Ω', 'Σ', 'ﬁ', '’', '\u00a0', '😀', 'İ', 'ǅ', 'ẞ', '\u2010'];
    const texts: string[] = [];
    for (const a of latin) for (const b of latin) texts.push(a + b);
    const pool = [...latin, ...others, ' ', '-', "'"];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let n = 0; n < 20_000; n++) texts.push(Array.from({ length: 1 + (next() % 12) }, () => pool[next() % pool.length]).join(''));
    const differ = texts.filter((t) => foldName(t) !== foldFull(t));
    expect(differ).toEqual([]);
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
