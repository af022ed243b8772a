import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncState } from '../../../shared/sync/ipc.js';
import { httpBridge } from '../api/bridge.js';
import { installFakeBridge } from '../testing/fake-bridge.js';
import { SyncBar } from './SyncBar.js';
import { useSync } from './store.js';

const base: SyncState = {
  online: true,
  phase: 'idle',
  pending: 0,
  lastSuccessAt: '2026-11-28T17:05:00Z',
  lastError: null,
  massDeletion: null,
  rejected: [],
};

describe('SyncBar', () => {
  afterEach(() => {
    cleanup();
    useSync.setState({ state: null, busy: false, error: null });
  });

  it('follows sync:state events: offline, pending count, last error in French', async () => {
    const fake = installFakeBridge({ 'sync:state': () => base, 'sync:now': () => ({ ...base, pending: 0 }) });
    render(<SyncBar />);
    await screen.findByText('En ligne');
    expect(screen.getByText('Tout est envoyé')).toBeTruthy();
    fake.emit('sync:state', {
      ...base,
      online: false,
      pending: 1,
      lastError: {
        code: 'hub_unavailable',
        message: 'Le serveur départemental ne répond pas. Vos modifications sont gardées sur ce poste.',
      },
    });
    await screen.findByText('Hors ligne');
    expect(screen.getByText("1 modification en attente d'envoi")).toBeTruthy();
    expect(screen.getByText(/Pas de connexion avec le serveur du département/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Synchroniser maintenant' }));
    await waitFor(() => expect(fake.callsOf('sync:now')).toHaveLength(1));
  });

  it('offline, says one true thing: « Hors ligne » and what waits, no « Envoi… », the button usable', async () => {
    installFakeBridge({ 'sync:state': () => ({ ...base, online: false, phase: 'pushing', pending: 1 }) });
    render(<SyncBar />);
    await screen.findByText('Hors ligne');
    expect(screen.getByTestId('sync-pending').textContent).toBe("1 modification en attente d'envoi");
    expect((screen.getByRole('button', { name: 'Synchroniser maintenant' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says « Guichet est arrêté » when the web host stops answering, and recovers when it answers again', async () => {
    installFakeBridge({ 'sync:state': () => base });
    render(<SyncBar />);
    await screen.findByText('En ligne');
    // The web host transport notices the core is gone (the screens' own calls fail).
    const web = httpBridge('s3cret');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await act(() => web.invoke('session:get', null));
    expect(screen.getByTestId('sync-online').textContent).toBe('Guichet est arrêté');
    expect(screen.queryByText('En ligne')).toBeNull();
    expect(screen.queryByText('Tout est envoyé')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Synchroniser maintenant' })).toBeNull();

    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ ok: true, value: null })));
    await act(() => web.invoke('session:get', null));
    vi.unstubAllGlobals();
    expect(screen.getByText('En ligne')).toBeTruthy();
  });

  it('asks before a mass deletion and sends the answer', async () => {
    const fake = installFakeBridge({
      'sync:state': () => ({
        ...base,
        phase: 'blocked',
        massDeletion: { collection: 'electoral.electors', localCount: 1200, toDelete: 800 },
      }),
      'sync:confirm-mass-deletion': () => base,
    });
    render(<SyncBar />);
    const dialog = await screen.findByRole('alertdialog', { name: 'Suppression importante' });
    expect(dialog.textContent!.replace(/\s/g, ' ')).toContain(
      'La synchronisation va supprimer 800 électeurs sur 1 200 sur ce poste. Continuer ?',
    );
    expect(document.activeElement?.textContent).toBe('Ne rien supprimer');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(fake.callsOf('sync:confirm-mass-deletion')).toEqual([{ accept: false }]));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  });

  it('lists refused changes with their reason and lets the user dismiss one', async () => {
    const rejected = {
      mutationId: 7,
      collection: 'electoral.demands' as const,
      recordId: 'd1',
      summary: "Demande d'inscription (création)",
      reason: { code: 'forbidden' as const, message: "Votre compte ne permet pas d'enregistrer des demandes." },
    };
    const fake = installFakeBridge({ 'sync:state': () => ({ ...base, rejected: [rejected] }), 'sync:dismiss-rejected': () => base });
    render(<SyncBar />);
    await screen.findByText("Votre compte ne permet pas d'enregistrer des demandes.", { exact: false });
    fireEvent.click(screen.getByRole('button', { name: "J'ai compris : Demande d'inscription (création)" }));
    await waitFor(() => expect(fake.callsOf('sync:dismiss-rejected')).toEqual([{ mutationId: 7 }]));
    await waitFor(() => expect(screen.queryByText(/Votre compte ne permet pas/)).toBeNull());
  });
});
