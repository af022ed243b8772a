import { useEffect, useRef } from 'react';
import { displaySection, formatHaACa, groupThousands } from '../../../shared/cadastre/parcel-id.js';
import { api } from '../api/bridge.js';
import { useNav } from '../nav/store.js';
import { mayOpen } from '../nav/access.js';
import { useSession } from '../session/store.js';
import { createPlanMap, type PlanMap } from './plan-map.js';
import { useCadastre } from './store.js';
import { plural } from '../ui/format.js';

const MATCH_LABELS = { id: 'identifiant', section: 'section et numéro', lieudit: 'lieu-dit', adresse: 'adresse' } as const;

/** Le plan cadastral: search as you type, the offline map, the fiche and its prints. */
export function CadastreScreen({ parcel }: { parcel?: string } = {}) {
  const { overview, query, hits, fiche, error, busy, loadOverview, search, open, print } = useCadastre();
  const mapDiv = useRef<HTMLDivElement>(null);
  const map = useRef<PlanMap | null>(null);

  useEffect(() => {
    void loadOverview();
    // A pull may bring the plan (or a new vintage) while the screen is open: read the overview again when it ends.
    return api().on('sync:state', (state) => {
      if (state.phase === 'idle') void loadOverview();
    });
  }, [loadOverview]);
  // Opened on a given parcel (from another screen): its fiche at once.
  useEffect(() => {
    if (parcel) void open(parcel);
  }, [parcel, open]);
  // The map is built once per territory extent (a sync that brings nothing new keeps it as it is).
  const extentKey = overview?.extent?.join(',') ?? null;
  useEffect(() => {
    if (!mapDiv.current || !extentKey) return;
    const m = createPlanMap(
      mapDiv.current,
      (bbox) => api().invoke('cadastre:map', { bbox }),
      (id) => void open(id),
    );
    m.fit(extentKey.split(',').map(Number) as [number, number, number, number]);
    map.current = m;
    return () => m.dispose();
  }, [extentKey, open]);
  useEffect(() => map.current?.highlight(hits.map((h) => h.id)), [hits]);
  useEffect(() => {
    const hit = fiche && hits.find((h) => h.id === fiche.parcel.id);
    map.current?.select(fiche?.parcel.id ?? null, hit?.bbox);
  }, [fiche, hits]);

  const vintages = overview?.communes ?? [];
  return (
    <section className="cadastre">
      <h1>Plan cadastral</h1>
      <p className="muted">
        {vintages.length === 0
          ? "Le plan de votre territoire n'est pas encore arrivé sur ce poste : il vient du hub du département à la prochaine synchronisation."
          : `${groupThousands(overview?.parcels ?? 0)} parcelles — ${vintages.map((v) => `${v.commune} (millésime ${v.vintage})`).join(', ')}. Consultable sans connexion.`}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="cadastre-layout">
        <div className="cadastre-side">
          <div className="field">
            <label htmlFor="cadastre-q">Rechercher une parcelle</label>
            <input
              id="cadastre-q"
              type="search"
              value={query}
              autoComplete="off"
              placeholder="ZB 12, 25354000ZB0012, lieu-dit, adresse…"
              aria-describedby="cadastre-q-help"
              onChange={(e) => void search(e.target.value)}
            />
            <small id="cadastre-q-help">Section et numéro (A 199, zb12), identifiant à 14 caractères, lieu-dit ou numéro et rue.</small>
          </div>
          <p className="result-count" aria-live="polite">
            {query.trim() === ''
              ? ''
              : hits.length === 0
                ? 'Aucune parcelle trouvée.'
                : `${plural(hits.length, 'parcelle trouvée', 'parcelles trouvées')}.`}
          </p>
          {hits.length > 0 && (
            <ul className="cadastre-hits">
              {hits.map((h) => (
                <li key={h.id}>
                  <button type="button" className={fiche?.parcel.id === h.id ? 'link current' : 'link'} onClick={() => void open(h.id)}>
                    <strong>{h.ref}</strong> {h.commune ? `— ${h.commune}` : ''}
                  </button>
                  <span className="muted">
                    {' '}
                    {[h.lieuDit, h.address, h.contenance === null ? null : `${groupThousands(h.contenance)} m²`]
                      .filter(Boolean)
                      .join(' · ')}{' '}
                    ({MATCH_LABELS[h.match]})
                  </span>
                </li>
              ))}
            </ul>
          )}
          {fiche && <Fiche busy={busy} onPrint={print} onOpen={open} />}
        </div>
        <div className="cadastre-map-wrap">
          <div
            ref={mapDiv}
            className="cadastre-map"
            role="application"
            aria-roledescription="carte"
            aria-label="Plan cadastral : flèches pour se déplacer, + et − pour zoomer"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the map is a widget: OpenLayers pans and zooms with the keyboard on its focused element
            tabIndex={0}
          />
        </div>
      </div>
    </section>
  );
}

function Fiche({
  busy,
  onPrint,
  onOpen,
}: {
  busy: boolean;
  onPrint: (k: 'releve-pdf' | 'extract-pdf') => Promise<void>;
  onOpen: (id: string) => Promise<void>;
}) {
  const fiche = useCadastre((s) => s.fiche);
  const session = useSession((s) => s.session);
  const go = useNav((s) => s.go);
  if (!fiche) return null;
  // The owners are personal data: the link is there only for a user the mayor granted their consultation (the one access check, through the shared registry).
  const mayReadOwners = mayOpen(session, 'majic', 'owners.read');
  const p = fiche.parcel;
  const rows: [string, string][] = [
    ['Identifiant', p.id],
    ['Section', displaySection(p.section)],
    ['Numéro', String(Number(p.numero))],
    ['Contenance', p.contenance === null ? 'non indiquée' : `${groupThousands(p.contenance)} m² (${formatHaACa(p.contenance)})`],
    ['Lieu-dit', p.lieuDit ?? '—'],
    ['Adresse', p.addresses.join(' ; ') || '—'],
    [
      'Bâtiments',
      fiche.buildings.length === 0
        ? 'aucun'
        : fiche.buildings.map((b) => `${b.dur === 'leger' ? 'léger' : 'dur'} ${b.areaM2} m²`).join(', '),
    ],
    ['Subdivisions fiscales', p.subdivisions.join(', ') || 'aucune'],
    ['Millésime', fiche.vintage ?? '—'],
  ];
  return (
    <article className="cadastre-fiche" aria-labelledby="cadastre-fiche-title">
      <h2 id="cadastre-fiche-title">
        Parcelle {fiche.ref} {fiche.commune ? `— ${fiche.commune}` : ''}
      </h2>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        <div>
          <dt>Parcelles voisines</dt>
          <dd>
            {fiche.neighbours.length === 0
              ? 'aucune'
              : fiche.neighbours.map((n) => (
                  <button key={n.id} type="button" className="link" onClick={() => void onOpen(n.id)}>
                    {n.ref}
                  </button>
                ))}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void onPrint('releve-pdf')}>
          Relevé parcellaire (PDF)
        </button>
        <button type="button" disabled={busy} onClick={() => void onPrint('extract-pdf')}>
          Extrait du plan (PDF)
        </button>
        {mayReadOwners && (
          <button type="button" onClick={() => go({ name: 'owners-parcel', parcel: fiche.parcel.id })}>
            Propriétaires
          </button>
        )}
      </div>
    </article>
  );
}
