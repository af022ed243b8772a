import { useRef } from 'react';

/**
 * A file field in French whatever the browser's language: the native input
 * (« Choose File » in an English Chromium) is hidden but keeps its <label>, a
 * real button « Choisir un fichier » opens it from the keyboard, and the name
 * shown is the caller's state — so clearing that state after a success clears
 * the field too (the native input is emptied after every pick).
 */
export function FileInput({
  id,
  accept,
  multiple = false,
  disabled = false,
  invalid = false,
  describedBy,
  chosen,
  onFiles,
}: {
  /** The id the field's label points to: `<label id="{id}-label" htmlFor="{id}">`. */
  id: string;
  accept?: string;
  multiple?: boolean;
  disabled?: boolean;
  invalid?: boolean;
  /** Ids of the hint and error of the field. */
  describedBy?: string;
  /** Names of the files held by the form (empty = none); undefined when the form lists them itself. */
  chosen?: readonly string[];
  onFiles(files: File[]): void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const nameId = `${id}-chosen`;
  // The button is read with the field's label (`<label id="{id}-label" htmlFor="{id}">`), its hint and error, and the name chosen.
  const context = [`${id}-label`, describedBy, chosen ? nameId : undefined].filter(Boolean).join(' ');
  return (
    <div className="file-input">
      <input
        ref={input}
        id={id}
        type="file"
        className="visually-hidden"
        // The button below is the one keyboard stop; the input stays for its label and for drops of tests and tools.
        tabIndex={-1}
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          // Emptied so that choosing the same file again after a « Retirer » is seen, and the name shown is always ours.
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      <button type="button" disabled={disabled} aria-describedby={context} onClick={() => input.current?.click()}>
        {multiple ? 'Choisir des fichiers' : 'Choisir un fichier'}
      </button>
      {chosen ? (
        <span className="file-input-name" id={nameId}>
          {chosen.length === 0 ? 'Aucun fichier choisi' : chosen.join(', ')}
        </span>
      ) : null}
    </div>
  );
}
