import { useEffect, useState, type FormEvent } from 'react';
import { createDemandInputSchema } from '../../../shared/electoral/ipc.js';
import { frenchDay, parisDay } from '../../../shared/calendar.js';
import { missingPieces } from '../../../shared/electoral/demand-content.js';
import { PIECE_KINDS, PIECE_LABELS, type PieceKind } from '../../../shared/electoral/demand-fields.js';
import type { JustificatifFile } from '../../../shared/electoral/demand-ipc.js';
import { DEMAND_KINDS, DEMAND_KIND_LABELS, type DemandKind, type ListType } from '../../../shared/electoral/types.js';
import { api, messageOf } from '../api/bridge.js';
import { useNav } from '../nav/store.js';
import { DateField, ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { formatBirthDate, parseFrenchDate } from '../ui/format.js';
import { useForm } from '../ui/useForm.js';
import { fieldErrors } from '../ui/validate.js';
import { PiecesFieldset, mimeOf } from './PiecesFieldset.js';
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
  list: ListType;
  nationality: string;
  birthPlace: string;
  email: string;
  depositDate: string;
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
  list: 'Liste demandée',
  nationality: 'Nationalité',
  birthPlace: 'Lieu de naissance',
  email: 'Adresse électronique',
  depositDate: 'Date de dépôt',
  pieces: 'Pièces justificatives',
};

export function checkDemand(v: DemandValues, electorId: string | null, pieces: readonly PieceKind[] = []) {
  const errors: Record<string, string> = {};
  const birthDate = parseFrenchDate(v.birthDate, true);
  if (!birthDate) errors.birthDate = 'La date de naissance doit s’écrire JJ/MM/AAAA, par exemple 03/02/1961.';
  const depositDate = parseFrenchDate(v.depositDate);
  if (!depositDate) errors.depositDate = 'La date de dépôt doit s’écrire JJ/MM/AAAA, par exemple 05/03/2026.';
  const list = v.kind === 'inscription' || v.kind === 'changement_adresse' ? v.list : 'LP';
  // The shared checklist of the Cerfa (the PC and the hub refuse the same way).
  const missing = missingPieces({ kind: v.kind, list, justificatifs: pieces.map((piece) => ({ piece })) });
  if (missing.length > 0)
    errors.pieces = `Joignez ${missing.length > 1 ? 'les pièces' : 'la pièce'} : ${missing.map((p) => PIECE_LABELS[p]).join(' ; ')}.`;
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
    list,
    depositDate: depositDate ?? '',
    nationality: list === 'LP' ? null : v.nationality.trim().toUpperCase() || null,
    birthPlace: v.birthPlace.trim() || null,
    email: v.email.trim() || null,
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
    list: 'LP',
    nationality: '',
    birthPlace: '',
    email: '',
    depositDate: frenchDay(parisDay(new Date())),
  });
  const [busy, setBusy] = useState(false);
  const [files, setFiles] = useState<Partial<Record<PieceKind, File>>>({});
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
    const chosen = PIECE_KINDS.filter((p) => files[p]);
    const { errors: found, input } = checkDemand(v, electorId, chosen);
    if (!report(found) || !input) return;
    setBusy(true);
    const attached: JustificatifFile[] = await Promise.all(
      chosen.map(async (piece) => {
        const f = files[piece]!;
        return { piece, fileName: f.name, mime: mimeOf(f) as JustificatifFile['mime'], content: new Uint8Array(await f.arrayBuffer()) };
      }),
    );
    const saved = await create({ ...input, files: attached });
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
        {v.kind === 'inscription' ? (
          <fieldset>
            <legend>Liste demandée (Cerfa)</legend>
            {(
              [
                ['LP', 'Liste principale — Français (Cerfa 12669)'],
                ['LCM', 'Liste complémentaire municipale — citoyen de l’Union (Cerfa 12670)'],
                ['LCE', 'Liste complémentaire européenne — citoyen de l’Union (Cerfa 12671)'],
              ] as const
            ).map(([list, label]) => (
              <label key={list} className="radio">
                <input type="radio" name="list" value={list} checked={v.list === list} onChange={() => setV({ ...v, list })} /> {label}
              </label>
            ))}
            {v.list !== 'LP' ? (
              <Field
                label="Nationalité (code pays)"
                hint="Deux lettres : BE, DE, ES, IT, PT…"
                autoComplete="off"
                {...bind('nationality')}
              />
            ) : null}
          </fieldset>
        ) : null}
        <Field
          label="Lieu de naissance (facultatif)"
          hint="Commune, et pays si à l’étranger : sert à retrouver la personne dans l’extrait du REU."
          autoComplete="off"
          {...bind('birthPlace')}
        />
        <DateField
          label="Date de dépôt"
          example="05/03/2026"
          hint="Le délai de 5 jours pour décider part de cette date."
          {...bind('depositDate')}
        />
        {needsAddress(v.kind) ? <Field label="Nouvelle adresse dans la commune" autoComplete="off" {...bind('newAddress')} /> : null}
        <Field label="Adresse électronique du demandeur (facultatif)" inputMode="email" autoComplete="off" {...bind('email')} />
        <PiecesFieldset
          kind={v.kind}
          list={v.kind === 'inscription' ? v.list : 'LP'}
          files={files}
          error={errors.pieces ?? null}
          onFile={(piece, file) => setFiles((old) => ({ ...old, [piece]: file }))}
        />
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
