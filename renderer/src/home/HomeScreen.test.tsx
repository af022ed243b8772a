import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useNav } from '../nav/store.js';
import { useSession } from '../session/store.js';
import { loggedIn } from '../testing/fake-bridge.js';
import { HomeScreen } from './HomeScreen.js';

function withServices(role: Parameters<typeof loggedIn>[0], services: string[]) {
  const s = loggedIn(role);
  useSession.setState({
    session: { ...s, services: services as never, commune: s.commune && { ...s.commune, services: services as never } },
    loading: false,
  });
}

describe('HomeScreen', () => {
  afterEach(cleanup);

  it('opens the legality control when the commune has the ACTES service', () => {
    withServices('consultation', ['acts', 'cadastre']);
    render(<HomeScreen />);
    fireEvent.click(screen.getByRole('button', { name: 'Ouvrir le contrôle de légalité' }));
    expect(useNav.getState().route).toEqual({ name: 'acts' });
  });

  it('shows no legality-control tile for a commune without the service', () => {
    withServices('maire', ['electoral']);
    render(<HomeScreen />);
    expect(screen.queryByText('Contrôle de légalité (ACTES)')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Ouvrir le contrôle de légalité' })).toBeNull();
  });

  it('shows an EPCI by its name and SIREN, and never a commune-only service tile', () => {
    const s = loggedIn('maire');
    const services = ['electoral', 'acts'] as never;
    useSession.setState({
      session: {
        ...s,
        services,
        commune: {
          kind: 'epci',
          insee: null,
          siren: '200069250',
          name: 'CA Troyes Champagne Métropole',
          arrondissement: null,
          members: ['10033', '10387'],
          services,
        },
      },
      loading: false,
    });
    render(<HomeScreen />);
    expect(screen.getByRole('heading', { level: 1, name: 'CA Troyes Champagne Métropole' })).toBeTruthy();
    expect(screen.getByText(/SIREN 200069250, 2 communes membres/)).toBeTruthy();
    expect(screen.queryByText('Listes électorales')).toBeNull();
    expect(screen.getByRole('button', { name: 'Ouvrir le contrôle de légalité' })).toBeTruthy();
  });
});
