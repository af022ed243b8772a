import type { ReactNode } from 'react';

/**
 * A captioned table of items, one row each: `columns` are the headers, `cells(item)` the row's cells in the same order.
 * With no item, one row says so in words (`empty`) rather than headers over nothing.
 */
export function ListTable<T extends { id: string }>({
  caption,
  columns,
  items,
  cells,
  empty = 'Aucun élément pour l’instant.',
}: {
  caption: string;
  columns: string[];
  items: T[];
  cells(item: T): ReactNode[];
  empty?: string;
}) {
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.length === 0 ? (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        ) : null}
        {items.map((item) => {
          const row = cells(item);
          return (
            <tr key={item.id}>
              {columns.map((c, i) => (
                <td key={c}>{row[i]}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
