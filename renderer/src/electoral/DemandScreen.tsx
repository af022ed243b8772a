import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { frenchDay, parisDay } from '../../../shared/calendar.js';
import { cerfaOf } from '../../../shared/electoral/demand-content.js';
import { PIECE_KINDS, PIECE_LABELS, type PieceKind } from '../../../shared/electoral/demand-fields.js';
import {
  DEMAND_LETTER_LABELS,
  type DemandLetter,
  type DemandStep,
  type JustificatifFile,
  type LetterFiles,
} from '../../../shared/electoral/demand-ipc.js';
import { demandTimers } from '../../../shared/electoral/demand-timers.js';
import { answerWindow, answerWindowText } from '../../../shared/electoral/radiation-notice.js';
import { DEMAND_KIND_LABELS, DEMAND_STATUS_LABELS, LIST_TYPE_LABELS } from '../../../shared/electoral/types.js';
import { api, messageOf } from '../api/bridge.js';
import { useCan } from '../session/store.js';
import { DateField } from '../ui/Field.js';
import { formatBirthDate, parseFrenchDate } from '../ui/format.js';
import { FileInput } from '../ui/FileInput.js';
import { TimerBadge } from './DemandReminders.js';
import { mimeOf } from './PiecesFieldset.js';
import { openFile, saveBytes } from './files.js';
import type { DemandRow } from './store.js';

const STEP_BUTTONS: Record<DemandStep, string> = {
  notice: 'Enregistrer l’envoi du préavis',
  notification: 'Enregistrer la notification',
  reu: 'Enregistrer la transmission au REU',
};
const STEP_LABELS: Record<DemandStep, string> = {
  notice: 'Préavis de radiation envoyé le',
  notification: 'Décision notifiée au demandeur le',
  reu: 'Décision transmise au REU le',
};

/** One dated step: a date field (today by default) and its button; shown once done as a sentence. */
function StepForm({ step, onDone }: { step: DemandStep; onDone(step: DemandStep, date: string): Promise<void> }) {
  const [text, setText] = useState(frenchDay(parisDay(new Date())));
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const date = parseFrenchDate(text);
    if (!date) return setError('La date doit s’écrire JJ/MM/AAAA, par exemple 05/03/2026.');
    setError(null);
    await onDone(step, date);
  }
  return (
    <form onSubmit={submit} className="inline-form" noValidate>
      <DateField label={STEP_LABELS[step]} example="05/03/2026" value={text} error={error} onChange={(e) => setText(e.target.value)} />
      <button type="submit">{STEP_BUTTONS[step]}</button>
    </form>
  );
}

/** The maire's decision: a date, accept or refuse, the reason of a refusal (printed on the letter). */
function DecisionForm({ onDecide }: { onDecide(decision: 'acceptee' | 'refusee', date: string, reason: string | null): Promise<void> }) {
  const [text, setText] = useState(frenchDay(parisDay(new Date())));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function decide(decision: 'acceptee' | 'refusee') {
    const date = parseFrenchDate(text);
    if (!date) return setError('La date doit s’écrire JJ/MM/AAAA, par exemple 05/03/2026.');
    setError(null);
    await onDecide(decision, date, reason.trim() || null);
  }
  return (
    <fieldset>
      <legend>Décision du maire</legend>
      <DateField label="Date de la décision" example="05/03/2026" value={text} error={error} onChange={(e) => setText(e.target.value)} />
      <div className="field">
        <label htmlFor="refusal-reason">Motif du refus (obligatoire pour refuser)</label>
        <textarea id="refusal-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void decide('acceptee')}>
          Accepter la demande
        </button>
        <button type="button" onClick={() => void decide('refusee')}>
          Refuser la demande
        </button>
      </div>
    </fieldset>
  );
}

function Letters({ demand, onError }: { demand: DemandRow; onError(message: string): void }) {
  const [files, setFiles] = useState<Partial<Record<DemandLetter, LetterFiles>>>({});
  const letters: DemandLetter[] = [];
  if (demand.status === 'acceptee') letters.push('acceptation');
  if (demand.status === 'refusee') letters.push('refus');
  if (demand.kind === 'radiation' && (demand.status === 'deposee' || demand.status === 'instruction')) letters.push('preavis_radiation');
  if (letters.length === 0) return null;
  async function make(letter: DemandLetter) {
    try {
      const made = await api().invoke('electoral:demand-letter', { id: demand.id, letter });
      setFiles((f) => ({ ...f, [letter]: made }));
      openFile(made.pdf);
    } catch (e) {
      onError(messageOf(e));
    }
  }
  return (
    <section aria-labelledby="letters-title">
      <h2 id="letters-title">Courriers</h2>
      <ul className="plain">
        {letters.map((l) => (
          <li key={l}>
            <button type="button" onClick={() => void make(l)}>
              {DEMAND_LETTER_LABELS[l]} (PDF à imprimer)
            </button>
            {files[l] ? (
              <span>
                {' '}
                <button type="button" className="link" onClick={() => saveBytes(files[l]!.eml)}>
                  Enregistrer le courriel (.eml, PDF joint)
                </button>
                {files[l]!.mailto ? (
                  <>
                    {' · '}
                    <a href={files[l]!.mailto!}>Écrire au demandeur</a>
                  </>
                ) : null}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A piece that arrives after the deposit: its kind, then the file (added for good, like the others). */
function AddPiece({ onAdd }: { onAdd(piece: PieceKind, file: File): Promise<void> }) {
  const [piece, setPiece] = useState<PieceKind>('autre');
  return (
    <div className="field">
      <label htmlFor="add-piece-kind">Type de la pièce à joindre</label>
      <select id="add-piece-kind" value={piece} onChange={(e) => setPiece(e.target.value as PieceKind)}>
        {PIECE_KINDS.map((p) => (
          <option key={p} value={p}>
            {PIECE_LABELS[p]}
          </option>
        ))}
      </select>
      <label id="add-piece-label" htmlFor="add-piece">
        Fichier de la pièce (PDF ou scan, 20 Mo au plus)
      </label>
      <FileInput id="add-piece" accept="application/pdf,image/jpeg,image/png,image/tiff" onFiles={([f]) => f && void onAdd(piece, f)} />
    </div>
  );
}

export function DemandScreen({ id }: { id: string }) {
  const [demand, setDemand] = useState<DemandRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canDemand = useCan('electoral.demand');
  const canDecide = useCan('electoral.decide');

  const load = useCallback(async () => {
    try {
      const all = await api().invoke('electoral:demands', { status: null });
      setDemand(all.find((d) => d.id === id) ?? null);
      if (!all.some((d) => d.id === id)) setError("Cette demande n'existe pas (ou plus) sur ce poste.");
    } catch (e) {
      setError(messageOf(e));
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  async function run(what: () => Promise<unknown>, done: string) {
    setError(null);
    setNotice(null);
    try {
      await what();
      setNotice(done);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  if (!demand)
    return (
      <main id="contenu" tabIndex={-1}>
        <h1>Demande</h1>
        {error ? (
          <p role="alert" className="alert alert-error">
            {error}
          </p>
        ) : (
          <p role="status">Chargement…</p>
        )}
      </main>
    );

  const d = demand;
  const open = d.status === 'deposee' || d.status === 'instruction';
  const decided = d.status === 'acceptee' || d.status === 'refusee';
  const timers = demandTimers(d, parisDay(new Date()));
  const answer = answerWindow(d, parisDay(new Date()));
  const cerfa = cerfaOf(d.kind, d.list);
  const who = `${d.applicant.birthName}${d.applicant.usageName ? ` (${d.applicant.usageName})` : ''} ${d.applicant.firstNames}`;

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>
        {DEMAND_KIND_LABELS[d.kind]} — {who}
      </h1>
      {notice ? (
        <p role="status" className="alert alert-success">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      <dl className="facts">
        <dt>Statut</dt>
        <dd>
          {DEMAND_STATUS_LABELS[d.status]}
          {d.pending ? <span className="badge badge-pending">en attente de synchronisation</span> : null}
        </dd>
        <dt>Liste</dt>
        <dd>
          {LIST_TYPE_LABELS[d.list]}
          {cerfa ? ` — ${cerfa}` : ''}
        </dd>
        <dt>Né(e) le</dt>
        <dd>
          {formatBirthDate(d.applicant.birthDate)}
          {d.birthPlace ? ` à ${d.birthPlace}` : ''}
        </dd>
        <dt>Déposée le</dt>
        <dd>{d.depositDate ? frenchDay(d.depositDate) : 'date non saisie (demande antérieure)'}</dd>
        {d.newAddress ? (
          <>
            <dt>Adresse</dt>
            <dd>{d.newAddress}</dd>
          </>
        ) : null}
        {d.decisionDate ? (
          <>
            <dt>Décision</dt>
            <dd>
              {DEMAND_STATUS_LABELS[d.status]} le {frenchDay(d.decisionDate)}
              {d.refusalReason ? ` — motif : ${d.refusalReason}` : ''}
            </dd>
          </>
        ) : null}
        {d.noticeDate ? (
          <>
            <dt>Préavis</dt>
            <dd>
              envoyé le {frenchDay(d.noticeDate)} — {answerWindowText(d.noticeDate)}
              {answer?.due
                ? ' : délai écoulé, la radiation peut être décidée.'
                : answer
                  ? ' (la radiation ne peut pas être décidée avant).'
                  : ''}
            </dd>
          </>
        ) : null}
        {d.notificationDate ? (
          <>
            <dt>Notification</dt>
            <dd>le {frenchDay(d.notificationDate)}</dd>
          </>
        ) : null}
        {d.reuTransmittedDate ? (
          <>
            <dt>REU</dt>
            <dd>
              Transmise au REU le {frenchDay(d.reuTransmittedDate)}
              {d.reconciliation
                ? ` — rapprochée de l’extrait du ${frenchDay(d.reconciliation.on)} (${d.reconciliation.method === 'absence' ? 'l’électeur n’y figure plus' : d.reconciliation.method === 'ine' ? 'par l’INE' : 'par l’identité'}) : demande close.`
                : ' — en attente du prochain extrait qui la confirme.'}
            </dd>
          </>
        ) : null}
      </dl>
      {timers.length > 0 ? (
        <section aria-labelledby="timers-title">
          <h2 id="timers-title">Délais légaux</h2>
          <ul className="reminders">
            {timers.map((t) => (
              <li key={t.step}>
                <TimerBadge timer={t} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="pieces-title">
        <h2 id="pieces-title">Pièces justificatives</h2>
        {d.justificatifs.length === 0 ? (
          <p className="muted">Aucune pièce jointe.</p>
        ) : (
          <ul className="plain">
            {d.justificatifs.map((j) => (
              <li key={j.sha256}>
                {PIECE_LABELS[j.piece]} : {j.fileName} <span className="muted small">(jointe le {frenchDay(j.addedOn)})</span>{' '}
                {/* Scanned on another PC, the piece comes from the hub the first time (then kept on this PC). */}
                <button
                  type="button"
                  className="link"
                  aria-label={`Ouvrir la pièce ${j.fileName}`}
                  onClick={() =>
                    void api()
                      .invoke('electoral:justificatif', { sha256: j.sha256 })
                      .then(openFile, (e) => setError(messageOf(e)))
                  }
                >
                  Ouvrir la pièce
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {canDemand ? (
        <AddPiece
          onAdd={(piece, file) =>
            run(
              async () =>
                api().invoke('electoral:add-justificatif', {
                  id,
                  file: {
                    piece,
                    fileName: file.name,
                    mime: mimeOf(file) as JustificatifFile['mime'],
                    content: new Uint8Array(await file.arrayBuffer()),
                  },
                }),
              'Pièce jointe à la demande.',
            )
          }
        />
      ) : null}
      <Letters demand={d} onError={setError} />
      {canDemand && (open || (decided && !d.notificationDate) || (d.status === 'acceptee' && !d.reuTransmittedDate)) ? (
        <section aria-labelledby="steps-title">
          <h2 id="steps-title">Étapes</h2>
          {d.kind === 'radiation' && open && !d.noticeDate ? (
            <StepForm
              step="notice"
              onDone={(step, date) => run(() => api().invoke('electoral:record-step', { id, step, date }), 'Préavis enregistré.')}
            />
          ) : null}
          {open && canDecide ? (
            <DecisionForm
              onDecide={(decision, date, reason) =>
                run(
                  () => api().invoke('electoral:decide', { id, decision, date, reason }),
                  decision === 'acceptee' ? 'Demande acceptée.' : 'Demande refusée.',
                )
              }
            />
          ) : null}
          {open && !canDecide ? <p className="muted">La décision revient au maire.</p> : null}
          {decided && !d.notificationDate ? (
            <StepForm
              step="notification"
              onDone={(step, date) => run(() => api().invoke('electoral:record-step', { id, step, date }), 'Notification enregistrée.')}
            />
          ) : null}
          {d.status === 'acceptee' && !d.reuTransmittedDate ? (
            <StepForm
              step="reu"
              onDone={(step, date) =>
                run(() => api().invoke('electoral:record-step', { id, step, date }), 'Transmission au REU enregistrée.')
              }
            />
          ) : null}
        </section>
      ) : null}
    </main>
  );
}
