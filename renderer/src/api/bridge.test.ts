import { afterEach, describe, expect, it, vi } from 'vitest';
import { GuichetError } from '../../../shared/errors.js';
import { fromRaw, httpBridge, takeSecret } from './bridge.js';

describe('bridge', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.sessionStorage.clear();
  });

  it('takes the web host secret from the fragment, keeps it for the tab and clears the address bar', () => {
    window.history.replaceState(null, '', '/#secret=abc%2Bdef');
    expect(takeSecret()).toBe('abc+def');
    expect(window.location.hash).toBe('');
    expect(takeSecret()).toBe('abc+def');
  });

  it('sends the secret header and bytes as $bytes, and throws the French error of an envelope', async () => {
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      if (body?.content)
        return new Response(JSON.stringify({ ok: false, error: { code: 'import_rejected', message: 'Le fichier est vide.' } }));
      return new Response(JSON.stringify({ ok: true, value: { echo: body } }));
    });
    vi.stubGlobal('fetch', fetchMock);
    const api = fromRaw(httpBridge('s3cret'));
    await expect(api.invoke('electoral:import-preview', { fileName: 'a.csv', content: new Uint8Array([1, 2, 3]) })).rejects.toThrow(
      new GuichetError('import_rejected', 'Le fichier est vide.'),
    );
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/invoke/electoral%3Aimport-preview');
    expect((init.headers as Record<string, string>)['x-guichet-secret']).toBe('s3cret');
    expect(JSON.parse(String(init.body)).content).toEqual({ $bytes: 'AQID' });
    const value = await api.invoke('session:get', null);
    expect(value).toEqual({ echo: null });
  });

  it('turns a dead web host into a plain French message', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = fromRaw(httpBridge('x'));
    await expect(api.invoke('session:get', null)).rejects.toThrow(/ne répond plus/);
  });
});
