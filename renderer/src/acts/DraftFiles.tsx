import type { TypologyPJ } from '../../../shared/acts/classification.js';
import { sniffFileKind, type ActFileKind } from '../../../shared/acts/file-kinds.js';
import { MAX_TOTAL_BYTES } from '../../../shared/acts/rules.js';
import { SelectField } from '../ui/Field.js';
import { FileInput } from '../ui/FileInput.js';
import { formatSize } from './parts.js';

/** A file she picked: the File for the final save, its first bytes for the checks as she types. */
export interface PickedFile {
  /** Stable while she edits the list (React key): names may repeat and annexes may be removed from the middle. */
  id: string;
  file: File;
  head: Uint8Array<ArrayBuffer>;
  kind: ActFileKind;
}

export interface PickedAnnex extends PickedFile {
  typology: string;
}

const KIND_LABELS: Record<ActFileKind, string> = {
  pdf: 'PDF',
  xml: 'XML',
  png: 'image PNG',
  jpeg: 'image JPEG',
  other: 'format non reconnu',
};

let picked = 0;

/** Only the first bytes are read while drafting: the kind is recognised from them, not from the name. */
export async function pick(file: File): Promise<PickedFile> {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  return { id: `file-${++picked}`, file, head, kind: sniffFileKind(head) };
}

function FileLine({ f, onRemove, removeLabel }: { f: PickedFile; onRemove(): void; removeLabel: string }) {
  return (
    <>
      <span className="strong">{f.file.name}</span>
      <span>
        {KIND_LABELS[f.kind]}, {formatSize(f.file.size)}
      </span>
      <button type="button" className="link" onClick={onRemove} aria-label={removeLabel}>
        Retirer
      </button>
    </>
  );
}

export function DraftFiles(props: {
  act: PickedFile | null;
  annexes: PickedAnnex[];
  typologies: TypologyPJ[];
  problem(field: string): string | null;
  onAct(f: PickedFile | null): void;
  onAnnexes(a: PickedAnnex[]): void;
  defaultAnnexTypology: string;
}) {
  const { act, annexes, typologies, problem, onAct, onAnnexes, defaultAnnexTypology } = props;
  const total = (act?.file.size ?? 0) + annexes.reduce((n, a) => n + a.file.size, 0);
  const actError = problem('act');
  const annexError = problem('annexes');
  return (
    <fieldset>
      <legend>Documents</legend>
      <div className={actError ? 'field field-error' : 'field'}>
        <label id="act-file-label" htmlFor="act-file">
          Fichier de l'acte
        </label>
        <p className="hint" id="act-file-hint">
          Le PDF de l'acte signé par le maire (un document budgétaire peut être en XML).
        </p>
        {actError ? (
          <p className="error-text" id="act-file-error">
            {actError}
          </p>
        ) : null}
        {act ? (
          <ul className="file-list" aria-label="Fichier de l'acte choisi">
            <li>
              <FileLine f={act} onRemove={() => onAct(null)} removeLabel={`Retirer le fichier ${act.file.name}`} />
            </li>
          </ul>
        ) : null}
        <FileInput
          id="act-file"
          accept=".pdf,.xml,application/pdf,application/xml,text/xml"
          invalid={!!actError}
          describedBy={['act-file-hint', actError ? 'act-file-error' : ''].filter(Boolean).join(' ')}
          onFiles={async ([f]) => onAct(await pick(f))}
        />
      </div>

      <div className={annexError ? 'field field-error' : 'field'}>
        <label id="annex-files-label" htmlFor="annex-files">
          Ajouter des annexes (facultatif)
        </label>
        <p className="hint" id="annex-files-hint">
          PDF, PNG, JPEG ou XML. Vous pouvez en choisir plusieurs à la fois.
        </p>
        <FileInput
          id="annex-files"
          multiple
          accept=".pdf,.png,.jpg,.jpeg,.xml"
          describedBy="annex-files-hint act-total"
          onFiles={async (files) => {
            const picked = await Promise.all(files.map(pick));
            onAnnexes([...annexes, ...picked.map((p) => ({ ...p, typology: defaultAnnexTypology }))]);
          }}
        />
      </div>
      {annexes.length > 0 ? (
        <ol className="file-list" aria-label="Annexes jointes">
          {annexes.map((a, i) => {
            const err = problem(`annexes.${i}`);
            return (
              <li key={a.id}>
                <FileLine
                  f={a}
                  onRemove={() => onAnnexes(annexes.filter((_, j) => j !== i))}
                  removeLabel={`Retirer l'annexe ${a.file.name}`}
                />
                {err ? <p className="error-text">{err}</p> : null}
                <SelectField
                  id={`annex-typology-${i}`}
                  label={`Type de document de l'annexe ${a.file.name}`}
                  value={a.typology}
                  error={problem(`annexes.${i}.typology`)}
                  onChange={(e) => onAnnexes(annexes.map((x, j) => (j === i ? { ...x, typology: e.target.value } : x)))}
                >
                  {typologies.map((t) => (
                    <option key={t.code} value={t.code}>
                      {t.libelle} ({t.code})
                    </option>
                  ))}
                </SelectField>
              </li>
            );
          })}
        </ol>
      ) : null}
      <p id="act-total" className={total > MAX_TOTAL_BYTES ? 'counter over' : 'counter'}>
        Taille totale : {formatSize(total)} sur 150 Mo autorisés.
      </p>
      {annexError ? (
        <p className="error-text" id="annexes-error">
          {annexError}
        </p>
      ) : null}
    </fieldset>
  );
}
