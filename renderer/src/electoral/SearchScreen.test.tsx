import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ElectorSummary } from '../../../shared/electoral/types.js';
import { useNav } from '../nav/store.js';
import { installFakeBridge } from '../testing/fake-bridge.js';
import { SearchScreen } from './SearchScreen.js';
import { useSearch } from './store.js';

const people: ElectorSummary[] = [
  {
    id: 'e1',
    listType: 'LP',
    birthName: 'LEFÈVRE',
    usageName: null,
    firstNames: 'Hélène Marie',
    birthDate: '1950-00-00',
    bureauCode: '0001',
    numeroOrdre: 12,
    city: 'Troyes',
  },
  {
    id: 'e2',
    listType: 'LP',
    birthName: 'LEFÈVRE',
    usageName: null,
    firstNames: 'Hélène Marie',
    birthDate: '1950-00-00',
    bureauCode: '0001',
    numeroOrdre: 13,
    city: 'Troyes',
  },
  {
    id: 'e3',
    listType: 'LCE',
    birthName: 'LEFEBVRE',
    usageName: 'DURAND',
    firstNames: 'Paul',
    birthDate: '1984-07-03',
    bureauCode: '0002',
    numeroOrdre: null,
    city: 'Troyes',
  },
];

// happy-dom has no layout: give the scroll box a height so the virtual list renders rows.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 440 }));
afterAll(() => clientHeight && Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight));

describe('SearchScreen', () => {
  beforeEach(() => {
    useSearch.setState({ query: '', items: [], total: 0, loading: false, error: null });
    useNav.setState({ route: { name: 'search' } });
  });
  afterEach(cleanup);

  it('searches as the user types, keeps homonyms apart and shows unknown date parts as ..', async () => {
    const fake = installFakeBridge({ 'electoral:search': ({ query }) => (query ? { total: 3, items: people } : { total: 0, items: [] }) });
    render(<SearchScreen />);
    const box = screen.getByRole('combobox', { name: 'Nom, prénom ou date de naissance' });
    fireEvent.change(box, { target: { value: 'lefevre helene' } });
    await screen.findByText('3 électeurs trouvés');
    expect(fake.callsOf('electoral:search').at(-1)).toMatchObject({ query: 'lefevre helene', offset: 0 });
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(3);
    expect(options[0].textContent).toContain('../../1950');
    expect(options[1].textContent).toContain('13');
    expect(options[2].textContent).toContain('03/07/1984');
    expect(options[2].textContent).toContain('DURAND');
  });

  it('waits for a pause in typing before asking the core (debounce)', async () => {
    const fake = installFakeBridge({ 'electoral:search': () => ({ total: 0, items: [] }) });
    render(<SearchScreen />);
    await waitFor(() => expect(fake.callsOf('electoral:search')).toHaveLength(1));
    const box = screen.getByRole('combobox');
    for (const q of ['l', 'le', 'lef', 'lefe']) fireEvent.change(box, { target: { value: q } });
    await waitFor(() => expect(fake.callsOf('electoral:search')).toHaveLength(2));
    expect(fake.callsOf('electoral:search')[1]).toMatchObject({ query: 'lefe' });
  });

  it('moves through results with the arrows and opens the fiche with Enter', async () => {
    installFakeBridge({ 'electoral:search': () => ({ total: 3, items: people }) });
    render(<SearchScreen />);
    const box = screen.getByRole('combobox');
    fireEvent.change(box, { target: { value: 'lef' } });
    await screen.findByText('3 électeurs trouvés');

    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe('electeur-0');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' }); // stays on the last row
    expect(box.getAttribute('aria-activedescendant')).toBe('electeur-2');
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    const active = document.getElementById('electeur-1')!;
    expect(active.getAttribute('aria-selected')).toBe('true');
    expect(screen.getAllByRole('option').filter((o) => o.getAttribute('aria-selected') === 'true')).toHaveLength(1);

    act(() => void fireEvent.keyDown(box, { key: 'Enter' }));
    expect(useNav.getState().route).toEqual({ name: 'elector', id: 'e2' });
  });
});
