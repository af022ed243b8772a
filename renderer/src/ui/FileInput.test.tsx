import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileInput } from './FileInput.js';

function Form({ onSend }: { onSend(f: File): void }) {
  const [file, setFile] = useState<File | null>(null);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (file) onSend(file);
        setFile(null); // success: the form forgets the file
      }}
    >
      <label id="f-label" htmlFor="f">
        Fichier du certificat
      </label>
      <FileInput id="f" chosen={file ? [file.name] : []} onFiles={([f]) => setFile(f)} />
      <button type="submit">Envoyer</button>
    </form>
  );
}

describe('FileInput', () => {
  afterEach(cleanup);

  it('is French whatever the browser: a « Choisir un fichier » button, the field label kept on the hidden input', () => {
    render(<Form onSend={() => undefined} />);
    const input = screen.getByLabelText('Fichier du certificat') as HTMLInputElement;
    expect(input.type).toBe('file');
    // One keyboard stop: the French button, which opens the native picker.
    expect(input.tabIndex).toBe(-1);
    const button = screen.getByRole('button', { name: 'Choisir un fichier' });
    expect(button.getAttribute('aria-describedby')).toBe('f-label f-chosen');
    const click = vi.spyOn(input, 'click');
    fireEvent.click(button);
    expect(click).toHaveBeenCalledOnce();
    expect(screen.getByText('Aucun fichier choisi')).toBeTruthy();
  });

  it('shows the chosen name, and is cleared after a success', () => {
    const sent: string[] = [];
    render(<Form onSend={(f) => sent.push(f.name)} />);
    const input = screen.getByLabelText('Fichier du certificat') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File(['x'], 'maire.p12')] } });
    expect(screen.getByText('maire.p12')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Envoyer' }));
    expect(sent).toEqual(['maire.p12']);
    expect(screen.getByText('Aucun fichier choisi')).toBeTruthy();
    expect(input.value).toBe('');
  });
});
