import { useEffect, useRef, useState, type DragEvent } from 'react';
import { frenchDay } from '../../../shared/calendar.js';
import { FileInput } from '../ui/FileInput.js';
import type { ImportDiffEntry, ImportPreview } from '../../../shared/electoral/ipc.js';
import { massRemovalConfirmation } from '../../../shared/electoral/mass-removal.js';
import { LIST_TYPES, LIST_TYPE_LABELS } from '../../../shared/electoral/types.js';
import { useNav } from '../nav/store.js';
import { plural } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { DIFF_PAGE, useImport } from './store.js';

const PHASES = {
  lecture: 'Lecture du fichier',
  controle: 'Contrôle des lignes',
  comparaison: 'Comparaison avec la liste actuelle',
  enregistrement: 'Enregistrement',
} as const;
const CHANGES: Record<ImportDiffEntry['change'], string> = {
  added: 'Nouvel électeur',
  removed: 'Ne figure plus',
  bureau: 'Changement de bureau',
  address: "Changement d'adresse",
};

/**
 * The technical detail stays for the log, except the line number when the
 * message does not already say it: that is what the user needs to fix the file.
 */
function lineOf(error: { message: string; detail?: string }): string | null {
  const m = /\b(?:line|ligne)\s*(\d+)/i.exec(error.detail ?? '');
  if (!m || new RegExp(`\\b${m[1]}\\b`).test(error.message)) return null;
  return m[1];
}

function ProgressBar() {
  const progress = useImport((s) => s.progress);
  const step = useImport((s) => s.step);
  const label = progress ? PHASES[progress.phase] : step === 'committing' ? 'Enregistrement' : 'Lecture du fichier';
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : null;
  return (
    <div className="progress-box">
      <label htmlFor="import-progress">{label}…</label>
      <progress id="import-progress" max={100} value={pct ?? undefined} aria-valuetext={pct === null ? 'En cours' : `${pct} %`} />
      <p role="status" aria-live="polite" className="muted">
        {progress && progress.total > 0
          ? `${progress.done.toLocaleString('fr-FR')} lignes sur ${progress.total.toLocaleString('fr-FR')}`
          : 'Merci de patienter.'}
      </p>
    </div>
  );
}

export function PreviewView({ preview }: { preview: ImportPreview }) {
  const { diffPage, showDiff, commit, cancel, step } = useImport();
  const d = preview.diff;
  const { removal } = preview;
  const [confirmed, setConfirmed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title" tabIndex={-1} ref={heading}>
        Vérifiez avant d'importer : {preview.fileName}
      </h2>
      {preview.alreadyImported ? (
        <p className="alert alert-info" role="status">
          Ce fichier a déjà été importé : l'importer à nouveau ne changera rien.
        </p>
      ) : null}
      {removal.massRemoval ? (
        <div className="alert alert-error" id="mass-removal">
          <h3>
            Attention : {removal.removed.toLocaleString('fr-FR')} électeurs sur {removal.currentTotal.toLocaleString('fr-FR')} (
            {Math.round(removal.share * 100)} % de la liste) seront retirés
          </h3>
          <p>
            Ils figurent sur la liste actuelle mais pas dans ce fichier. Un nouvel extrait du REU n'en retire d'habitude que quelques-uns
            (décès, départs). Vérifiez que c'est le bon fichier : la bonne commune, toutes les listes, un extrait complet.
          </p>
          <label className="radio">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />{' '}
            {massRemovalConfirmation(removal.removed)}
          </label>
        </div>
      ) : null}
      <div className="two-cols">
        <table className="table compact">
          <caption>Électeurs dans le fichier{preview.extractDate ? ` (extrait du ${frenchDay(preview.extractDate)})` : ''}</caption>
          <tbody>
            {LIST_TYPES.map((t) => (
              <tr key={t}>
                <th scope="row">{LIST_TYPE_LABELS[t]}</th>
                <td className="num">{preview.counts[t].toLocaleString('fr-FR')}</td>
              </tr>
            ))}
            <tr className="total">
              <th scope="row">Total</th>
              <td className="num">{preview.total.toLocaleString('fr-FR')}</td>
            </tr>
          </tbody>
        </table>
        <table className="table compact">
          <caption>Changements par rapport à la liste actuelle</caption>
          <tbody>
            <tr>
              <th scope="row">Nouveaux électeurs</th>
              <td className="num">{d.added.toLocaleString('fr-FR')}</td>
            </tr>
            <tr>
              <th scope="row">Électeurs qui ne figurent plus</th>
              <td className="num">{d.removed.toLocaleString('fr-FR')}</td>
            </tr>
            <tr>
              <th scope="row">Changements de bureau</th>
              <td className="num">{d.changedBureau.toLocaleString('fr-FR')}</td>
            </tr>
            <tr>
              <th scope="row">Changements d'adresse</th>
              <td className="num">{d.changedAddress.toLocaleString('fr-FR')}</td>
            </tr>
          </tbody>
        </table>
      </div>
      {preview.warnings.length > 0 ? (
        <div className="alert alert-warning">
          <h3>Points d'attention ({preview.warnings.length})</h3>
          <ul>
            {preview.warnings.slice(0, 50).map((w, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of messages (two may read the same), never reordered
              <li key={i}>{w}</li>
            ))}
          </ul>
          {preview.warnings.length > 50 ? <p>… et {preview.warnings.length - 50} autres.</p> : null}
        </div>
      ) : null}
      <div className="actions actions-block">
        <button
          type="button"
          className="primary"
          onClick={() => void commit(removal.massRemoval && confirmed)}
          disabled={step === 'committing' || (removal.massRemoval && !confirmed)}
          aria-describedby={removal.massRemoval ? 'mass-removal' : undefined}
        >
          Importer
        </button>
        <button type="button" onClick={() => void cancel()} disabled={step === 'committing'}>
          Annuler
        </button>
      </div>
      {diffPage.items.length > 0 ? (
        <>
          <table className="table">
            <caption>Détail des changements</caption>
            <thead>
              <tr>
                <th scope="col">Changement</th>
                <th scope="col">Électeur</th>
                <th scope="col">Avant</th>
                <th scope="col">Après</th>
              </tr>
            </thead>
            <tbody>
              {diffPage.items.map((e) => (
                // One entry per elector and kind of change (import-diff.ts).
                <tr key={`${e.electorId}-${e.change}`}>
                  <td>{CHANGES[e.change]}</td>
                  <td data-personal>{e.label}</td>
                  <td data-personal>{e.before ?? ''}</td>
                  <td data-personal>{e.after ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Pages du détail des changements"
            offset={diffPage.offset}
            pageSize={DIFF_PAGE}
            total={diffPage.total}
            onPage={(o) => void showDiff(o)}
          />
        </>
      ) : null}
    </section>
  );
}

/** Import of an extract of the REU (répertoire électoral unique), downloaded by the mairie from ELIRE. */
export function ImportScreen() {
  const { step, preview, record, error, readFile, reset } = useImport();
  const go = useNav((s) => s.go);
  const [over, setOver] = useState(false);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void readFile(file);
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Importer la liste électorale</h1>
      {error ? (
        <div role="alert" className="alert alert-error">
          <p>
            <strong>Le fichier n'a pas été importé.</strong> {error.message}
          </p>
          {lineOf(error) ? <p>Ligne concernée dans le fichier : {lineOf(error)}</p> : null}
        </div>
      ) : null}
      {step === 'choose' ? (
        <>
          <p>
            Choisissez le fichier d'extraction du REU téléchargé depuis ELIRE (format CSV). Rien n'est modifié avant votre confirmation.
          </p>
          {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse only; the file input inside is the keyboard's way */}
          <div
            className={over ? 'dropzone over' : 'dropzone'}
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={onDrop}
          >
            <label id="import-file-label" htmlFor="import-file">
              Fichier à importer
            </label>
            <FileInput id="import-file" accept=".csv,.txt,text/csv" onFiles={([file]) => void readFile(file)} />
            <p className="muted">ou faites glisser le fichier ici</p>
          </div>
        </>
      ) : null}
      {step === 'reading' || step === 'committing' ? <ProgressBar /> : null}
      {(step === 'preview' || step === 'committing') && preview ? <PreviewView preview={preview} /> : null}
      {step === 'done' && record ? (
        <div role="status" className="alert alert-success">
          <p>
            <strong>Import terminé.</strong> {plural(record.counts.LP + record.counts.LCM + record.counts.LCE, 'électeur', 'électeurs')}{' '}
            dans la liste de la commune. Les autres postes le recevront à leur prochaine synchronisation.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => go({ name: 'search' })}>
              Rechercher un électeur
            </button>
            <button type="button" onClick={reset}>
              Importer un autre fichier
            </button>
          </div>
        </div>
      ) : null}
    </main>
  );
}
