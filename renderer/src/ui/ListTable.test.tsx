import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ListTable } from './ListTable.js';

afterEach(cleanup);

const table = (items: { id: string; name: string }[], empty?: string) => (
  <ListTable caption="Postes" columns={['Poste', 'Version']} items={items} cells={(p) => [p.name, '1.0']} empty={empty} />
);

describe('ListTable', () => {
  it('says in words that there is nothing yet, in one row across the columns', () => {
    render(table([], 'Aucun poste ne s’est encore synchronisé.'));
    const rows = within(screen.getByRole('table', { name: 'Postes' })).getAllByRole('row');
    expect(rows).toHaveLength(2); // headers, then the sentence
    const cell = within(rows[1]!).getByRole('cell');
    expect(cell.textContent).toBe('Aucun poste ne s’est encore synchronisé.');
    expect(cell.getAttribute('colspan')).toBe('2');
  });

  it('lists the items alone when there are some', () => {
    render(table([{ id: 'a', name: 'PC de la mairie' }], 'Aucun poste.'));
    expect(screen.queryByText('Aucun poste.')).toBeNull();
    expect(screen.getAllByRole('row')).toHaveLength(2);
    expect(screen.getByRole('cell', { name: 'PC de la mairie' })).toBeTruthy();
  });
});
