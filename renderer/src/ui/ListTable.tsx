import type { ReactNode } from 'react';

/** A captioned table of items, one row each: `columns` are the headers, `cells(item)` the row's cells in the same order. */
export function ListTable<T extends { id: string }>({
  caption,
  columns,
  items,
  cells,
}: {
  caption: string;
  columns: string[];
  items: T[];
  cells(item: T): ReactNode[];
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
