import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { typologiesForNature } from '../../../shared/acts/classification.js';
import type { DraftProblem } from '../../../shared/acts/draft.js';
import type { CheckDraftInput } from '../../../shared/acts/ipc.js';
import { NATURES_ACTE, SIGNATURE_TYPOLOGY, isCodeNatureActe, natureByCode } from '../../../shared/acts/natures.js';
import { OBJET_MAX_LENGTH } from '../../../shared/acts/rules.js';
import { api, messageOf } from '../api/bridge.js';
import { useNav } from '../nav/store.js';
import { DateField, ErrorSummary, Field, LiveMessage, SelectField } from '../ui/Field.js';
import { parseFrenchDate } from '../ui/format.js';
import { DraftFiles, type PickedAnnex, type PickedFile } from './DraftFiles.js';
import { MatierePicker } from './MatierePicker.js';
import { useActs } from './store.js';

export const CHECK_DEBOUNCE_MS = 300;

const PLACED = /^(numeroInterne|decisionDate|objet|codeNatureActe|matieres|act|act\.typology|annexes(\.\d+(\.typology)?)?)$/;

/** Field names of DraftProblem → labels of the error summary, in the order of the form. */
const LABELS: Record<string, string> = {
  classification: 'Classification',
  classificationDateVersion: 'Classification',
  codeNatureActe: "Nature de l'acte",
  numeroInterne: 'Numéro interne',
  decisionDate: 'Date de décision',
  objet: 'Objet',
  matieres: 'Matière',
  'act.typology': "Type de document de l'acte",
  act: "Fichier de l'acte",
  annexes: 'Annexes',
};

/** The numéro interne only takes uppercase letters without accents: typed letters are turned into those. */
export function toNumeroInterne(typed: string): string {
  return typed
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
}

/** The part of the draft a problem's field is about (`act`, `act.typology`, `annexes.2.typology`, `objet`…), as text to compare. */
function fieldValue(draft: CheckDraftInput, field: string): string {
  const [head, index, sub] = field.split('.');
  const file = (f: { fileName: string; size: number } | null | undefined) => f && [f.fileName, f.size];
  if (head === 'act') return JSON.stringify(index === 'typology' ? draft.actTypology : file(draft.actFile));
  if (head === 'annexes') {
    const annexes = index === undefined ? draft.annexes : [draft.annexes[Number(index)]];
    return JSON.stringify(annexes.map((a) => a && (sub === 'typology' ? a.typology : [file(a), a.typology])));
  }
  return JSON.stringify((draft as unknown as Record<string, unknown>)[field]);
}

export function ActForm() {
  const go = useNav((s) => s.go);
  const { classification, classificationLoaded, loadClassification, create, busy, error } = useActs();
  const [nature, setNature] = useState<number | null>(null);
  const [matieres, setMatieres] = useState<number[]>([]);
  const [actTypology, setActTypology] = useState('');
  const [numeroInterne, setNumeroInterne] = useState('');
  const [decisionDateText, setDecisionDateText] = useState('');
  // Typed JJ/MM/AAAA; the core checks the day itself (a text that is no date gets the rule's own sentence).
  const decisionDate = parseFrenchDate(decisionDateText) ?? decisionDateText.trim();
  const [objet, setObjet] = useState('');
  const [documentPapier, setDocumentPapier] = useState(false);
  const [act, setAct] = useState<PickedFile | null>(null);
  const [annexes, setAnnexes] = useState<PickedAnnex[]>([]);
  // The problems the core found, with the draft they were found in (a field changed since is not judged by them).
  const [problems, setProblems] = useState<{ list: DraftProblem[]; of: CheckDraftInput | null }>({ list: [], of: null });
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(0);
  const [checkError, setCheckError] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    if (!classificationLoaded) void loadClassification();
  }, [classificationLoaded, loadClassification]);

  // Only the typologies the prefecture allows for this nature (plus the detached signature for annexes).
  const typologies = useMemo(() => (classification && nature ? typologiesForNature(classification, nature) : []), [classification, nature]);
  const annexTypologies = useMemo(
    () =>
      typologies.length > 0 && !typologies.some((t) => t.code === SIGNATURE_TYPOLOGY)
        ? [...typologies, { code: SIGNATURE_TYPOLOGY, libelle: 'Signature électronique détachée' }]
        : typologies,
    [typologies],
  );
  const defaultTypology =
    nature && isCodeNatureActe(nature) && typologies.some((t) => t.code === natureByCode(nature).defaultTypology)
      ? natureByCode(nature).defaultTypology
      : (typologies[0]?.code ?? '');

  function chooseNature(value: number | null) {
    setNature(value);
    const allowed = classification && value ? typologiesForNature(classification, value) : [];
    const def = value && isCodeNatureActe(value) ? natureByCode(value).defaultTypology : '';
    const fallback = allowed.some((t) => t.code === def) ? def : (allowed[0]?.code ?? '');
    // A typology of another nature would be refused: reset to this nature's default.
    if (!allowed.some((t) => t.code === actTypology)) setActTypology(fallback);
    setAnnexes((list) =>
      list.map((a) => (allowed.some((t) => t.code === a.typology) || a.typology === SIGNATURE_TYPOLOGY ? a : { ...a, typology: fallback })),
    );
    touch('codeNatureActe');
  }

  const input: CheckDraftInput = {
    numeroInterne,
    decisionDate,
    codeNatureActe: nature ?? 0,
    matieres,
    objet,
    actTypology,
    actFile: act ? { fileName: act.file.name, size: act.file.size, head: act.head } : null,
    annexes: annexes.map((a) => ({ fileName: a.file.name, size: a.file.size, head: a.head, typology: a.typology })),
    actId: null,
  };

  async function check(): Promise<DraftProblem[] | null> {
    const mine = ++seq.current;
    const asked = input;
    try {
      const found = await api().invoke('acts:check-draft', asked);
      const all = act
        ? found
        : [...found.filter((p) => p.field !== 'act'), { field: 'act', message: "Joignez le fichier de l'acte (PDF)." }];
      if (mine === seq.current) {
        setProblems({ list: all, of: asked });
        setCheckError(null);
      }
      return all;
    } catch (e) {
      if (mine === seq.current) setCheckError(messageOf(e));
      return null;
    }
  }

  // Checked by the core as she types (debounced), with the same rules it applies before sending.
  const key = JSON.stringify({
    ...input,
    actFile: input.actFile && { n: input.actFile.fileName, s: input.actFile.size },
    annexes: input.annexes.map((a) => [a.fileName, a.size, a.typology]),
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check when the draft's content (`key`) changes, not when `check` is rebuilt (every render: setting the problems would re-check in a loop)
  useEffect(() => {
    const t = setTimeout(() => void check(), CHECK_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [key]);

  function touch(field: string) {
    setTouched((s) => (s.has(field) ? s : new Set(s).add(field)));
  }
  /** A problem is shown once she has been through the field, or after "Enregistrer". */
  function problem(field: string): string | null {
    const shown =
      submitted > 0 ||
      touched.has(field) ||
      (field.startsWith('annexes') && annexes.length > 0) ||
      (field.startsWith('act') && act !== null);
    // Until the debounced check has run, a field she just corrected shows nothing rather than its old problem.
    if (!shown || (problems.of && fieldValue(problems.of, field) !== fieldValue(input, field))) return null;
    const msgs = problems.list.filter((p) => p.field === field).map((p) => p.message);
    return msgs.length > 0 ? msgs.join(' ') : null;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = await check();
    setSubmitted((n) => n + 1);
    if (!found || found.length > 0 || !act || !nature) return;
    const detail = await create({
      numeroInterne,
      decisionDate,
      codeNatureActe: nature,
      matieres,
      objet,
      documentPapier,
      actTypology,
      actFile: { fileName: act.file.name, content: new Uint8Array(await act.file.arrayBuffer()) },
      annexes: await Promise.all(
        annexes.map(async (a) => ({ fileName: a.file.name, typology: a.typology, content: new Uint8Array(await a.file.arrayBuffer()) })),
      ),
    });
    if (detail) go({ name: 'act', id: detail.act.id });
  }

  const summary: Record<string, string> = {};
  if (submitted > 0) for (const p of problems.list) summary[p.field] = summary[p.field] ? `${summary[p.field]} ${p.message}` : p.message;
  const summaryLabels: Record<string, string> = { ...LABELS };
  annexes.forEach((a, i) => {
    summaryLabels[`annexes.${i}`] = `Annexe « ${a.file.name} »`;
    summaryLabels[`annexes.${i}.typology`] = `Type de l'annexe « ${a.file.name} »`;
  });
  const numeroError = problem('numeroInterne');
  // Problems that belong to no field of the form (no classification on this PC, an outdated one…).
  const general = problems.list.filter((p) => !PLACED.test(p.field));

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Préparer un acte pour la préfecture</h1>
      <p className="muted">
        Le brouillon reste sur ce poste jusqu'à sa signature et sa transmission. Les points à corriger s'affichent au fil de la saisie.
      </p>
      <ErrorSummary key={submitted} errors={summary} labels={summaryLabels} title="Avant d'enregistrer, corrigez ces points :" />
      <LiveMessage error={error ?? checkError} status={busy === 'create' ? 'Enregistrement du brouillon…' : null} />
      {classificationLoaded && !classification ? (
        <p className="alert alert-warning">
          La classification de la préfecture n'est pas encore arrivée sur ce poste. Vérifiez que le poste est en ligne et cliquez sur «
          Synchroniser maintenant », puis revenez sur cette page.
        </p>
      ) : general.length > 0 ? (
        <div className="alert alert-warning">
          {general.map((p) => (
            <p key={p.field}>{p.message}</p>
          ))}
        </div>
      ) : null}
      <form onSubmit={submit} noValidate className="narrow-form">
        <fieldset>
          <legend>L'acte</legend>
          <SelectField
            id="act-nature"
            label="Nature de l'acte"
            value={nature ?? ''}
            error={problem('codeNatureActe')}
            onChange={(e) => chooseNature(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">— Choisir —</option>
            {NATURES_ACTE.map((n) => (
              <option key={n.code} value={n.code}>
                {n.libelle}
              </option>
            ))}
          </SelectField>
          <Field
            id="act-numero"
            label="Numéro interne"
            hint="Le numéro de l'acte dans votre registre, par exemple 2026_045 : 15 caractères au plus, lettres majuscules sans accent, chiffres et « _ » (pas au début ni à la fin). Les minuscules sont mises en majuscules."
            error={numeroError}
            autoComplete="off"
            spellCheck={false}
            maxLength={15}
            value={numeroInterne}
            onChange={(e) => setNumeroInterne(toNumeroInterne(e.target.value))}
            onBlur={() => touch('numeroInterne')}
          />
          <DateField
            id="act-date"
            label="Date de décision"
            example="14/07/2026"
            hint="Le jour où l'acte a été décidé ou signé ; pas de date future."
            error={problem('decisionDate')}
            value={decisionDateText}
            onChange={(e) => setDecisionDateText(e.target.value)}
            onBlur={() => touch('decisionDate')}
          />
          <ObjetField value={objet} onChange={setObjet} onBlur={() => touch('objet')} error={problem('objet')} />
        </fieldset>
        {classification ? (
          <MatierePicker
            tree={classification.matieres}
            value={matieres}
            error={problem('matieres')}
            onChange={(codes) => {
              setMatieres(codes);
              if (codes.length >= 2) touch('matieres');
            }}
          />
        ) : null}
        <SelectField
          id="act-typology"
          label="Type de document de l'acte"
          hint={
            nature
              ? 'Seuls les types que la préfecture accepte pour cette nature sont proposés.'
              : "Choisissez d'abord la nature de l'acte."
          }
          value={actTypology}
          disabled={typologies.length === 0}
          error={problem('act.typology')}
          onChange={(e) => setActTypology(e.target.value)}
        >
          {typologies.length === 0 ? <option value="">—</option> : null}
          {typologies.map((t) => (
            <option key={t.code} value={t.code}>
              {t.libelle} ({t.code})
            </option>
          ))}
        </SelectField>
        <DraftFiles
          act={act}
          annexes={annexes}
          typologies={annexTypologies}
          problem={problem}
          onAct={(f) => {
            setAct(f);
            touch('act');
          }}
          onAnnexes={setAnnexes}
          defaultAnnexTypology={defaultTypology}
        />
        <label className="radio">
          <input type="checkbox" checked={documentPapier} onChange={(e) => setDocumentPapier(e.target.checked)} /> Un complément papier sera
          envoyé par la poste
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy === 'create'}>
            Enregistrer le brouillon
          </button>
          <button type="button" onClick={() => go({ name: 'acts' })}>
            Annuler
          </button>
        </div>
      </form>
    </main>
  );
}

/** One line of text (Enter does not break it), with a counter to 499. */
function ObjetField({
  value,
  onChange,
  onBlur,
  error,
}: {
  value: string;
  onChange(v: string): void;
  onBlur(): void;
  error: string | null;
}) {
  const over = value.length > OBJET_MAX_LENGTH;
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label htmlFor="act-objet">Objet</label>
      <p className="hint" id="act-objet-hint">
        Ce que décide l'acte, en une phrase, par exemple « Tarifs de la cantine scolaire 2027 ».
      </p>
      {error ? (
        <p className="error-text" id="act-objet-error">
          {error}
        </p>
      ) : null}
      <textarea
        id="act-objet"
        rows={3}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={['act-objet-hint', error ? 'act-objet-error' : '', 'act-objet-count'].filter(Boolean).join(' ')}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.preventDefault();
        }}
        // A pasted text with line breaks becomes one line.
        onChange={(e) => onChange(e.target.value.replace(/\s*[\r\n]+\s*/g, ' '))}
        onBlur={onBlur}
      />
      <p id="act-objet-count" className={over ? 'counter over' : 'counter'}>
        {value.length} / {OBJET_MAX_LENGTH} caractères
      </p>
    </div>
  );
}
