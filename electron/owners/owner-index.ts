/**
 * The owners search, in memory. The comptes are encrypted at rest, so no SQL
 * index can hold their names: on first use after unlock (and after the sync
 * changed them) every compte is decrypted once and indexed here — a commune
 * has at most a few thousand comptes (10 000 measured in owner-index.test.ts).
 *
 * Names are folded with the electoral search's `foldName` (accents, case,
 * hyphens and apostrophes ignored) and matched word by word as prefixes, so
 * « dupon je » finds DUPONT Jean-Marc as the secretary types. Digits read as
 * a parcel (`ZB 12`, `123 AB 12`, the 14-character id) or a compte number
 * (`12`, `+12`, `*00001`, `B00034`, the 12-character id).
 */
import { formatParcelRef, parseParcelId, parseSectionNumero } from '../../shared/cadastre/parcel-id.js';
import { foldName } from '../../shared/electoral/normalize.js';
import type { OwnerHit, OwnersSearchResult } from '../../shared/owners/ipc.js';
import { rightLabel } from '../../shared/owners/labels.js';
import type { Compte, Owner } from '../../shared/owners/types.js';

interface Entry {
  compte: Compte;
  owner: Owner;
  hit: OwnerHit;
  /** Folded words of every name of the owner (birth, usage, first names, designation). */
  words: string[];
  /** Folded « nom prenoms » used for ordering. */
  sortKey: string;
}

export interface OwnerIndex {
  size(): number;
  compte(id: string): Compte | null;
  search(q: string, limit: number): OwnersSearchResult;
  /** Comptes holding a parcel (as owner of the parcel, of a local on it, or of a lot of it). */
  comptesOfParcel(parcelId: string): Compte[];
  /** The parcel id a typed reference names among the indexed parcels, or null. */
  resolveParcel(input: string): string | null;
}

export function displayNameOf(o: Owner): string {
  if (o.legalPerson) return o.designation.trim();
  const name = (o.usageName || o.birthName).trim();
  const first = (o.usageFirstNames || o.birthFirstNames).trim();
  return name ? `${name} ${first}`.trim() : o.designation.replace('/', ' ').trim();
}

export function buildOwnerIndex(comptes: readonly Compte[]): OwnerIndex {
  const entries: Entry[] = [];
  const byId = new Map<string, Compte>();
  const byDnupro = new Map<string, Compte[]>();
  const byParcel = new Map<string, Set<Compte>>();
  /** Préfixe + section + numéro (the id's last 9 characters) → ids: `ZB 12` typed without the commune. */
  const bySuffix = new Map<string, Set<string>>();
  const addParcel = (id: string, c: Compte) => {
    const set = byParcel.get(id) ?? new Set<Compte>();
    byParcel.set(id, set.add(c));
    const ids = bySuffix.get(id.slice(5)) ?? new Set<string>();
    bySuffix.set(id.slice(5), ids.add(id));
  };
  for (const c of comptes) {
    byId.set(c.id, c);
    const key = c.dnupro.trim().toUpperCase();
    byDnupro.set(key, [...(byDnupro.get(key) ?? []), c]);
    for (const p of c.parcels) addParcel(p.id, c);
    for (const l of c.locals) addParcel(l.parcelId, c);
    for (const l of c.lots) addParcel(l.parcelId, c);
    for (const o of c.owners) {
      const names = [o.birthName, o.birthFirstNames, o.usageName, o.usageFirstNames, o.designation].join(' ');
      const words = [...new Set(foldName(names).split(' ').filter(Boolean))];
      const hit: OwnerHit = {
        compteId: c.id,
        dnupro: c.dnupro,
        dnuper: o.dnuper,
        displayName: displayNameOf(o),
        birthName: o.birthName,
        usageName: o.usageName,
        firstNames: o.usageFirstNames || o.birthFirstNames,
        legalPerson: o.legalPerson,
        right: rightLabel(o.right),
        coOwners: c.owners.length - 1,
        parcels: c.parcels.length,
      };
      entries.push({ compte: c, owner: o, hit, words, sortKey: foldName(hit.displayName) });
    }
  }
  entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.compte.id.localeCompare(b.compte.id)));

  function ownerHits(list: Iterable<Compte>): OwnerHit[] {
    const ids = new Set([...list].map((c) => c.id));
    return entries.filter((e) => ids.has(e.compte.id)).map((e) => e.hit);
  }

  function resolveParcel(input: string): string | null {
    const full = parseParcelId(input);
    if (full) return byParcel.has(full.id) ? full.id : null;
    const sn = parseSectionNumero(input);
    if (!sn) return null;
    const suffix = `${sn.prefixe ?? '000'}${sn.section}${sn.numero}`;
    const ids = [...(bySuffix.get(suffix) ?? [])];
    // Several communes of a grouping may have the same `ZB 12`: then the id must be typed.
    return ids.length === 1 ? ids[0]! : null;
  }

  /** A compte number typed (`12`, `+12`, `*00001`, `B00034`, the 12-character id), or null when the query is not one. */
  function compteQuery(q: string): Compte[] | null {
    const s = q.replace(/\s+/g, '').toUpperCase();
    const exact = byId.get(s);
    if (exact) return [exact];
    const m = /^(?:COMPTE)?([+*A-Z]?)(\d{1,6})$/.exec(s);
    if (!m) return null;
    const [, lead = '', digits = ''] = m;
    if (lead !== '' && digits.length > 5) return null;
    const key = lead === '' ? digits.padStart(6, '0') : `${lead}${digits.padStart(5, '0')}`;
    // A letter in front is a compte only if one has that number: otherwise `B12` is section B, parcel 12.
    if (/^[A-Z]$/.test(lead) && !byDnupro.has(key)) return null;
    return byDnupro.get(key) ?? [];
  }

  return {
    size: () => byId.size,
    compte: (id) => byId.get(id) ?? null,
    comptesOfParcel: (id) => [...(byParcel.get(id) ?? [])],
    resolveParcel,
    search(q, limit) {
      const query = q.trim();
      const empty = (kind: OwnersSearchResult['kind']): OwnersSearchResult => ({ kind, hits: [], truncated: false, parcel: null });
      if (query === '') return empty('nom');
      if (/\d/.test(query)) {
        const comptes = compteQuery(query);
        if (comptes) {
          const hits = ownerHits(comptes);
          return { kind: 'compte', hits: hits.slice(0, limit), truncated: hits.length > limit, parcel: null };
        }
        const id = resolveParcel(query);
        const sn = parseParcelId(query)?.id ?? id;
        if (!id) return { ...empty('parcelle'), parcel: sn ? { id: sn, ref: formatParcelRef(sn) } : null };
        const hits = ownerHits(byParcel.get(id) ?? []);
        return { kind: 'parcelle', hits: hits.slice(0, limit), truncated: hits.length > limit, parcel: { id, ref: formatParcelRef(id) } };
      }
      const terms = foldName(query).split(' ').filter(Boolean);
      if (terms.length === 0) return empty('nom');
      const hits: OwnerHit[] = [];
      let truncated = false;
      for (const e of entries) {
        if (!terms.every((t) => e.words.some((w) => w.startsWith(t)))) continue;
        if (hits.length === limit) {
          truncated = true;
          break;
        }
        hits.push(e.hit);
      }
      return { kind: 'nom', hits, truncated, parcel: null };
    },
  };
}
