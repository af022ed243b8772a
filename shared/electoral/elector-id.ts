import type { Elector } from './types.js';

/**
 * Stable id of an elector across re-imports: the INE when the extract has one,
 * else a hash of list type and identity (homonyms then get `-2`, `-3`… in file
 * order, added by the import, so two people are never merged into one record).
 * Pure: the hash comes from the host (node:crypto SHA-256 on the PC and the hub).
 * The snapshot encoding (shared/sync/columns.ts) leaves out ids this gives back,
 * so changing it changes that wire format: a new `format` value then.
 */
export function electorBaseId(
  e: Pick<Elector, 'ine' | 'listType' | 'birthName' | 'firstNames' | 'birthDate' | 'birthPlace'>,
  sha256hex: (text: string) => string,
): string {
  if (e.ine) return `ine-${e.listType}-${e.ine}`;
  // Fields as the REU writes them (trimmed, spaces collapsed): the same person gives the same key
  // whether the file came as UTF-8 or was re-saved in Windows-1252.
  const p = e.birthPlace;
  const key = `${e.listType}|${e.birthName}|${e.firstNames}|${e.birthDate}|${p.communeCode ?? ''}|${p.communeLabel ?? ''}|${p.country ?? ''}`;
  return `e-${sha256hex(key).slice(0, 24)}`;
}
