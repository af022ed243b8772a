import { useEffect, useId, useState } from 'react';
import type { CommunicationUsage, CompteView, ReleveMode } from '../../../shared/owners/ipc.js';
import { api, messageOf } from '../api/bridge.js';
import { Dialog } from '../ui/Dialog.js';
import { Field, SelectField } from '../ui/Field.js';
import { communicationUsage, printReleve } from './store.js';

/** « 3 communications sur 5 cette semaine, 4 sur 10 ce mois » */
export function usageSentence(u: CommunicationUsage): string {
  const n = (k: number) => (k <= 1 ? `${k} communication` : `${k} communications`);
  return `${n(u.week)} sur ${u.weekLimit} cette semaine, ${u.month} sur ${u.monthLimit} ce mois`;
}

/**
 * The relevé de propriété. « Pour la commune »: complete, for the town hall's
 * own use. « Pour un tiers » (LPF L107 A): no birth date or place, no
 * exemption; the hub records it and refuses beyond 5 a week / 10 a month per
 * requester (R*107 A-3) — its refusal is shown as it comes. An owner asking
 * for their own compte is not counted.
 */
export function ReleveDialog({ compte, onClose }: { compte: CompteView; onClose(): void }) {
  const [mode, setMode] = useState<ReleveMode>('complet');
  const [requester, setRequester] = useState('');
  const [isOwner, setIsOwner] = useState(false);
  const [ownerDnuper, setOwnerDnuper] = useState(compte.owners[0]?.dnuper ?? '');
  const [purpose, setPurpose] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [usage, setUsage] = useState<CommunicationUsage | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const modeName = useId();
  // The ledger the count reads comes with the sync that follows each communication: count again when a sync ends.
  const [synced, setSynced] = useState(0);
  useEffect(
    () =>
      api().on('sync:state', (state) => {
        if (state.phase === 'idle') setSynced((n) => n + 1);
      }),
    [],
  );

  const counted = mode === 'tiers' && !isOwner;
  const name = requester.trim();
  // The requester's count, read again as the name is typed and after each sync (the hub decides anyway).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `synced` is the trigger: a sync brought the hub's ledger
  useEffect(() => {
    if (!counted || name.length < 2) {
      setUsage(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      communicationUsage(name).then(
        (u) => live && setUsage(u),
        () => live && setUsage(null),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [counted, name, synced]);

  async function submit() {
    const found: Record<string, string> = {};
    if (mode === 'tiers' && !isOwner && name.length < 2) found.requester = 'Indiquez le nom du demandeur.';
    if (purpose.trim().length < 3) found.purpose = 'Indiquez le motif de la demande (au moins 3 caractères).';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setRefusal(null);
    setDone(null);
    const owner = compte.owners.find((o) => o.dnuper === ownerDnuper);
    try {
      await printReleve({
        compteId: compte.id,
        mode,
        purpose: purpose.trim(),
        requester:
          mode === 'complet'
            ? undefined
            : isOwner
              ? { name: owner?.designation.replace('/', ' ') ?? name, kind: 'proprietaire', ownerDnuper }
              : { name, kind: 'tiers' },
      });
      setDone(
        mode === 'tiers'
          ? 'Le relevé pour le tiers est téléchargé ; la communication est inscrite au journal.'
          : 'Le relevé est téléchargé.',
      );
    } catch (e) {
      setRefusal(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Relevé de propriété"
      confirmLabel={busy ? 'Préparation…' : 'Imprimer le relevé (PDF)'}
      cancelLabel="Fermer"
      busy={busy}
      submit
      onConfirm={() => void submit()}
      onCancel={onClose}
    >
      <fieldset>
        <legend>Pour qui ?</legend>
        <label className="radio">
          <input type="radio" name={modeName} checked={mode === 'complet'} onChange={() => setMode('complet')} /> Pour la commune (relevé
          complet, usage interne)
        </label>
        <label className="radio">
          <input type="radio" name={modeName} checked={mode === 'tiers'} onChange={() => setMode('tiers')} /> Pour un tiers (sans date ni
          lieu de naissance, ni exonération)
        </label>
      </fieldset>
      {mode === 'tiers' && (
        <>
          <label className="radio">
            <input type="checkbox" checked={isOwner} onChange={(e) => setIsOwner(e.target.checked)} /> Le demandeur est le propriétaire (non
            compté dans la limite)
          </label>
          {isOwner ? (
            <SelectField
              label="Propriétaire qui demande"
              data-personal
              value={ownerDnuper}
              onChange={(e) => setOwnerDnuper(e.target.value)}
            >
              {compte.owners.map((o) => (
                <option key={o.dnuper} value={o.dnuper}>
                  {o.designation.replace('/', ' ')}
                </option>
              ))}
            </SelectField>
          ) : (
            <Field
              label="Nom du demandeur"
              hint="Au plus 5 communications par semaine et 10 par mois civil pour un même demandeur (article R*107 A-3 du livre des procédures fiscales)."
              value={requester}
              onChange={(e) => setRequester(e.target.value)}
              error={errors.requester}
              data-personal
              autoComplete="off"
            />
          )}
          {usage && (
            <p className="muted" role="status" data-testid="owners-usage">
              Ce demandeur : {usageSentence(usage)}.
            </p>
          )}
        </>
      )}
      <Field
        label="Motif de la demande"
        hint="Inscrit au journal des consultations, que le maire peut exporter."
        value={purpose}
        onChange={(e) => setPurpose(e.target.value)}
        error={errors.purpose}
        autoComplete="off"
      />
      {refusal && (
        <p role="alert" className="alert alert-error">
          {refusal}
        </p>
      )}
      {done && (
        <p role="status" className="alert alert-success">
          {done}
        </p>
      )}
    </Dialog>
  );
}
