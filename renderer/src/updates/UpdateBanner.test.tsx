import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateState } from '../../../shared/api/updates.js';
import type { RawBridge } from '../api/bridge.js';
import { UpdateBanner } from './UpdateBanner.js';

function fakePreload(initial: UpdateState) {
  let emit: (s: UpdateState) => void = () => {};
  const calls: string[] = [];
  const bridge: RawBridge = {
    async invoke(channel) {
      calls.push(channel);
      return { ok: true, value: channel === 'update:install' ? { ...initial, status: 'idle' } : initial };
    },
    on(_event, listener) {
      emit = listener as (s: UpdateState) => void;
      return () => {};
    },
  };
  return { bridge, calls, emit: (s: UpdateState) => emit(s) };
}

describe('UpdateBanner', () => {
  afterEach(cleanup);

  it('shows nothing in a browser', () => {
    const { container } = render(<UpdateBanner bridge={null} />);
    expect(container.innerHTML).toBe('');
  });

  it('follows the download and installs only when the user asks', async () => {
    const preload = fakePreload({ status: 'downloading', version: '0.2.0', percent: 40, message: null });
    render(<UpdateBanner bridge={preload.bridge} />);
    await screen.findByText("Téléchargement d'une nouvelle version de Guichet : 40 %");
    act(() => preload.emit({ status: 'ready', version: '0.2.0', percent: null, message: null }));
    await screen.findByText('Une nouvelle version de Guichet (0.2.0) est prête.');
    expect(preload.calls).not.toContain('update:install');
    fireEvent.click(screen.getByRole('button', { name: 'Redémarrer et installer' }));
    await waitFor(() => expect(preload.calls).toContain('update:install'));
  });
});
