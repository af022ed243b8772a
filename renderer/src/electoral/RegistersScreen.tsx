import { useEffect, useState, type FormEvent } from 'react';
import { frenchDay } from '../../../shared/calendar.js';
import type { BureauMatch, ElectoralStats } from '../../../shared/electoral/polls-ipc.js';
import type { Communication, Consultation, Procuration } from '../../../shared/electoral/registers.js';
import { PARITIES, PARITY_LABELS, type Parity, type StreetRange } from '../../../shared/electoral/streets.js';
import { FileInput } from '../ui/FileInput.js';
import { api, messageOf } from '../api/bridge.js';
import { DateField, Field, LiveMessage, SelectField } from '../ui/Field.js';
import { parseFrenchDate } from '../ui/format.js';
import { usePolls } from './polls-store.js';

type Say = (error: string | null, notice?: string | null) => void;

/** Registres: bureaux and their address, procurations, L.37 communications, L.68 consultations, statistics. */
export function RegistersScreen() {
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const say: Say = (e, n = null) => {
    setError(e);
    setNotice(n);
  };
  const load = usePolls((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Registres électoraux</h1>
      <LiveMessage error={error} status={notice} />
      <Bureaux say={say} />
      <Streets say={say} />
      <Procurations say={say} />
      <Communications say={say} />
      <Consultations say={say} />
      <Stats />
    </main>
  );
}

async function attempt<T>(say: Say, fn: () => Promise<T>, ok: string): Promise<T | null> {
  try {
    const v = await fn();
    say(null, ok);
    return v;
  } catch (e) {
    say(messageOf(e));
    return null;
  }
}

function Bureaux({ say }: { say: Say }) {
  const { bureaux, load } = usePolls();
  const [address, setAddress] = useState('');
  const [matches, setMatches] = useState<BureauMatch[] | null>(null);
  async function save(code: string, label: string, addr: string) {
    if (await attempt(say, () => api().invoke('electoral:save-bureau', { id: code, label, address: addr }), `Bureau ${code} enregistré.`))
      await load();
  }
  async function lookup(e: FormEvent) {
    e.preventDefault();
    setMatches(await attempt(say, () => api().invoke('electoral:bureau-lookup', { address }), 'Recherche terminée.'));
  }
  return (
    <section aria-labelledby="bureaux-title">
      <h2 id="bureaux-title">Bureaux de vote</h2>
      <p className="hint">L’adresse du bureau est imprimée sur les cartes électorales (article R.23).</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Nom</th>
            <th scope="col">Électeurs</th>
            <th scope="col">Adresse du bureau</th>
          </tr>
        </thead>
        <tbody>
          {bureaux.map((b) => (
            <BureauRow key={b.code} code={b.code} label={b.label ?? ''} address={b.address ?? ''} electors={b.electors} onSave={save} />
          ))}
        </tbody>
      </table>
      <form onSubmit={lookup} noValidate>
        <Field
          label="Adresse à rattacher à un bureau"
          hint="Par exemple : 12 rue de la République"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          maxLength={200}
        />
        <button type="submit">Trouver le bureau</button>
      </form>
      {matches ? (
        matches.length === 0 ? (
          <p>
            Ni le découpage des voies ni les électeurs de la liste ne connaissent cette adresse : vérifiez l’orthographe ou complétez le
            découpage.
          </p>
        ) : (
          <ul>
            {matches.map((m) => (
              <li key={`${m.bureauCode}-${m.line ?? ''}`}>
                {m.source === 'decoupage'
                  ? `Bureau ${m.bureauCode} ${m.label ?? ''} — d’après le découpage des voies (${m.line})`
                  : `Bureau ${m.bureauCode} ${m.label ?? ''} : ${m.electors} électeur${m.electors > 1 ? 's' : ''} à cette adresse (estimation d’après la liste : la voie n’est pas dans le découpage)`}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

type StreetLine = StreetRange & { version: number | null; pending: boolean };
const EMPTY_STREET = { street: '', from: '', to: '', parity: 'toutes' as Parity, bureau: '' };
const numberOrNull = (v: string) => (v.trim() === '' ? null : Number(v));

/** The street table of the découpage: voie, numbers, parity → bureau; typed line by line or imported from a CSV. */
function Streets({ say }: { say: Say }) {
  const { bureaux } = usePolls();
  const [lines, setLines] = useState<StreetLine[]>([]);
  const [f, setF] = useState(EMPTY_STREET);
  const [busy, setBusy] = useState(false);
  const reload = async () => setLines(await api().invoke('electoral:streets', null));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once when the screen opens
  useEffect(() => {
    void reload().catch((e) => say(messageOf(e)));
  }, []);
  const set = (k: keyof typeof EMPTY_STREET) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const bureauCode = f.bureau || bureaux[0]?.code || '';
    const input = { id: null, street: f.street, from: numberOrNull(f.from), to: numberOrNull(f.to), parity: f.parity, bureauCode };
    if (await attempt(say, () => api().invoke('electoral:save-street', input), `Voie « ${f.street} » ajoutée au découpage.`)) {
      setF(EMPTY_STREET);
      await reload();
    }
  }
  async function importFile(file: File) {
    setBusy(true);
    const content = new Uint8Array(await file.arrayBuffer());
    const res = await attempt(say, () => api().invoke('electoral:import-streets', { fileName: file.name, content }), 'Découpage importé.');
    if (res)
      say(
        null,
        `Découpage importé : ${res.lines} ligne${res.lines > 1 ? 's' : ''}${res.replaced ? ` (remplace ${res.replaced} ligne${res.replaced > 1 ? 's' : ''})` : ''}.`,
      );
    setBusy(false);
    await reload();
  }
  async function drop(line: StreetLine) {
    if (await attempt(say, () => api().invoke('electoral:delete-street', { id: line.id }), `Ligne « ${line.street} » retirée.`))
      await reload();
  }
  return (
    <section aria-labelledby="streets-title">
      <h2 id="streets-title">Découpage des voies</h2>
      <p className="hint">
        Chaque ligne rattache des numéros d’une voie à un bureau de vote. La recherche d’adresse lit ce tableau d’abord, puis, pour une voie
        absente, les adresses des électeurs de la liste.
      </p>
      <label id="streets-file-label" htmlFor="streets-file">
        Importer le découpage (CSV : voie;debut;fin;parite;bureau — remplace le tableau)
      </label>
      <FileInput id="streets-file" accept=".csv,.txt,text/csv" disabled={busy} onFiles={([file]) => void importFile(file!)} />
      {lines.length === 0 ? (
        <p>Aucune voie dans le découpage.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Lignes du découpage</caption>
          <thead>
            <tr>
              <th scope="col">Voie</th>
              <th scope="col">Numéros</th>
              <th scope="col">Bureau</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.id}>
                <td>{l.street}</td>
                <td>
                  {PARITY_LABELS[l.parity]}
                  {l.from !== null ? ` du ${l.from}` : ''}
                  {l.to !== null ? ` au ${l.to}` : ''}
                </td>
                <td>
                  {l.bureauCode}
                  {l.pending ? <span className="badge badge-pending">en attente de synchronisation</span> : null}
                </td>
                <td>
                  <button type="button" onClick={() => void drop(l)} aria-label={`Retirer la ligne ${l.street} (bureau ${l.bureauCode})`}>
                    Retirer
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} noValidate aria-label="Ajouter une voie au découpage">
        <div className="form-row">
          <Field label="Voie" hint="Par exemple : Rue de la République" value={f.street} onChange={set('street')} maxLength={200} />
          <Field label="Premier numéro" hint="Vide : depuis le début" inputMode="numeric" value={f.from} onChange={set('from')} />
          <Field label="Dernier numéro" hint="Vide : jusqu’au bout" inputMode="numeric" value={f.to} onChange={set('to')} />
          <SelectField label="Numéros" value={f.parity} onChange={set('parity')}>
            {PARITIES.map((p) => (
              <option key={p} value={p}>
                {PARITY_LABELS[p]}
              </option>
            ))}
          </SelectField>
          <SelectField label="Bureau de la plage" value={f.bureau || bureaux[0]?.code || ''} onChange={set('bureau')}>
            {bureaux.map((b) => (
              <option key={b.code} value={b.code}>
                {b.code} {b.label ?? ''}
              </option>
            ))}
          </SelectField>
        </div>
        <button type="submit">Ajouter la voie</button>
      </form>
    </section>
  );
}

function BureauRow(props: {
  code: string;
  label: string;
  address: string;
  electors: number;
  onSave(code: string, label: string, address: string): void;
}) {
  const [address, setAddress] = useState(props.address);
  return (
    <tr>
      <th scope="row">{props.code}</th>
      <td>{props.label}</td>
      <td>{props.electors}</td>
      <td>
        <label className="sr-only" htmlFor={`bureau-${props.code}`}>
          Adresse du bureau {props.code}
        </label>
        <div className="actions">
          <input id={`bureau-${props.code}`} value={address} maxLength={300} onChange={(e) => setAddress(e.target.value)} />
          <button type="button" onClick={() => props.onSave(props.code, props.label || `Bureau ${props.code}`, address)}>
            Enregistrer
          </button>
        </div>
      </td>
    </tr>
  );
}

function Procurations({ say }: { say: Say }) {
  const bureaux = usePolls((s) => s.bureaux);
  const [list, setList] = useState<Procuration[]>([]);
  const [f, setF] = useState({
    bureau: '',
    mandant: '',
    mandantIne: '',
    mandataire: '',
    mandataireIne: '',
    from: '',
    to: '',
    authority: '',
  });
  const refresh = async () => setList(await api().invoke('electoral:procurations', { bureauCode: null }));
  useEffect(() => {
    void api()
      .invoke('electoral:procurations', { bureauCode: null })
      .then(setList, () => undefined);
  }, []);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const validFrom = parseFrenchDate(f.from);
    const validTo = parseFrenchDate(f.to);
    if (!validFrom || !validTo) return say('Les dates de validité doivent s’écrire JJ/MM/AAAA.');
    const ok = await attempt(
      say,
      () =>
        api().invoke('electoral:add-procuration', {
          bureauCode: f.bureau || bureaux[0]?.code || '',
          mandant: { name: f.mandant, ine: f.mandantIne.trim() || null, electorId: null },
          mandataire: { name: f.mandataire, ine: f.mandataireIne.trim() || null },
          validFrom,
          validTo,
          authority: f.authority,
          keyedIntoReu: false,
        }),
      'Procuration enregistrée. Pensez à la saisir dans le REU (ELIRE).',
    );
    if (ok) await refresh();
  }
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <section aria-labelledby="proc-title">
      <h2 id="proc-title">Procurations</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-row">
          <SelectField label="Bureau du mandant" value={f.bureau || bureaux[0]?.code || ''} onChange={set('bureau')}>
            {bureaux.map((b) => (
              <option key={b.code} value={b.code}>
                {b.code}
              </option>
            ))}
          </SelectField>
          <Field label="Mandant (nom, prénoms)" value={f.mandant} onChange={set('mandant')} maxLength={200} />
          <Field label="INE du mandant" value={f.mandantIne} onChange={set('mandantIne')} maxLength={12} />
          <Field label="Mandataire (nom, prénoms)" value={f.mandataire} onChange={set('mandataire')} maxLength={200} />
          <Field label="INE du mandataire" value={f.mandataireIne} onChange={set('mandataireIne')} maxLength={12} />
        </div>
        <div className="form-row">
          <DateField label="Valable du" example="01/01/2027" value={f.from} onChange={set('from')} />
          <DateField label="au" example="31/12/2027" value={f.to} onChange={set('to')} />
          <Field label="Autorité (commissariat, gendarmerie…)" value={f.authority} onChange={set('authority')} maxLength={200} />
        </div>
        <button type="submit">Enregistrer la procuration</button>
      </form>
      {list.length === 0 ? (
        <p>Aucune procuration enregistrée.</p>
      ) : (
        <ul>
          {list.map((p) => (
            <li key={p.id}>
              Bureau {p.bureauCode} : {p.mandant.name} → {p.mandataire.name}, du {frenchDay(p.validFrom)} au {frenchDay(p.validTo)}
              {p.keyedIntoReu ? '' : ' — à saisir dans le REU'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Communications({ say }: { say: Say }) {
  const [list, setList] = useState<Communication[]>([]);
  const [f, setF] = useState({ requester: '', quality: 'electeur' as Communication['quality'], date: '', extract: '', commitment: false });
  const refresh = async () => setList(await api().invoke('electoral:communications', null));
  useEffect(() => {
    void api()
      .invoke('electoral:communications', null)
      .then(setList, () => undefined);
  }, []);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const date = parseFrenchDate(f.date);
    if (!date) return say('La date de la communication doit s’écrire JJ/MM/AAAA.');
    const ok = await attempt(
      say,
      () =>
        api().invoke('electoral:add-communication', {
          requester: f.requester,
          quality: f.quality,
          date,
          extract: f.extract,
          nonCommercialCommitment: f.commitment,
        }),
      'Communication inscrite au registre (L.37).',
    );
    if (ok) await refresh();
  }
  return (
    <section aria-labelledby="l37-title">
      <h2 id="l37-title">Communications de la liste (L.37)</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label="Demandeur" value={f.requester} onChange={(e) => setF({ ...f, requester: e.target.value })} maxLength={200} />
          <SelectField
            label="Qualité"
            value={f.quality}
            onChange={(e) => setF({ ...f, quality: e.target.value as Communication['quality'] })}
          >
            <option value="electeur">Électeur</option>
            <option value="candidat">Candidat</option>
            <option value="parti">Parti ou groupement politique</option>
          </SelectField>
          <DateField label="Date" example="04/12/2026" value={f.date} onChange={(e) => setF({ ...f, date: e.target.value })} />
          <Field label="Extrait communiqué" value={f.extract} onChange={(e) => setF({ ...f, extract: e.target.value })} maxLength={300} />
        </div>
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" checked={f.commitment} onChange={(e) => setF({ ...f, commitment: e.target.checked })} /> Le demandeur
            s’est engagé par écrit à ne pas faire un usage commercial de la liste
          </label>
        </div>
        <button type="submit">Inscrire au registre</button>
      </form>
      <ul>
        {list.map((c) => (
          <li key={c.id}>
            {frenchDay(c.date)} — {c.requester} ({c.quality}) : {c.extract}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Consultations({ say }: { say: Say }) {
  const polls = usePolls((s) => s.polls);
  const [pollId, setPollId] = useState('');
  const [list, setList] = useState<Consultation[]>([]);
  const [f, setF] = useState({ consultant: '', date: '' });
  const id = pollId || polls.at(-1)?.id || '';
  useEffect(() => {
    if (id)
      void api()
        .invoke('electoral:consultations', { pollId: id })
        .then(setList, () => undefined);
  }, [id]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const date = parseFrenchDate(f.date);
    if (!date) return say('La date de la consultation doit s’écrire JJ/MM/AAAA.');
    const ok = await attempt(
      say,
      () => api().invoke('electoral:add-consultation', { pollId: id, consultant: f.consultant, date, bureauCode: null }),
      'Consultation inscrite au registre (L.68).',
    );
    if (ok) setList(await api().invoke('electoral:consultations', { pollId: id }));
  }
  return (
    <section aria-labelledby="l68-title">
      <h2 id="l68-title">Consultations de la liste d’émargement (L.68)</h2>
      {polls.length === 0 ? (
        <p>Enregistrez d’abord un scrutin.</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <div className="form-row">
            <SelectField label="Scrutin" value={id} onChange={(e) => setPollId(e.target.value)}>
              {polls.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label} — {frenchDay(p.date)}
                </option>
              ))}
            </SelectField>
            <Field
              label="Personne qui consulte"
              value={f.consultant}
              onChange={(e) => setF({ ...f, consultant: e.target.value })}
              maxLength={200}
            />
            <DateField label="Date" example="20/03/2027" value={f.date} onChange={(e) => setF({ ...f, date: e.target.value })} />
          </div>
          <button type="submit">Inscrire au registre</button>
        </form>
      )}
      <ul>
        {list.map((c) => (
          <li key={c.id}>
            {frenchDay(c.date)} — {c.consultant}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Electors by bureau and sex, drawn as SVG (the PDF draws the same bars). */
function Stats() {
  const [stats, setStats] = useState<ElectoralStats | null>(null);
  useEffect(() => {
    void api()
      .invoke('electoral:stats', null)
      .then(setStats, () => undefined);
  }, []);
  if (!stats || stats.total === 0) return null;
  const max = Math.max(...stats.byBureau.map((b) => b.total));
  const bar = 360;
  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">Statistiques ({stats.total} électeurs)</h2>
      <svg role="img" aria-labelledby="stats-svg-title" width={bar + 220} height={stats.byBureau.length * 26 + 10}>
        <title id="stats-svg-title">Électeurs par bureau : femmes en violet, hommes en bleu</title>
        {stats.byBureau.map((b, i) => {
          const w = (b.women / max) * bar;
          const m = (b.men / max) * bar;
          return (
            <g key={b.code} transform={`translate(0 ${i * 26 + 4})`}>
              <text x={0} y={15} fontSize={13}>
                {b.code}
              </text>
              <rect x={50} y={2} width={w} height={18} fill="#8e3b8e" />
              <rect x={50 + w} y={2} width={m} height={18} fill="#2a6f97" />
              <text x={56 + w + m} y={15} fontSize={13}>
                {b.women} F / {b.men} H
              </text>
            </g>
          );
        })}
      </svg>
      <table className="table">
        <caption className="sr-only">Électeurs par bureau et par tranche d’âge</caption>
        <thead>
          <tr>
            <th scope="col">Bureau</th>
            {stats.ageBands.map((a) => (
              <th key={a} scope="col">
                {a} ans
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {stats.byBureau.map((b) => (
            <tr key={b.code}>
              <th scope="row">{b.code}</th>
              {b.ages.map((n, i) => (
                <td key={stats.ageBands[i]}>{n}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
