import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSession } from '../session/store.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { DemandsScreen } from './DemandsScreen.js';
import type { DemandRow } from './store.js';

const row: DemandRow = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'radiation',
  status: 'deposee',
  electorId: 'e1',
  applicant: { birthName: 'PETIT', usageName: null, firstNames: 'Zoé', birthDate: '1990-05-01' },
  newAddress: null,
  newBureauCode: null,
  comment: null,
  createdBy: 'Claire',
  createdAtLocal: '2026-11-28T10:00:00Z',
  version: null,
  pending: true,
};

describe('DemandsScreen', () => {
  beforeEach(() => useSession.setState({ session: loggedIn('maire') }));
  afterEach(cleanup);

  it('marks a demand not yet sent and lets the mayor change its status', async () => {
    const fake = installFakeBridge({
      'electoral:demands': () => [row],
      'electoral:set-demand-status': () => ({ ...row, status: 'acceptee' }),
    });
    render(<DemandsScreen />);
    await screen.findByText('en attente de synchronisation');
    fireEvent.change(screen.getByLabelText('Statut de la demande de PETIT Zoé'), { target: { value: 'acceptee' } });
    expect(fake.callsOf('electoral:set-demand-status')).toHaveLength(0); // choosing is not deciding
    fireEvent.click(screen.getByRole('button', { name: 'Valider le statut de la demande de PETIT Zoé' }));
    await waitFor(() => expect(fake.callsOf('electoral:set-demand-status')).toEqual([{ id: row.id, status: 'acceptee' }]));
  });

  it('shows the status as text to a secretary', async () => {
    useSession.setState({ session: loggedIn('secretaire') });
    installFakeBridge({ 'electoral:demands': () => [{ ...row, pending: false }] });
    render(<DemandsScreen />);
    await screen.findByRole('cell', { name: 'Déposée' });
    expect(screen.queryByLabelText(/Statut de la demande/)).toBeNull();
    expect(screen.queryByText('en attente de synchronisation')).toBeNull();
  });
});
