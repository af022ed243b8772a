import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../shared/sync/ipc.js';
import { App } from './App.js';
import { useSearch } from './electoral/store.js';
import { useNav } from './nav/store.js';
import { useSession } from './session/store.js';
import { installFakeBridge, loggedIn } from './testing/fake-bridge.js';

const sync: SyncState = { online: true, phase: 'idle', pending: 0, lastSuccessAt: null, lastError: null, massDeletion: null, rejected: [] };

describe('App', () => {
  beforeEach(() => {
    useSession.setState({ session: null, loading: true, busy: false, error: null });
    useNav.setState({ route: { name: 'home' } });
  });
  afterEach(cleanup);

  it('shows the mayor every electoral screen and the administration', async () => {
    installFakeBridge({ 'session:get': () => loggedIn('maire'), 'sync:state': () => sync });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    const menu = screen.getByRole('navigation', { name: 'Menu principal' });
    expect(Array.from(menu.querySelectorAll('button'), (b) => b.textContent)).toEqual([
      'Accueil',
      'Rechercher',
      'Demandes',
      'Importer',
      'Scrutins',
      'Registres',
      'Plan cadastral',
      'Comptes',
      'Postes',
      'Mon compte',
    ]);
    // Grouped by service: the electoral screens sit under « Listes électorales », not beside the services.
    const electoral = within(menu).getByRole('group', { name: 'Listes électorales' });
    expect(
      within(electoral)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Rechercher', 'Demandes', 'Importer', 'Scrutins', 'Registres']);
    expect(within(menu).getByRole('group', { name: 'Administration' })).toBeTruthy();
    expect(within(menu).getByRole('group', { name: 'Cadastre' })).toBeTruthy(); // a built service: its own menu group
    expect(screen.getByRole('button', { name: 'Gérer les comptes' })).toBeTruthy();
  });

  it('marks the menu entry a sub-screen belongs to as current (fiche → Rechercher, acte → Actes)', async () => {
    const mayor = loggedIn('maire');
    const withActs = { ...mayor, services: [...mayor.services, 'acts' as const] };
    installFakeBridge({
      'session:get': () => withActs,
      'sync:state': () => sync,
      'electoral:elector': () => new Promise(() => undefined),
      'acts:get': () => new Promise(() => undefined),
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    const menu = screen.getByRole('navigation', { name: 'Menu principal' });
    const current = () => Array.from(menu.querySelectorAll('[aria-current]'), (b) => b.textContent);
    expect(current()).toEqual(['Accueil']);
    act(() => useNav.getState().go({ name: 'elector', id: 'e1' }));
    expect(current()).toEqual(['Rechercher']);
    act(() => useNav.getState().go({ name: 'act', id: 'a1' }));
    expect(current()).toEqual(['Actes']);
    act(() => useNav.getState().go({ name: 'demand-new', electorId: null }));
    expect(current()).toEqual(['Demandes']);
  });

  it('shows help on every screen: the user guide, the assistance of the département, the version', async () => {
    installFakeBridge({ 'session:get': () => loggedIn('secretaire'), 'sync:state': () => sync });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    const help = screen.getByRole('contentinfo');
    expect(help.textContent).toMatch(/Assistance du département/);
    expect(help.textContent).toMatch(/Guichet version/);
    fireEvent.click(within(help).getByRole('button', { name: "Guide d'utilisation" }));
    await screen.findByRole('heading', { level: 1, name: "Guide d'utilisation" });
    expect(screen.getByRole('contentinfo')).toBeTruthy();
  });

  it('never offers personal-data screens to a consultation account, even by route', async () => {
    installFakeBridge({ 'session:get': () => loggedIn('consultation'), 'sync:state': () => sync });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    const menu = screen.getByRole('navigation', { name: 'Menu principal' });
    expect(Array.from(menu.querySelectorAll('button'), (b) => b.textContent)).toEqual(['Accueil', 'Plan cadastral', 'Mon compte']);
    expect(screen.getByText('Votre compte ne donne pas accès aux données des électeurs.')).toBeTruthy();
    useNav.getState().go({ name: 'search' });
    await screen.findByRole('heading', { name: 'Accès non autorisé' });
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  it('forgets personal data on logout and shows the login form', async () => {
    const loggedOut = { ...loggedIn('secretaire'), status: 'logged_out' as const, user: null, permissions: [] };
    installFakeBridge({ 'session:get': () => loggedIn('secretaire'), 'sync:state': () => sync, 'session:logout': () => loggedOut });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    useSearch.setState({
      query: 'martin',
      items: [
        {
          id: 'e1',
          listType: 'LP',
          birthName: 'MARTIN',
          usageName: null,
          firstNames: 'Léo',
          birthDate: '2000-01-01',
          bureauCode: '0001',
          numeroOrdre: 1,
          city: null,
        },
      ],
      total: 1,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Se déconnecter' }));
    await screen.findByRole('heading', { name: 'Connexion' });
    expect(useSearch.getState()).toMatchObject({ query: '', items: [], total: 0 });
    expect(screen.getByLabelText('Code INSEE de la commune, ou SIREN du groupement')).toHaveProperty('value', '10387');
  });

  it('drops a search answer that arrives after logout (no names back in memory)', async () => {
    const loggedOut = { ...loggedIn('secretaire'), status: 'logged_out' as const, user: null, permissions: [] };
    let answer!: (page: { items: never[]; total: number } | object) => void;
    const elector = {
      id: 'e1',
      listType: 'LP',
      birthName: 'MARTIN',
      usageName: null,
      firstNames: 'Léo',
      birthDate: '2000-01-01',
      bureauCode: '0001',
      numeroOrdre: 1,
      city: null,
    };
    installFakeBridge({
      'session:get': () => loggedIn('secretaire'),
      'sync:state': () => sync,
      'session:logout': () => loggedOut,
      'electoral:search': () => new Promise((r) => (answer = r as typeof answer)) as never,
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    useSearch.getState().setQuery('martin');
    await expect.poll(() => answer).toBeTypeOf('function');
    fireEvent.click(screen.getByRole('button', { name: 'Se déconnecter' }));
    await screen.findByRole('heading', { name: 'Connexion' });
    answer({ items: [elector], total: 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(useSearch.getState()).toMatchObject({ items: [], total: 0, loading: false });
  });

  it('opens on the enrollment form on a new PC', async () => {
    installFakeBridge({
      'session:get': () => ({
        status: 'not_enrolled',
        hubUrl: null,
        user: null,
        commune: null,
        services: [],
        permissions: [],
        deviceName: null,
      }),
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Première connexion de ce poste' });
  });
});
