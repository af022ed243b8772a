import { useEffect, useState } from 'react';
import type { ElectorFiche } from '../../../shared/electoral/ipc.js';
import { LIST_TYPE_LABELS } from '../../../shared/electoral/types.js';
import { api, messageOf } from '../api/bridge.js';
import { useNav } from '../nav/store.js';
import { useCan, useSession } from '../session/store.js';
import { formatBirthDate } from '../ui/format.js';
import { DemandTable } from './DemandTable.js';
import { useDemands } from './store.js';

function Row({ label, value }: { label: string; value: string | number | null | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      {/* data-personal: masked at the source in a remote-assistance recording (renderer/src/assistance/recorder.ts). */}
      <dd data-personal>{value === null || value === undefined || value === '' ? '—' : value}</dd>
    </>
  );
}

/** The fiche électeur: every REU field (read only: the REU is the source) and the demands about this person. */
export function ElectorScreen({ id }: { id: string }) {
  const go = useNav((s) => s.go);
  const canDemand = useCan('electoral.demand');
  const isMayor = useSession((s) => s.session?.user?.role === 'maire');
  const setStatus = useDemands((s) => s.setStatus);
  const [fiche, setFiche] = useState<ElectorFiche | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the trigger: bumping it reloads the fiche (after a demand changed)
  useEffect(() => {
    let live = true;
    api()
      .invoke('electoral:elector', { id })
      .then((f) => live && setFiche(f))
      .catch((e) => live && setError(messageOf(e)));
    return () => {
      live = false;
    };
  }, [id, tick]);

  if (error) {
    return (
      <main id="contenu" tabIndex={-1}>
        <h1>Fiche électeur</h1>
        <p role="alert" className="alert alert-error">
          {error}
        </p>
        <button type="button" onClick={() => go({ name: 'search' })}>
          Retour à la recherche
        </button>
      </main>
    );
  }
  if (!fiche)
    return (
      <main id="contenu" tabIndex={-1}>
        <h1>Fiche électeur</h1>
        <p role="status">Chargement…</p>
      </main>
    );

  const e = fiche.elector;
  const a = e.address;
  const street = [a.number, a.street].filter(Boolean).join(' ');
  const address = [street, a.complement1, a.complement2, a.lieuDit, [a.postalCode, a.city].filter(Boolean).join(' '), a.country]
    .filter(Boolean)
    .join(', ');
  const birthPlace = [
    e.birthPlace.communeLabel,
    e.birthPlace.departementCode ? `(${e.birthPlace.departementCode})` : null,
    e.birthPlace.country,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <main id="contenu" tabIndex={-1}>
      <p>
        <button type="button" className="link" onClick={() => go({ name: 'search' })}>
          ← Retour à la recherche
        </button>
      </p>
      <h1 data-personal>
        {e.birthName} {e.firstNames}
      </h1>
      <div className="two-cols">
        <section aria-labelledby="fiche-identite">
          <h2 id="fiche-identite">Identité</h2>
          <dl className="fiche">
            <Row label="Nom de naissance" value={e.birthName} />
            <Row label="Nom d'usage" value={e.usageName} />
            <Row label="Prénoms" value={e.firstNames} />
            <Row label="Sexe" value={e.sex === 'F' ? 'Féminin' : e.sex === 'M' ? 'Masculin' : null} />
            <Row label="Date de naissance" value={formatBirthDate(e.birthDate)} />
            <Row label="Lieu de naissance" value={birthPlace} />
            <Row label="Nationalité" value={e.nationality} />
            <Row label="Identifiant national (INE)" value={e.ine} />
          </dl>
        </section>
        <section aria-labelledby="fiche-inscription">
          <h2 id="fiche-inscription">Inscription</h2>
          <dl className="fiche">
            <Row label="Liste" value={LIST_TYPE_LABELS[e.listType]} />
            <Row label="Bureau de vote" value={e.bureau.label ? `${e.bureau.code} — ${e.bureau.label}` : e.bureau.code} />
            <Row label="Numéro d'ordre" value={e.numeroOrdre} />
            <Row label="Adresse" value={address} />
          </dl>
        </section>
      </div>
      <section aria-labelledby="fiche-demandes">
        <h2 id="fiche-demandes">Demandes</h2>
        {canDemand ? (
          <p>
            <button type="button" className="primary" onClick={() => go({ name: 'demand-new', electorId: e.id })}>
              Nouvelle demande pour cet électeur
            </button>
          </p>
        ) : null}
        <DemandTable
          caption="Demandes concernant cet électeur"
          rows={fiche.demands.map((d) => ({ version: null, pending: false, ...d }))}
          canDecide={isMayor}
          onStatus={(demandId, status) => void setStatus(demandId, status).then(() => setTick((t) => t + 1))}
        />
      </section>
    </main>
  );
}
