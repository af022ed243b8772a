import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Elector } from '../../../shared/electoral/types.js';
import { useNav } from '../nav/store.js';
import { installFakeBridge } from '../testing/fake-bridge.js';
import { DemandForm } from './DemandForm.js';

const elector: Elector = {
  id: 'e7',
  ine: null,
  listType: 'LP',
  birthName: 'GUÉRIN',
  usageName: null,
  firstNames: 'Noël',
  sex: 'M',
  birthDate: '1961-00-03',
  birthPlace: { communeCode: null, communeLabel: 'TROYES', departementCode: '10', country: 'FRANCE' },
  nationality: 'FR',
  address: {
    number: '3',
    street: 'GRANDE RUE',
    complement1: null,
    complement2: null,
    lieuDit: null,
    postalCode: '10000',
    city: 'TROYES',
    country: null,
  },
  bureau: { code: '0001', label: null },
  numeroOrdre: 4,
};

const saved = (input: unknown) =>
  ({
    ...(input as object),
    id: '00000000-0000-4000-8000-000000000009',
    status: 'deposee',
    createdBy: 'x',
    createdAtLocal: '2026-11-28T10:00:00Z',
  }) as never;

describe('DemandForm', () => {
  beforeEach(() => useNav.setState({ route: { name: 'home' } }));
  afterEach(cleanup);

  it('checks an inscription in French: date format, required address', async () => {
    const fake = installFakeBridge({ 'electoral:create-demand': saved });
    render(<DemandForm electorId={null} />);
    fireEvent.change(screen.getByLabelText('Nom de naissance'), { target: { value: 'Martin' } });
    fireEvent.change(screen.getByLabelText('Prénoms'), { target: { value: 'Léo' } });
    fireEvent.change(screen.getByLabelText('Date de naissance'), { target: { value: '1/3/08' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la demande' }));
    expect(screen.getByText(/La date de naissance doit s’écrire JJ\/MM\/AAAA/, { selector: '.error-text' })).toBeTruthy();
    expect(screen.getByText('La nouvelle adresse est obligatoire pour cette demande.', { selector: '.error-text' })).toBeTruthy();
    expect(fake.calls).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('Date de naissance'), { target: { value: '01/03/2008' } });
    fireEvent.change(screen.getByLabelText('Nouvelle adresse dans la commune'), { target: { value: '5 rue Pasteur' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la demande' }));
    // The Cerfa's checklist: both pieces of an inscription on the main list.
    expect(screen.getByText(/Joignez les pièces : Justificatif d'identité/, { selector: '.error-text' })).toBeTruthy();
    expect(fake.calls).toHaveLength(0);
    const pdf = (name: string) => new File(['%PDF-1.4'], name, { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText("Justificatif d'identité (et de nationalité)"), { target: { files: [pdf('cni.pdf')] } });
    fireEvent.change(screen.getByLabelText(/Justificatif d’attache/), { target: { files: [pdf('bail.pdf')] } });
    fireEvent.change(screen.getByLabelText('Date de dépôt'), { target: { value: '02/03/2026' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la demande' }));
    await waitFor(() => expect(useNav.getState().route).toEqual({ name: 'demands' }));
    expect(fake.callsOf('electoral:create-demand')[0]).toEqual({
      kind: 'inscription',
      electorId: null,
      applicant: { birthName: 'Martin', usageName: null, firstNames: 'Léo', birthDate: '2008-03-01' },
      newAddress: '5 rue Pasteur',
      newBureauCode: null,
      comment: null,
      list: 'LP',
      depositDate: '2026-03-02',
      nationality: null,
      birthPlace: null,
      email: null,
      ine: null,
      files: [
        { piece: 'identite', fileName: 'cni.pdf', mime: 'application/pdf', content: new Uint8Array(new TextEncoder().encode('%PDF-1.4')) },
        { piece: 'attache', fileName: 'bail.pdf', mime: 'application/pdf', content: new Uint8Array(new TextEncoder().encode('%PDF-1.4')) },
      ],
    });
  });

  it('lists the errors in the order of the form', () => {
    installFakeBridge({ 'electoral:create-demand': saved });
    render(<DemandForm electorId={null} />);
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la demande' }));
    const summary = screen.getByText('Le formulaire contient des erreurs :').closest('.alert') as HTMLElement;
    const fields = Array.from(summary.querySelectorAll('li'), (li) => li.textContent?.split(' : ')[0]);
    expect(fields).toEqual(['Nom de naissance', 'Prénoms', 'Date de naissance', 'Nouvelle adresse', 'Pièces justificatives']);
  });

  it('pre-fills the person from the fiche, keeps an unknown month, asks for the new bureau', async () => {
    const fake = installFakeBridge({ 'electoral:elector': () => ({ elector, demands: [] }), 'electoral:create-demand': saved });
    render(<DemandForm electorId="e7" />);
    await waitFor(() => expect(screen.getByLabelText('Nom de naissance')).toHaveProperty('value', 'GUÉRIN'));
    expect(screen.getByLabelText('Date de naissance')).toHaveProperty('value', '03/../1961');
    expect(screen.queryByLabelText('Inscription')).toBeNull();
    fireEvent.click(screen.getByLabelText('Changement de bureau'));
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la demande' }));
    expect(screen.getByText('Le nouveau bureau de vote est obligatoire pour cette demande.', { selector: '.error-text' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Nouveau bureau de vote'), { target: { value: '0002' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la demande' }));
    await waitFor(() => expect(fake.callsOf('electoral:create-demand')).toHaveLength(1));
    expect(fake.callsOf('electoral:create-demand')[0]).toMatchObject({
      kind: 'changement_bureau',
      electorId: 'e7',
      applicant: { birthDate: '1961-00-03' },
      newBureauCode: '0002',
      newAddress: null,
    });
  });
});
