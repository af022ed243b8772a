import { describe, expect, it } from 'vitest';
import { displaySection, formatHaACa, formatParcelRef, isParcelId, makeParcelId, parseParcelId, parseSectionNumero } from './parcel-id.js';

describe('parcel id', () => {
  it('reads the 14-character id and its parts', () => {
    expect(parseParcelId('25354000AK0012')).toEqual({
      id: '25354000AK0012',
      insee: '25354',
      prefixe: '000',
      section: 'AK',
      numero: '0012',
    });
    expect(parseParcelId('2a004000 0a 0199')?.id).toBe('2A004000' + '0A0199');
    expect(parseParcelId('97101000AB0001')?.insee).toBe('97101');
  });
  it('refuses what is not an id', () => {
    for (const bad of ['25354000AK012', '25354000AK00120', '2C004000AB0001', '25354000AK0000', 'ZB 12', '']) {
      expect(parseParcelId(bad)).toBeNull();
    }
    expect(isParcelId('25354000ak0012')).toBe(false);
    expect(isParcelId('25354000AK0012')).toBe(true);
  });
  it('builds ids with padding', () => {
    expect(makeParcelId({ insee: '25354', section: 'a', numero: 199 })).toBe('25354000' + '0A0199');
    expect(() => makeParcelId({ insee: '25354', section: 'A', numero: 0 })).toThrow();
  });
  it('formats the reference people read', () => {
    expect(formatParcelRef('25354000ZB0012')).toBe('ZB 12');
    expect(formatParcelRef('25354000' + '0A0199')).toBe('A 199');
    expect(formatParcelRef('25354123AB0012')).toBe('123 AB 12');
    expect(displaySection('0A')).toBe('A');
  });
  it('reads section + numéro in the forms typed at the counter', () => {
    expect(parseSectionNumero('A 199')).toEqual({ section: '0A', numero: '0199' });
    expect(parseSectionNumero('0A0199')).toEqual({ section: '0A', numero: '0199' });
    expect(parseSectionNumero('ZB12')).toEqual({ section: 'ZB', numero: '0012' });
    expect(parseSectionNumero('zb 12')).toEqual({ section: 'ZB', numero: '0012' });
    expect(parseSectionNumero('123 AB 12')).toEqual({ prefixe: '123', section: 'AB', numero: '0012' });
    expect(parseSectionNumero('Les Champs')).toBeNull();
    expect(parseSectionNumero('ZB 0')).toBeNull();
  });
  it('writes a contenance in ha a ca', () => {
    expect(formatHaACa(12345)).toBe('1 ha 23 a 45 ca');
    expect(formatHaACa(10005)).toBe('1 ha 00 a 05 ca');
    expect(formatHaACa(745)).toBe('7 a 45 ca');
    expect(formatHaACa(45)).toBe('45 ca');
  });
});
