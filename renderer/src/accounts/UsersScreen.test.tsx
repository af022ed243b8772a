import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserInfo } from '../../../shared/accounts/types.js';
import { useSession } from '../session/store.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { useAccounts } from './store.js';
import { UsersScreen } from './UsersScreen.js';

const mayor: UserInfo = { id: 'u1', username: 'maire', displayName: 'Anne Maire', role: 'maire', disabled: false };

describe('UsersScreen', () => {
  afterEach(() => {
    cleanup();
    useAccounts.setState({ users: [], error: null, notice: null, shownPasswords: null });
    useSession.setState({ session: null });
  });

  it('creates a secretary with the proposed temporary password', async () => {
    const users = [mayor];
    const fake = installFakeBridge({
      'accounts:users': () => [...users],
      'accounts:create-user': (input) => {
        const created = { id: 'u2', username: input.username, displayName: input.displayName, role: input.role, disabled: false };
        users.push(created);
        return created;
      },
    });
    render(<UsersScreen />);
    await screen.findByText('Anne Maire');
    fireEvent.click(screen.getByRole('button', { name: 'Créer le compte' }));
    expect(screen.getByText('Le nom est obligatoire.', { selector: '.error-text' })).toBeTruthy();
    expect(fake.callsOf('accounts:create-user')).toHaveLength(0);
    // The summary follows the form: name first, then the username.
    const summary = screen.getByText('Le formulaire contient des erreurs :').closest('.alert') as HTMLElement;
    expect(Array.from(summary.querySelectorAll('li'), (li) => li.textContent?.split(' : ')[0])).toEqual(['Nom et prénom', 'Identifiant']);

    fireEvent.change(screen.getByLabelText('Nom et prénom'), { target: { value: 'Claire Martin' } });
    fireEvent.change(screen.getByLabelText('Identifiant'), { target: { value: 'C.Martin' } });
    const password = (screen.getByLabelText('Mot de passe provisoire') as HTMLInputElement).value;
    expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    fireEvent.click(screen.getByRole('button', { name: 'Créer le compte' }));
    // The store announces the creation one microtask before the screen swaps the
    // form for « Créer un autre compte »: wait for the swap, not the announcement.
    await screen.findByRole('button', { name: 'Créer un autre compte' });
    const notice = screen.getByText(/Le compte « c.martin » est créé/);
    // The password shown after creation is the one the account got, and no other.
    expect(notice.textContent).toContain(`mot de passe provisoire ${password}`);
    expect(screen.queryByLabelText('Mot de passe provisoire')).toBeNull();
    expect(fake.callsOf('accounts:create-user')[0]).toEqual({
      username: 'c.martin',
      displayName: 'Claire Martin',
      role: 'secretaire',
      password,
    });
    expect(screen.getByRole('cell', { name: 'Claire Martin' })).toBeTruthy();

    // The next account starts from an empty form and a fresh password.
    fireEvent.click(screen.getByRole('button', { name: 'Créer un autre compte' }));
    expect(screen.queryByText(/Le compte « c.martin » est créé/)).toBeNull();
    expect((screen.getByLabelText('Nom et prénom') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Mot de passe provisoire') as HTMLInputElement).value).not.toBe(password);
  });

  it('asks before disabling an account', async () => {
    const claire: UserInfo = { id: 'u2', username: 'c.martin', displayName: 'Claire Martin', role: 'secretaire', disabled: false };
    const fake = installFakeBridge({
      'accounts:users': () => [mayor, claire],
      'accounts:disable-user': () => ({ ...claire, disabled: true }),
    });
    render(<UsersScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Désactiver le compte de Claire Martin' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Désactiver ce compte ?' });
    expect(dialog.textContent).toContain('Claire Martin ne pourra plus se connecter');
    expect(screen.queryByRole('button', { name: 'Désactiver le compte de Anne Maire' })).toBeNull(); // the mayor's own account stays
    fireEvent.click(screen.getByRole('button', { name: 'Désactiver' }));
    await waitFor(() => expect(fake.callsOf('accounts:disable-user')).toEqual([{ id: 'u2' }]));
    await screen.findByRole('cell', { name: 'Désactivé' });
  });

  it('lets the mayor reset a secretary password and shows the temporary one once', async () => {
    const claire: UserInfo = { id: 'u2', username: 'c.martin', displayName: 'Claire Martin', role: 'secretaire', disabled: false };
    const fake = installFakeBridge({
      'accounts:users': () => [mayor, claire],
      'accounts:reset-password': () => ({ user: claire, temporaryPassword: 'abcd-efgh-jkmn' }),
    });
    render(<UsersScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Réinitialiser le mot de passe de Claire Martin' }));
    expect(screen.queryByRole('button', { name: 'Réinitialiser le mot de passe de Anne Maire' })).toBeNull(); // never a mayor
    const dialog = screen.getByRole('alertdialog', { name: 'Réinitialiser le mot de passe ?' });
    expect(dialog.textContent).toContain('Claire Martin recevra un mot de passe provisoire');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Réinitialiser le mot de passe' }));
    await waitFor(() => expect(fake.callsOf('accounts:reset-password')).toEqual([{ id: 'u2' }]));
    const panel = await screen.findByRole('region', { name: 'Mots de passe provisoires' });
    expect(panel.textContent).toContain('Claire Martin (« c.martin ») : abcd-efgh-jkmn');
    expect(panel.textContent).toContain('Ctrl+C');
    expect(document.activeElement).toBe(panel);
    // Shown once: hidden for good when the mayor has noted it.
    fireEvent.click(within(panel).getByRole('button', { name: "J'ai noté, masquer" }));
    expect(screen.queryByText(/abcd-efgh-jkmn/)).toBeNull();
  });

  it('gives the consultation of owners (MAJIC) after explaining the legal frame, and withdraws it without a question', async () => {
    const me = loggedIn('maire');
    useSession.setState({ session: { ...me, services: [...me.services, 'majic'] } });
    const claire: UserInfo = {
      id: 'u2',
      username: 'c.martin',
      displayName: 'Claire Martin',
      role: 'secretaire',
      disabled: false,
      grants: [],
    };
    const grantee = (granted: boolean) => ({ ...claire, granted });
    const fake = installFakeBridge({
      'accounts:users': () => [mayor, claire],
      'owners:grant': () => grantee(true),
      'owners:revoke': () => grantee(false),
    });
    render(<UsersScreen />);
    const box = (await screen.findByRole('checkbox', {
      name: 'Consultation des propriétaires (MAJIC) pour Claire Martin',
    })) as HTMLInputElement;
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    const dialog = screen.getByRole('alertdialog', { name: 'Autoriser la consultation des propriétaires ?' });
    expect(dialog.textContent).toContain('données personnelles');
    expect(dialog.textContent).toContain('R*107 A-3');
    // Cancel: nothing is asked of the hub, the box stays unticked.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Annuler' }));
    expect(fake.callsOf('owners:grant')).toHaveLength(0);
    expect(box.checked).toBe(false);

    fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: 'Donner l’autorisation' }));
    await waitFor(() => expect(fake.callsOf('owners:grant')).toEqual([{ userId: 'u2' }]));
    await waitFor(() => expect(box.checked).toBe(true));
    expect(screen.getByText(/L’autorisation est donnée/)).toBeTruthy();

    fireEvent.click(box);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await waitFor(() => expect(fake.callsOf('owners:revoke')).toEqual([{ userId: 'u2' }]));
    await waitFor(() => expect(box.checked).toBe(false));
  });

  it('shows no owners column to a commune without the MAJIC service', async () => {
    useSession.setState({ session: loggedIn('maire') });
    installFakeBridge({ 'accounts:users': () => [mayor] });
    render(<UsersScreen />);
    await screen.findByText('Anne Maire');
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByText('Consultation des propriétaires (MAJIC)')).toBeNull();
  });
});
