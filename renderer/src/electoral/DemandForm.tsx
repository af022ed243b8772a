import { useEffect, useState, type FormEvent } from 'react';
import { createDemandInputSchema } from '../../../shared/electoral/ipc.js';
import { DEMAND_KINDS, DEMAND_KIND_LABELS, type DemandKind } from '../../../shared/electoral/types.js';
import { api, messageOf } from '../api/bridge.js';
import { useNav } from '../nav/store.js';
import { DateField, ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { formatBirthDate, parseFrenchDate } from '../ui/format.js';
import { useForm } from '../ui/useForm.js';
import { fieldErrors } from '../ui/validate.js';
import { useDemands } from './store.js';

export interface DemandValues {
  kind: DemandKind;
  birthName: string;
  usageName: string;
  firstNames: string;
  birthDate: string;
  newAddress: string;
  newBureauCode: string;
  comment: string;
}

const needsAddress = (k: DemandKind) => k === 'inscription' || k === 'changement_adresse';
const needsBureau = (k: DemandKind) => k === 'changement_bureau';

/** Form values → channel input, with French messages keyed by form field. */
const LABELS: Record<string, string> = {
  kind: 'Type de demande',
  birthName: 'Nom de naissance',
  usageName: "Nom d'usage",
  firstNames: 'Prénoms',
  birthDate: 'Date de naissance',
  newAddress: 'Nouvelle adresse',
  newBureauCode: 'Bureau de vote',
  comment: 'Commentaire',
};

export function checkDemand(v: DemandValues, electorId: string | null) {
  const errors: Record<string, string> = {};
  const birthDate = parseFrenchDate(v.birthDate, true);
  if (!birthDate) errors.birthDate = 'La date de naissance doit s’écrire JJ/MM/AAAA, par exemple 03/02/1961.';
  if (needsAddress(v.kind) && !v.newAddress.trim()) errors.newAddress = 'La nouvelle adresse est obligatoire pour cette demande.';
  if (needsBureau(v.kind) && !v.newBureauCode.trim())
    errors.newBureauCode = 'Le nouveau bureau de vote est obligatoire pour cette demande.';
  if (v.kind !== 'inscription' && !electorId) errors.kind = 'Pour une radiation ou un changement, ouvrez d’abord la fiche de l’électeur.';
  const input = {
    kind: v.kind,
    electorId: v.kind === 'inscription' ? null : electorId,
    applicant: { birthName: v.birthName, usageName: v.usageName.trim() || null, firstNames: v.firstNames, birthDate: birthDate ?? '' },
    newAddress: needsAddress(v.kind) ? v.newAddress.trim() || null : null,
    newBureauCode: needsBureau(v.kind) || (v.kind === 'inscription' && v.newBureauCode.trim()) ? v.newBureauCode.trim() || null : null,
    comment: v.comment.trim() || null,
  };
  const checked = fieldErrors(createDemandInputSchema, input);
  if (!checked.ok) {
    for (const [path, msg] of Object.entries(checked.errors)) {
      const key = path.replace(/^applicant\./, '');
      if (!errors[key]) errors[key] = msg;
    }
  }
  return { errors, input: checked.ok ? checked.value : null };
}

export function DemandForm({ electorId }: { electorId: string | null }) {
  const go = useNav((s) => s.go);
  const create = useDemands((s) => s.create);
  const storeError = useDemands((s) => s.error);
  const {
    values: v,
    setValues: setV,
    errors,
    submitted,
    bind,
    report,
  } = useForm<DemandValues>({
    kind: electorId ? 'changement_adresse' : 'inscription',
    birthName: '',
    usageName: '',
    firstNames: '',
    birthDate: '',
    newAddress: '',
    newBureauCode: '',
    comment: '',
  });
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  // Pre-fill the person from the fiche: identity comes from the REU, not retyped.
  useEffect(() => {
    if (!electorId) return;
    api()
      .invoke('electoral:elector', { id: electorId })
      .then(({ elector: e }) =>
        setV((old) => ({
          ...old,
          birthName: e.birthName,
          usageName: e.usageName ?? '',
          firstNames: e.firstNames,
          birthDate: formatBirthDate(e.birthDate),
          newBureauCode: '',
        })),
      )
      .catch((e) => setLoadError(messageOf(e)));
  }, [electorId, setV]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { errors: found, input } = checkDemand(v, electorId);
    if (!report(found) || !input) return;
    setBusy(true);
    const saved = await create(input);
    setBusy(false);
    if (saved) go({ name: 'demands' });
  }

  const kinds = electorId ? DEMAND_KINDS.filter((k) => k !== 'inscription') : DEMAND_KINDS;

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>{electorId ? 'Nouvelle demande pour un électeur' : "Nouvelle demande d'inscription"}</h1>
      <ErrorSummary key={submitted} errors={errors} labels={LABELS} />
      <LiveMessage error={loadError ?? storeError} status={busy ? 'Enregistrement…' : null} />
      <form onSubmit={submit} noValidate className="narrow-form">
        <fieldset aria-describedby={errors.kind ? 'kind-error' : undefined}>
          <legend>Type de demande</legend>
          {errors.kind ? (
            <p className="error-text" id="kind-error">
              {errors.kind}
            </p>
          ) : null}
          {kinds.map((k) => (
            <label key={k} className="radio">
              <input type="radio" name="kind" value={k} checked={v.kind === k} onChange={() => setV({ ...v, kind: k })} />{' '}
              {DEMAND_KIND_LABELS[k]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Personne concernée</legend>
          <Field label="Nom de naissance" autoComplete="off" readOnly={!!electorId} {...bind('birthName')} />
          <Field label="Nom d'usage (facultatif)" autoComplete="off" readOnly={!!electorId} {...bind('usageName')} />
          <Field label="Prénoms" autoComplete="off" readOnly={!!electorId} {...bind('firstNames')} />
          <DateField
            label="Date de naissance"
            example="03/02/1961"
            hint="Jour ou mois inconnu : 00, comme sur la liste."
            readOnly={!!electorId}
            {...bind('birthDate')}
          />
        </fieldset>
        {needsAddress(v.kind) ? <Field label="Nouvelle adresse dans la commune" autoComplete="off" {...bind('newAddress')} /> : null}
        {needsBureau(v.kind) || v.kind === 'inscription' ? (
          <Field
            label={v.kind === 'inscription' ? 'Bureau de vote (facultatif)' : 'Nouveau bureau de vote'}
            hint="Le code du bureau, par exemple 0003."
            autoComplete="off"
            {...bind('newBureauCode')}
          />
        ) : null}
        <div className="field">
          <label htmlFor="demand-comment">Commentaire (facultatif)</label>
          <textarea id="demand-comment" rows={3} value={v.comment} onChange={(e) => setV({ ...v, comment: e.target.value })} />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Enregistrer la demande
          </button>
          <button type="button" onClick={() => go(electorId ? { name: 'elector', id: electorId } : { name: 'demands' })}>
            Annuler
          </button>
        </div>
      </form>
    </main>
  );
}
