/** Previous / next for a paged list, with the position read out. */
export function Pager({
  offset,
  pageSize,
  total,
  onPage,
  label,
}: {
  offset: number;
  pageSize: number;
  total: number;
  onPage(offset: number): void;
  label: string;
}) {
  if (total <= pageSize) return null;
  const from = offset + 1;
  const to = Math.min(total, offset + pageSize);
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={() => onPage(Math.max(0, offset - pageSize))} disabled={offset === 0}>
        Page précédente
      </button>
      <span aria-live="polite">
        {from.toLocaleString('fr-FR')} à {to.toLocaleString('fr-FR')} sur {total.toLocaleString('fr-FR')}
      </span>
      <button type="button" onClick={() => onPage(offset + pageSize)} disabled={to >= total}>
        Page suivante
      </button>
    </nav>
  );
}
