/**
 * Reconciliation of the demands « transmises au REU » with an imported
 * extract: run inside the import's transaction, on the new list, so the
 * demands closed by an extract land with it or not at all.
 *
 * How a demand is matched (never on a guess: two candidates = no match, the
 * homonyms of real extracts are never merged, reference notes §A5):
 * - an extract dated before the transmission proves nothing: skipped;
 * - INE, when the demand knows it and the extract carries it;
 * - else the identity: birth name (or usage name, either way) and first
 *   first name folded (accents, case, then every space, apostrophe and hyphen
 *   dropped: « N'DIAYE-LEFÈVRE » = « NDIAYE LEFEVRE »), the
 *   same birth date, the birth place when the demand has one (folded commune
 *   label contained either way), on the list asked for;
 * - inscription: found once → matched; radiation: the elector (by id, INE,
 *   or identity) no longer on the list → matched « absence »; change of
 *   address or bureau: the elector present (with the new bureau when one was
 *   asked).
 * Unmatched demands stay « transmises » and are listed for the secretary.
 */
import type { Logger } from 'pino';
import { frenchDay, parisDay } from '../../shared/calendar.js';
import type { Reconciliation } from '../../shared/electoral/demand-fields.js';
import { foldName } from '../../shared/electoral/normalize.js';
import type { Demand, Elector, ImportRecord } from '../../shared/electoral/types.js';
import { GuichetError } from '../../shared/errors.js';
import type { DemandUpdater } from './demand-follow-up.js';
import type { ElectorStore } from './elector-store.js';
import type { DemandStore } from './record-stores.js';

/** Demands waiting for an extract: accepted, transmitted, not yet matched. */
export function awaitingReconciliation(d: Demand): boolean {
  return d.status === 'acceptee' && d.reuTransmittedDate !== null && d.reconciliation === null;
}

/** Folded and without any separator: « N'DIAYE-LEFÈVRE » and « NDIAYE LEFEVRE » are one name (the REU drops punctuation). */
const key = (name: string) => foldName(name).replace(/[^a-z0-9]/g, '');
const firstOf = (firstNames: string) => key(foldName(firstNames).split(' ')[0] ?? '');

function sameIdentity(d: Demand, e: Elector): boolean {
  const a = d.applicant;
  const names = new Set([key(a.birthName), ...(a.usageName ? [key(a.usageName)] : [])]);
  const nameOk = names.has(key(e.birthName)) || (e.usageName !== null && names.has(key(e.usageName)));
  if (!nameOk || e.birthDate !== a.birthDate || firstOf(e.firstNames) !== firstOf(a.firstNames)) return false;
  if (!d.birthPlace) return true;
  const asked = key(d.birthPlace);
  const listed = key(e.birthPlace.communeLabel ?? e.birthPlace.country ?? '');
  return listed !== '' && (asked.includes(listed) || listed.includes(asked));
}

/** The electors of the new list that are the demand's person (0, 1 or — homonyms — more). */
export function candidatesFor(d: Demand, electors: ElectorStore): Elector[] {
  if (d.ine) {
    const byIne = electors.byIne(d.ine);
    if (byIne.length > 0) return byIne;
  }
  if (d.electorId && d.kind !== 'inscription') {
    const same = electors.get(d.electorId);
    if (same) return [same.elector];
  }
  // By birth date (the search reads JJ/MM/AAAA as the date criterion): a few electors per day, whatever
  // the spelling of the names, which are then compared folded.
  const page = electors.search({ query: frenchDay(d.applicant.birthDate), listType: null, offset: 0, limit: 500 });
  return page.items.map((s) => electors.get(s.id)?.elector).filter((e): e is Elector => !!e && sameIdentity(d, e));
}

/** What the extract says about one demand: its reconciliation, or null (unmatched). */
export function matchDemand(d: Demand, electors: ElectorStore, rec: ImportRecord, on: string): Reconciliation | null {
  if (on < (d.reuTransmittedDate ?? '')) return null;
  const found = candidatesFor(d, electors);
  const method = d.ine && found.some((e) => e.ine === d.ine) ? 'ine' : 'identite';
  if (d.kind === 'radiation') return found.length === 0 ? { importId: rec.id, on, electorId: null, method: 'absence' } : null;
  const onList = found.filter((e) => d.kind !== 'inscription' || e.listType === d.list);
  if (onList.length !== 1) return null;
  const e = onList[0]!;
  if (d.kind === 'changement_bureau' && d.newBureauCode && e.bureau.code !== d.newBureauCode.padStart(4, '0')) return null;
  return { importId: rec.id, on, electorId: e.id, method };
}

/** Closes every demand the extract confirms; returns how many. Called inside the import's transaction. */
export function reconcileDemands(
  stores: { electors: ElectorStore; demands: DemandStore; updater: DemandUpdater },
  rec: ImportRecord,
  log: Logger,
): number {
  const on = rec.extractDate ?? parisDay(new Date(rec.importedAtLocal));
  let matched = 0;
  for (const { demand } of stores.demands.list('acceptee')) {
    if (!awaitingReconciliation(demand)) continue;
    const reconciliation = matchDemand(demand, stores.electors, rec, on);
    if (!reconciliation) continue;
    try {
      stores.updater.update(demand.id, (d) => ({ ...d, reconciliation }), `rapprochée de l’extrait du ${on}`);
      matched++;
    } catch (err) {
      // A demand the rule refuses stays unmatched (listed); it never stops the import.
      if (!(err instanceof GuichetError)) throw err;
      log.warn({ demandId: demand.id, code: err.code, detail: err.detail }, 'reconciliation refused');
    }
  }
  if (matched > 0) log.info({ importId: rec.id, matched }, 'demands reconciled with the extract');
  return matched;
}
