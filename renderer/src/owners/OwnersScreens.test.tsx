import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../../shared/accounts/ipc.js';
import type { CompteView, OwnerHit, OwnersSearchResult, OwnersState } from '../../../shared/owners/ipc.js';
import { GuichetError } from '../../../shared/errors.js';
import type { SyncState } from '../../../shared/sync/ipc.js';
import { App } from '../App.js';
import { CadastreScreen } from '../cadastre/CadastreScreen.js';
import { useCadastre } from '../cadastre/store.js';
import { useNav } from '../nav/store.js';
import { useSession } from '../session/store.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { CompteScreen } from './CompteScreen.js';
import { OwnersScreen } from './OwnersScreen.js';
import { resetOwners } from './store.js';

const sync: SyncState = { online: true, phase: 'idle', pending: 0, lastSuccessAt: null, lastError: null, massDeletion: null, rejected: [] };

/** A secretary of a commune with the plan and MAJIC, with or without the mayor's grant. */
function secretary(granted: boolean): SessionState {
  const base = loggedIn('secretaire');
  return {
    ...base,
    services: [...base.services, 'majic'],
    permissions: granted ? [...base.permissions, 'owners.read'] : base.permissions,
  };
}

const state: OwnersState = {
  mayRead: true,
  mayReadLog: false,
  mayGrant: false,
  comptes: 52,
  millesime: 2026,
  importedAt: null,
  notice: null,
};

function hit(i: number): OwnerHit {
  return {
    compteId: `253540${String(i).padStart(6, '0')}`,
    dnupro: String(i).padStart(6, '0'),
    dnuper: `P${String(i).padStart(5, '0')}`,
    displayName: `BÉNARD Hélène ${i}`,
    birthName: 'BÉNARD',
    usageName: 'BÉNARD',
    firstNames: 'HÉLÈNE',
    legalPerson: false,
    right: 'Propriétaire',
    coOwners: 0,
    parcels: 2,
  };
}

const compte: CompteView = {
  id: '253540000007',
  insee: '25354',
  dnupro: '000007',
  millesime: 2026,
  owners: [
    {
      dnuper: 'P00007',
      right: 'P',
      dismemberment: '',
      legalPerson: false,
      title: 'MME',
      designation: 'GARNIER/HÉLÈNE ODILE',
      birthName: 'BÉNARD',
      birthFirstNames: 'HÉLÈNE ODILE',
      usageName: 'GARNIER',
      usageFirstNames: 'HÉLÈNE ODILE',
      birthDate: '12/03/1961',
      birthPlace: '10 TROYES',
      siren: null,
      legalForm: null,
      address: ['', '0012  GRANDE RUE', '', '25354 LUXIOL'],
      rightLabel: 'Propriétaire',
      dismembermentLabel: '',
      postalAddress: '12 GRANDE RUE, 25354 LUXIOL',
    },
  ],
  parcels: [
    {
      id: '25354000ZB0012',
      area: 4210,
      address: 'LES CHAMPS MOREAU',
      subdivisions: [],
      ref: 'ZB 12',
      contenance: '42 a 10 ca',
      built: false,
    },
  ],
  locals: [],
  lots: [],
  totalArea: 4210,
  totalContenance: '42 a 10 ca',
};

describe('owners screens', () => {
  beforeEach(() => {
    resetOwners();
    useNav.setState({ route: { name: 'home' } });
  });
  afterEach(() => {
    cleanup();
    useSession.setState({ session: null });
  });

  it('a user without the grant has no menu entry and reads the refusal on direct navigation', async () => {
    useSession.setState({ session: null, loading: true, busy: false, error: null });
    const fake = installFakeBridge({ 'session:get': () => secretary(false), 'sync:state': () => sync });
    render(<App />);
    const menu = await screen.findByRole('navigation', { name: 'Menu principal' });
    expect(within(menu).queryByRole('button', { name: 'Propriétaires' })).toBeNull();
    expect(within(menu).queryByRole('group', { name: 'Propriétaires (MAJIC)' })).toBeNull();
    useNav.getState().go({ name: 'owners-compte', id: '253540000007' });
    await screen.findByRole('heading', { name: 'Accès non autorisé' });
    expect(screen.getByText(/Vous n'avez pas l'autorisation de consulter les propriétaires/)).toBeTruthy();
    expect(fake.callsOf('owners:compte')).toHaveLength(0);
  });

  it('the granted user sees « Propriétaires » in the menu', async () => {
    useSession.setState({ session: null, loading: true, busy: false, error: null });
    installFakeBridge({ 'session:get': () => secretary(true), 'sync:state': () => sync });
    render(<App />);
    const menu = await screen.findByRole('navigation', { name: 'Menu principal' });
    const group = within(menu).getByRole('group', { name: 'Propriétaires (MAJIC)' });
    expect(
      within(group)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Propriétaires']); // the journal is the mayor's
  });

  it('searches as you type, pages the results, masks them for the assistance recording and opens a compte', async () => {
    useSession.setState({ session: secretary(true) });
    const many: OwnersSearchResult = {
      kind: 'nom',
      hits: Array.from({ length: 30 }, (_, i) => hit(i + 1)),
      truncated: false,
      parcel: null,
    };
    const fake = installFakeBridge({ 'owners:state': () => state, 'owners:search': () => many });
    render(<OwnersScreen />);
    fireEvent.change(screen.getByLabelText("Nom de naissance ou d'usage, parcelle ou numéro de compte"), { target: { value: 'benard' } });
    await screen.findByText('30 propriétaires trouvés');
    expect(fake.callsOf('owners:search').at(-1)).toEqual({ q: 'benard', limit: 200 });
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(25);
    for (const r of rows) expect(r.hasAttribute('data-personal')).toBe(true);
    expect(screen.queryByText(/12\/03\/1961/)).toBeNull(); // no birth date in a list
    fireEvent.click(screen.getByRole('button', { name: 'Page suivante' }));
    expect(screen.getAllByRole('row').slice(1)).toHaveLength(5);
    fireEvent.click(screen.getByRole('button', { name: 'Ouvrir le compte 000030 de BÉNARD Hélène 30' }));
    expect(useNav.getState().route).toEqual({ name: 'owners-compte', id: '253540000030' });
  });

  it('the compte lists owners and parcels, each parcel opening the plan', async () => {
    useSession.setState({ session: secretary(true) });
    installFakeBridge({ 'owners:compte': () => compte });
    render(<CompteScreen id={compte.id} />);
    await screen.findByRole('heading', { name: 'Compte communal 000007' });
    const owners = screen.getByRole('table', { name: 'Propriétaires du compte 000007' });
    expect(owners.textContent).toContain('MME GARNIER HÉLÈNE ODILE');
    expect(owners.textContent).toContain('BÉNARD HÉLÈNE ODILE');
    expect(owners.textContent).toContain('12/03/1961, 10 TROYES');
    expect(within(owners).getAllByRole('row')[1]?.hasAttribute('data-personal')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Voir la parcelle ZB 12 sur le plan cadastral' }));
    expect(useNav.getState().route).toEqual({ name: 'cadastre', parcel: '25354000ZB0012' });
  });

  it('the relevé for a third party shows the requester’s count and the hub’s refusal as it comes', async () => {
    useSession.setState({ session: secretary(true) });
    const refusal =
      'Ce demandeur a déjà reçu 5 communications cette semaine : la limite est de 5 par semaine (article R*107 A-3 du livre des procédures fiscales). Il pourra en demander de nouveau à partir de lundi.';
    const fake = installFakeBridge({
      'owners:compte': () => compte,
      'owners:communication-usage': () => ({ week: 3, month: 4, weekLimit: 5, monthLimit: 10, refusal: null }),
      'owners:releve': () => {
        throw new GuichetError('forbidden', refusal);
      },
    });
    render(<CompteScreen id={compte.id} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Relevé de propriété (PDF)…' }));
    const dialog = screen.getByRole('dialog', { name: 'Relevé de propriété' });
    fireEvent.click(within(dialog).getByLabelText(/Pour un tiers/));
    fireEvent.change(within(dialog).getByLabelText('Nom du demandeur'), { target: { value: 'Étude Durand' } });
    fireEvent.change(within(dialog).getByLabelText('Motif de la demande'), { target: { value: 'Succession' } });
    await within(dialog).findByText('Ce demandeur : 3 communications sur 5 cette semaine, 4 sur 10 ce mois.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Imprimer le relevé (PDF)' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(refusal);
    expect(fake.callsOf('owners:releve')).toEqual([
      { compteId: compte.id, mode: 'tiers', purpose: 'Succession', requester: { name: 'Étude Durand', kind: 'tiers' } },
    ]);

    // The owner asking for their own compte: not counted, named by the compte's person.
    fireEvent.click(within(dialog).getByLabelText(/Le demandeur est le propriétaire/));
    expect(within(dialog).queryByText(/communications sur 5/)).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Imprimer le relevé (PDF)' }));
    await waitFor(() => expect(fake.callsOf('owners:releve')).toHaveLength(2));
    expect(fake.callsOf('owners:releve')[1]).toEqual({
      compteId: compte.id,
      mode: 'tiers',
      purpose: 'Succession',
      requester: { name: 'GARNIER HÉLÈNE ODILE', kind: 'proprietaire', ownerDnuper: 'P00007' },
    });
  });

  it('the plan’s parcel fiche links to its owners only for a user holding owners.read', () => {
    const fiche = {
      parcel: { id: '25354000ZB0012', section: 'ZB', numero: '0012', contenance: 4210, lieuDit: null, addresses: [], subdivisions: [] },
      ref: 'ZB 12',
      commune: 'LUXIOL',
      buildings: [],
      neighbours: [],
      vintage: '2026-10',
    };
    installFakeBridge({ 'cadastre:overview': () => ({ communes: [], parcels: 0, extent: null }) });
    for (const granted of [false, true]) {
      useSession.setState({ session: secretary(granted) });
      useCadastre.setState({ fiche: fiche as never, hits: [], overview: null });
      render(<CadastreScreen />);
      expect(screen.queryByRole('button', { name: 'Propriétaires' }) !== null).toBe(granted);
      cleanup();
    }
    useSession.setState({ session: secretary(true) });
    useCadastre.setState({ fiche: fiche as never });
    render(<CadastreScreen />);
    fireEvent.click(screen.getByRole('button', { name: 'Propriétaires' }));
    expect(useNav.getState().route).toEqual({ name: 'owners-parcel', parcel: '25354000ZB0012' });
  });
});
