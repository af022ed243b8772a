import type { StoredFile } from '../../../shared/acts/records.js';
import { formatSize, saveFile } from './parts.js';
import { useActs } from './store.js';

/** Files the hub keeps (the act's documents, a letter's), each with its download button; `caption(i)` names a file's part. */
export function StoredFileList({ files, caption }: { files: StoredFile[]; caption?: (index: number) => string }) {
  const fetchStored = useActs((s) => s.fetchStored);
  return (
    <ul className="file-list">
      {files.map((f, i) => (
        <li key={f.sha256}>
          {caption ? <span className="strong">{caption(i)}</span> : null}
          <span>{f.fileName}</span>
          <span className="muted small">{formatSize(f.size)}</span>
          <button
            type="button"
            className="link"
            aria-label={`Télécharger ${f.fileName}`}
            onClick={async () => {
              const content = await fetchStored(f.sha256);
              if (content) saveFile(content);
            }}
          >
            Télécharger
          </button>
        </li>
      ))}
    </ul>
  );
}
