import { requiredPieces } from '../../../shared/electoral/demand-content.js';
import { JUSTIFICATIF_MAX_BYTES, PIECE_LABELS, type PieceKind } from '../../../shared/electoral/demand-fields.js';
import type { DemandKind, ListType } from '../../../shared/electoral/types.js';
import { FileInput } from '../ui/FileInput.js';

const ACCEPT = 'application/pdf,image/jpeg,image/png,image/tiff,.pdf,.jpg,.jpeg,.png,.tif,.tiff';

/** The file's type, from the browser or its extension (a scanner's TIFF often comes without one). */
export function mimeOf(file: File): string {
  if (file.type) return file.type;
  const ext = file.name.toLowerCase().split('.').pop();
  return (
    { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff' }[ext ?? ''] ??
    ''
  );
}

/** One file field per piece the Cerfa asks for (shared checklist), plus an optional other piece. */
export function PiecesFieldset({
  kind,
  list,
  files,
  error,
  onFile,
}: {
  kind: DemandKind;
  list: ListType;
  files: Partial<Record<PieceKind, File>>;
  error: string | null;
  onFile(piece: PieceKind, file: File): void;
}) {
  const pieces: PieceKind[] = [...requiredPieces(kind, list), 'autre'];
  return (
    <fieldset aria-describedby={error ? 'pieces-error' : 'pieces-hint'}>
      <legend>Pièces justificatives</legend>
      <p className="hint" id="pieces-hint">
        Scan ou PDF, 20 Mo au plus par pièce. Les pièces sont conservées avec la demande et ne peuvent pas en être retirées.
      </p>
      {error ? (
        <p className="error-text" id="pieces-error">
          {error}
        </p>
      ) : null}
      {pieces.map((piece) => {
        const id = `piece-${piece}`;
        const file = files[piece];
        const tooBig = file && file.size > JUSTIFICATIF_MAX_BYTES;
        return (
          <div key={piece} className="field">
            <label id={`${id}-label`} htmlFor={id}>
              {PIECE_LABELS[piece]}
              {piece === 'autre' ? ' (facultatif)' : ''}
            </label>
            <FileInput
              id={id}
              accept={ACCEPT}
              chosen={file ? [file.name] : []}
              invalid={!!tooBig}
              onFiles={([f]) => f && onFile(piece, f)}
            />
            {tooBig ? <p className="error-text">Ce fichier dépasse 20 Mo : numérisez-le en moins haute résolution.</p> : null}
          </div>
        );
      })}
    </fieldset>
  );
}
