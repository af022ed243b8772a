import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../shared/sync/ipc.js';
import { App } from './App.js';
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
    expect(Array.from(menu.querySelectorAll('button'), (b) => b.textContent)).toEqual(['Accueil', 'Rechercher', 'Demandes', 'Importer', 'Comptes', 'Postes']);
    expect(screen.getByText('bientôt')).toBeTruthy(); // cadastre: not in this version
    expect(screen.getByRole('button', { name: 'Gérer les comptes' })).toBeTruthy();
  });

  it('never offers personal-data screens to a consultation account, even by route', async () => {
    installFakeBridge({ 'session:get': () => loggedIn('consultation'), 'sync:state': () => sync });
    render(<App />);
    await screen.findByRole('heading', { name: 'Mairie de Troyes' });
    const menu = screen.getByRole('navigation', { name: 'Menu principal' });
    expect(Array.from(menu.querySelectorAll('button'), (b) => b.textContent)).toEqual(['Accueil']);
    expect(screen.getByText('Votre compte ne donne pas accès aux données des électeurs.')).toBeTruthy();
    useNav.getState().go({ name: 'search' });
    await screen.findByRole('heading', { name: 'Accès non autorisé' });
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  it('opens on the enrollment form on a new PC', async () => {
    installFakeBridge({ 'session:get': () => ({ status: 'not_enrolled', hubUrl: null, user: null, commune: null, services: [], permissions: [], deviceName: null }) });
    render(<App />);
    await screen.findByRole('heading', { name: 'Première connexion de ce poste' });
  });
});
