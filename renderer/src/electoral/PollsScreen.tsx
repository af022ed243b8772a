import { useEffect, useState, type FormEvent } from 'react';
import { frenchDay } from '../../../shared/calendar.js';
import { pollCalendar } from '../../../shared/electoral/poll-calendar.js';
import {
  CARD_PAQUET_LABELS,
  CARD_PAQUETS,
  type CardPaquet,
  OFFICE_PAQUET_NOTE,
  type PrintRequest,
} from '../../../shared/electoral/polls-ipc.js';
import { POLL_KIND_LABELS, POLL_KINDS, type Poll } from '../../../shared/electoral/registers.js';
import { DateField, Field, LiveMessage, SelectField } from '../ui/Field.js';
import { parseFrenchDate } from '../ui/format.js';
import { usePolls } from './polls-store.js';

/** Scrutins: create one, read its legal calendar, prepare the commission and print what the bureaux need. */
export function PollsScreen() {
  const { polls, error, notice, load } = usePolls();
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    void load();
  }, [load]);
  const poll = polls.find((p) => p.id === selected) ?? polls.at(-1) ?? null;
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Scrutins</h1>
      <LiveMessage error={error} status={notice} />
      <NewPollForm onCreated={(p) => setSelected(p.id)} />
      {polls.length === 0 ? (
        <p>Aucun scrutin enregistré : saisissez la date du prochain scrutin pour obtenir son calendrier.</p>
      ) : (
        <>
          <h2>Scrutins enregistrés</h2>
          <SelectField label="Scrutin affiché" value={poll?.id ?? ''} onChange={(e) => setSelected(e.target.value)}>
            {polls.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label} — {frenchDay(p.date)}
              </option>
            ))}
          </SelectField>
          {poll ? <PollDetail poll={poll} /> : null}
        </>
      )}
    </main>
  );
}

function NewPollForm({ onCreated }: { onCreated(p: Poll): void }) {
  const { createPoll, busy } = usePolls();
  const [kind, setKind] = useState<Poll['kind']>('municipales');
  const [label, setLabel] = useState(POLL_KIND_LABELS.municipales);
  const [date, setDate] = useState('');
  const [dateError, setDateError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const iso = parseFrenchDate(date);
    if (!iso) return setDateError('La date du scrutin doit s’écrire JJ/MM/AAAA, par exemple 14/03/2027.');
    setDateError(null);
    const poll = await createPoll({ kind, label, date: iso });
    if (poll) {
      setDate('');
      onCreated(poll);
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-poll">
      <h2 id="new-poll">Nouveau scrutin</h2>
      <div className="form-row">
        <SelectField
          label="Type de scrutin"
          value={kind}
          onChange={(e) => {
            const k = e.target.value as Poll['kind'];
            setKind(k);
            setLabel(POLL_KIND_LABELS[k]);
          }}
        >
          {POLL_KINDS.map((k) => (
            <option key={k} value={k}>
              {POLL_KIND_LABELS[k]}
            </option>
          ))}
        </SelectField>
        <Field label="Nom du scrutin" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={120} />
        <DateField
          label="Date du scrutin (premier tour)"
          example="14/03/2027"
          value={date}
          error={dateError}
          onChange={(e) => setDate(e.target.value)}
        />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Enregistrer le scrutin
      </button>
    </form>
  );
}

function PollDetail({ poll }: { poll: Poll & { pending: boolean } }) {
  const steps = pollCalendar(poll.date);
  return (
    <section aria-labelledby="calendar-title">
      <h2 id="calendar-title">
        Calendrier — {poll.label} du {frenchDay(poll.date)}
        {poll.pending ? <span className="badge"> à synchroniser</span> : null}
      </h2>
      <table className="table">
        <caption className="sr-only">Étapes légales du scrutin</caption>
        <thead>
          <tr>
            <th scope="col">Étape</th>
            <th scope="col">Dates</th>
            <th scope="col">Ce que dit le texte</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.id}>
              <th scope="row">{s.label}</th>
              <td>
                {s.from === s.to ? frenchDay(s.from) : `du ${frenchDay(s.from)} au ${frenchDay(s.to)}`}
                {s.holiday ? <strong> (jour férié : {s.holiday})</strong> : null}
              </td>
              <td>{s.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CommissionForm poll={poll} />
      <PrintPanel poll={poll} />
    </section>
  );
}

function CommissionForm({ poll }: { poll: Poll }) {
  const { setCommission, print, busy } = usePolls();
  const [date, setDate] = useState(poll.commissionDate ? frenchDay(poll.commissionDate) : '');
  const [err, setErr] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const iso = parseFrenchDate(date);
    if (!iso) return setErr('La date doit s’écrire JJ/MM/AAAA.');
    setErr(null);
    await setCommission(poll.id, iso);
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="commission-title">
      <h3 id="commission-title">Commission de contrôle</h3>
      <DateField
        label="Date de la réunion"
        example={frenchDay(pollCalendar(poll.date).find((s) => s.id === 'commission')!.from)}
        value={date}
        error={err}
        onChange={(e) => setDate(e.target.value)}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Enregistrer la date
        </button>
        <button type="button" disabled={busy} onClick={() => void print({ kind: 'commission', pollId: poll.id })}>
          Dossier de la commission (PDF)
        </button>
        <button type="button" disabled={busy} onClick={() => void print({ kind: 'tableau', pollId: poll.id })}>
          Tableau des inscriptions et radiations (PDF)
        </button>
      </div>
    </form>
  );
}

function PrintPanel({ poll }: { poll: Poll }) {
  const { bureaux, print, busy, progress, lastPrint, open } = usePolls();
  const [bureau, setBureau] = useState('');
  const [order, setOrder] = useState<'alpha' | 'numero'>('alpha');
  const [paquet, setPaquet] = useState<CardPaquet>('nouvelles');
  const [layout, setLayout] = useState<'a4x2' | 'a4x4'>('a4x4');
  const code = bureau || bureaux[0]?.code || '';
  const run = (req: PrintRequest) => void print(req);
  return (
    <section aria-labelledby="prints-title">
      <h3 id="prints-title">Impressions</h3>
      {bureaux.length === 0 ? <p>Importez d’abord la liste électorale : aucun bureau de vote sur ce poste.</p> : null}
      <div className="form-row">
        <SelectField label="Bureau de vote" value={code} onChange={(e) => setBureau(e.target.value)}>
          {bureaux.map((b) => (
            <option key={b.code} value={b.code}>
              {b.code} {b.label ?? ''} ({b.electors} électeurs)
            </option>
          ))}
        </SelectField>
        <SelectField label="Ordre de la liste d’émargement" value={order} onChange={(e) => setOrder(e.target.value as 'alpha' | 'numero')}>
          <option value="alpha">Alphabétique</option>
          <option value="numero">Par numéro d’ordre</option>
        </SelectField>
      </div>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy || !code}
          onClick={() => run({ kind: 'emargement', pollId: poll.id, bureauCode: code, order })}
        >
          Imprimer la liste d’émargement du bureau
        </button>
        <button type="button" disabled={busy || !code} onClick={() => run({ kind: 'procurations', bureauCode: code })}>
          Registre des procurations du bureau
        </button>
      </div>
      <div className="form-row">
        <SelectField label="Paquet de cartes" value={paquet} onChange={(e) => setPaquet(e.target.value as CardPaquet)}>
          {CARD_PAQUETS.map((p) => (
            <option key={p} value={p}>
              {CARD_PAQUET_LABELS[p]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Support" value={layout} onChange={(e) => setLayout(e.target.value as 'a4x2' | 'a4x4')}>
          <option value="a4x4">A4, 4 cartes par feuille (105 × 148 mm)</option>
          <option value="a4x2">A4, 2 cartes par feuille (210 × 148 mm)</option>
        </SelectField>
      </div>
      {paquet === 'office' ? (
        <p className="muted" id="office-note">
          {OFFICE_PAQUET_NOTE}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => run({ kind: 'cartes', bureauCode: code || null, paquet, layout, markPrinted: true })}
        >
          Imprimer les cartes du bureau
        </button>
        <button type="button" disabled={busy} onClick={() => run({ kind: 'etiquettes', bureauCode: code || null })}>
          Étiquettes (envois des candidats)
        </button>
        <button type="button" disabled={busy} onClick={() => run({ kind: 'statistiques' })}>
          Statistiques (PDF)
        </button>
      </div>
      {progress ? (
        <p role="status">
          Impression en cours… <progress max={progress.total || 1} value={progress.done} aria-label="Avancement de l’impression" />{' '}
          {progress.done} / {progress.total} lignes, {progress.pages} pages
        </p>
      ) : null}
      {lastPrint ? (
        <p>
          <button type="button" onClick={() => void open(lastPrint.fileName)}>
            Ouvrir le PDF ({lastPrint.pages} pages, {lastPrint.items} lignes)
          </button>
        </p>
      ) : null}
    </section>
  );
}
