import { parisDay } from '../../shared/calendar.js';

/** The DGFiP publishes the PCI vecteur quarterly (about 1/1, 1/4, 1/7, 1/10): today's quarter as `AAAA-MM`. */
export function currentQuarterVintage(now: Date = new Date()): string {
  const [year, month] = parisDay(now).split('-').map(Number) as [number, number];
  return `${year}-${String(Math.floor((month - 1) / 3) * 3 + 1).padStart(2, '0')}`;
}
