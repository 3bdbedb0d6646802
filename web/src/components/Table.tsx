import type { ComponentChildren } from 'preact';

/** One column: its header, and what a row shows in it (the header doubles as the cell's label on phones). */
export type Column<T> = readonly [header: string, cell: (row: T) => ComponentChildren];

/**
 * A list as a table with a caption for screen readers; below 720 px wide each row becomes a card
 * whose cells are labelled with their column's header (styles.css, `td::before`).
 */
export function Table<T>({ caption, columns, rows, rowKey }: { caption: string; columns: ReadonlyArray<Column<T>>; rows: readonly T[]; rowKey: (row: T) => string | number }) {
  return (
    <table class="list">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map(([header]) => (
            <th key={header} scope="col">
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map(([header, cell]) => (
              <td key={header} data-label={header}>
                {cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
