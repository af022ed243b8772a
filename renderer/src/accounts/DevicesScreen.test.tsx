import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceInfo, UserInfo } from '../../../shared/accounts/types.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { useSession } from '../session/store.js';
import { DevicesScreen } from './DevicesScreen.js';
import { useAccounts } from './store.js';

const laptop: DeviceInfo = {
  id: 'd2',
  name: 'Portable du maire',
  createdAt: '2026-11-02T09:00:00.000Z',
  lastSeenAt: '2026-12-01T09:00:00.000Z',
  revoked: false,
  current: false,
};
const me = loggedIn('maire');
const mayor = me.user as UserInfo;
const secretary: UserInfo = { id: 'u2', username: 's.durand', displayName: 'Sophie Durand', role: 'secretaire', disabled: false };
const otherMayor: UserInfo = { id: 'u3', username: 'adjoint', displayName: 'Paul Adjoint', role: 'maire', disabled: false };

describe('DevicesScreen', () => {
  beforeEach(() => useSession.setState({ session: me }));
  afterEach(() => {
    cleanup();
    useAccounts.setState({ devices: [], error: null, notice: null, shownPasswords: null });
  });

  it('revokes a stolen laptop and resets the passwords of its users, saying who was not reset', async () => {
    const fake = installFakeBridge({
      'accounts:devices': () => [laptop],
      'accounts:revoke-device': () => ({
        device: { ...laptop, revoked: true },
        passwordResets: [{ user: secretary, temporaryPassword: 'pqrs-tuvw-xyz2' }],
        notReset: [mayor, otherMayor],
      }),
    });
    render(<DevicesScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Révoquer le poste Portable du maire' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Révoquer ce poste ?' });
    const box = within(dialog).getByRole('checkbox', {
      name: 'Réinitialiser aussi le mot de passe des personnes qui ont utilisé ce poste (ordinateur perdu ou volé)',
    }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Révoquer' }));
    await waitFor(() => expect(fake.callsOf('accounts:revoke-device')).toEqual([{ id: 'd2', resetPasswords: true }]));
    const panel = await screen.findByRole('region', { name: 'Mots de passe provisoires' });
    expect(panel.textContent).toContain('Sophie Durand (« s.durand ») : pqrs-tuvw-xyz2');
    expect(panel.textContent).toContain('Claire Martin (« c.martin ») : votre compte');
    expect(panel.textContent).toContain('Paul Adjoint (« adjoint ») : compte de maire — seul le département peut le réinitialiser');
    await screen.findByRole('cell', { name: 'Révoqué' });
  });

  it('revokes without touching passwords when the box stays unchecked', async () => {
    const fake = installFakeBridge({
      'accounts:devices': () => [laptop],
      'accounts:revoke-device': () => ({ device: { ...laptop, revoked: true }, passwordResets: [], notReset: [] }),
    });
    render(<DevicesScreen />);
    // A box checked then the question cancelled does not stay checked for the next revocation.
    fireEvent.click(await screen.findByRole('button', { name: 'Révoquer le poste Portable du maire' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('checkbox'));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Annuler' }));
    fireEvent.click(screen.getByRole('button', { name: 'Révoquer le poste Portable du maire' }));
    expect((within(screen.getByRole('alertdialog')).getByRole('checkbox') as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Révoquer' }));
    await waitFor(() => expect(fake.callsOf('accounts:revoke-device')).toEqual([{ id: 'd2' }]));
    await screen.findByRole('cell', { name: 'Révoqué' });
    expect(screen.queryByRole('region', { name: 'Mots de passe provisoires' })).toBeNull();
  });
});
