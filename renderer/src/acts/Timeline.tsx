import type { ActTimelineEntry } from '../../../shared/acts/records.js';
import { formatDateTime } from '../ui/format.js';

/** The act's journey as the hub recorded it (hub clock), oldest first. */
export function Timeline({ entries }: { entries: ActTimelineEntry[] }) {
  if (entries.length === 0) return <p>Aucune étape pour le moment : l'acte n'a pas encore été transmis.</p>;
  return (
    <ol className="timeline" aria-label="Étapes de l'acte">
      {entries.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the hub's journal of the act only grows at the end; two steps may share a time
        <li key={`${e.at}-${i}`}>
          <time dateTime={e.at}>{formatDateTime(e.at)}</time>
          <span className="strong">{e.label}</span>
          {e.detail ? <span className="small"> — {e.detail}</span> : null}
        </li>
      ))}
    </ol>
  );
}
