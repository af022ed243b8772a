import { useState, type FormEvent } from 'react';
import type { ActLetter } from '../../../shared/acts/records.js';
import { useCan } from '../session/store.js';
import { FileInput } from '../ui/FileInput.js';
import { PendingBadge, formatDay } from './parts.js';
import { useActs, type AnswerType } from './store.js';
import { StoredFileList } from './StoredFileList.js';

/** Answers the commune may give to each letter of the prefecture, and how many documents each carries. */
export const ANSWERS: Record<string, { type: AnswerType; label: string; files: 'none' | 'one' | 'many' }[]> = {
  '2-1': [{ type: '2-2', label: 'Répondre au courrier', files: 'one' }],
  '3-1': [
    { type: '3-2', label: 'Accuser réception de la demande de pièces', files: 'none' },
    { type: '3-3', label: 'Refuser de transmettre les pièces', files: 'one' },
    { type: '3-4', label: 'Envoyer les pièces complémentaires', files: 'many' },
  ],
  '4-1': [
    { type: '4-2', label: "Accuser réception de la lettre d'observations", files: 'none' },
    { type: '4-3', label: "Rejeter la lettre d'observations", files: 'one' },
    { type: '4-4', label: "Répondre à la lettre d'observations", files: 'one' },
  ],
};

const LETTER_STATES: Record<ActLetter['state'], string> = {
  recu: 'Reçu',
  en_attente: "En attente d'envoi",
  transmis: 'Transmis à la préfecture',
  acquitte: 'Reçu par la préfecture',
  erreur: 'Erreur',
};

function AnswerForm({ actId, letter }: { actId: string; letter: ActLetter }) {
  const options = ANSWERS[letter.type] ?? [];
  const { answerLetter, busy } = useActs();
  const [type, setType] = useState<AnswerType>(options[0].type);
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const chosen = options.find((o) => o.type === type) ?? options[0];
  const fileId = `answer-files-${letter.id}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (chosen.files !== 'none' && files.length === 0) return setProblem('Joignez le document de votre réponse (PDF).');
    if (chosen.files === 'one' && files.length > 1) return setProblem('Cette réponse porte un seul document.');
    setProblem(null);
    const payload =
      chosen.files === 'none'
        ? []
        : await Promise.all(files.map(async (f) => ({ fileName: f.name, content: new Uint8Array(await f.arrayBuffer()) })));
    if (await answerLetter({ actId, letterId: letter.id, type, files: payload })) setFiles([]);
  }

  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>Votre réponse</legend>
        {options.map((o) => (
          <label key={o.type} className="radio">
            <input type="radio" name={`answer-${letter.id}`} value={o.type} checked={type === o.type} onChange={() => setType(o.type)} />{' '}
            {o.label}
          </label>
        ))}
      </fieldset>
      {chosen.files !== 'none' ? (
        <div className={problem ? 'field field-error' : 'field'}>
          <label id={`${fileId}-label`} htmlFor={fileId}>
            {chosen.files === 'many' ? 'Documents de la réponse' : 'Document de la réponse'}
          </label>
          {problem ? (
            <p className="error-text" id={`${fileId}-error`}>
              {problem}
            </p>
          ) : null}
          <FileInput
            id={fileId}
            accept=".pdf,application/pdf"
            multiple={chosen.files === 'many'}
            invalid={!!problem}
            describedBy={problem ? `${fileId}-error` : undefined}
            chosen={files.map((f) => f.name)}
            onFiles={setFiles}
          />
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy === 'answer'}>
          Envoyer la réponse
        </button>
      </div>
    </form>
  );
}

/** Letters from the prefecture about this act, with the commune's answers under them. */
export function Letters({ actId, letters }: { actId: string; letters: ActLetter[] }) {
  const canAnswer = useCan('acts.transmit');
  const answeredHere = useActs((s) => s.answered);
  if (letters.length === 0) return <p>Aucun courrier de la préfecture pour cet acte.</p>;
  // The hub names an answer `<uuid>:<letter id>:<type>`.
  const answeredOnHub = (l: ActLetter) => letters.some((x) => x.direction === 'envoye' && x.id.includes(`:${l.id}:`));
  return (
    <>
      {letters.map((l) => (
        <section key={l.id} className="letter" aria-label={l.label}>
          <h3>
            {l.direction === 'recu' ? 'Reçu de la préfecture' : 'Envoyé par la commune'} : {l.label}
          </h3>
          <p className="small muted">
            {formatDay(l.date)} — {LETTER_STATES[l.state]}
          </p>
          {l.files.length > 0 ? <StoredFileList files={l.files} /> : null}
          {l.direction === 'recu' && ANSWERS[l.type] && !answeredOnHub(l) ? (
            answeredHere.includes(l.id) ? (
              <p className="small">
                Réponse enregistrée sur ce poste <PendingBadge />
              </p>
            ) : canAnswer ? (
              <AnswerForm actId={actId} letter={l} />
            ) : (
              <p className="small">Le maire peut répondre à ce courrier depuis son compte.</p>
            )
          ) : null}
        </section>
      ))}
    </>
  );
}
