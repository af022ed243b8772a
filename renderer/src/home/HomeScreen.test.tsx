import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_LABELS, SERVICES } from '../../../shared/accounts/roles.js';
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

  it('offers a service the commune has not opened on request, with how to ask, and no way to open it', () => {
    withServices('maire', ['electoral']);
    render(<HomeScreen />);
    const onRequest = screen.getByRole('heading', { level: 2, name: 'Disponibles sur demande' });
    expect(onRequest).toBeTruthy();
    const tile = screen.getByRole('heading', { level: 3, name: 'Contrôle de légalité (ACTES)' }).closest('li')!;
    expect(tile.textContent).toMatch(/Demandez son ouverture au département/);
    expect(screen.getByText(/le maire le demande au département.*Assistance du département/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Ouvrir le contrôle de légalité' })).toBeNull();
  });

  it('shows every service of the platform: opened, on request, in preparation', () => {
    withServices('secretaire', ['electoral']);
    render(<HomeScreen />);
    const titles = Array.from(document.querySelectorAll('.tile h3'), (h) => h.textContent);
    for (const s of SERVICES) expect(titles).toContain(SERVICE_LABELS[s]);
    const section = (name: string) => {
      const h = screen.getByRole('heading', { level: 2, name });
      return h.nextElementSibling?.tagName === 'UL' ? h.nextElementSibling : h.nextElementSibling?.nextElementSibling;
    };
    expect(section('Vos services')?.textContent).toMatch(/Listes électorales/);
    expect(section('Disponibles sur demande')?.textContent).toMatch(/Cadastre.*Contrôle de légalité/);
    expect(section('En préparation')?.textContent).toMatch(/Parapheur/);
    expect(section('En préparation')?.textContent).not.toMatch(/Cadastre/);
    // The secretary has no administration section.
    expect(screen.queryByRole('heading', { name: 'Administration de la mairie' })).toBeNull();
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
