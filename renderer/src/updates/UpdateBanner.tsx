import { useEffect, useState } from 'react';
import type { UpdateState } from '../../../shared/api/updates.js';
import { UPDATE_EVENT } from '../../../shared/api/updates.js';
import { electronBridge, unwrap, type RawBridge } from '../api/bridge.js';

/**
 * Application updates exist only in the desktop app (the web host has none):
 * say when a new version downloads, and offer to restart once it is ready.
 * The install waits for the user: a restart in the middle of a counter visit would lose the form.
 */
export function UpdateBanner({ bridge = electronBridge() }: { bridge?: RawBridge | null }) {
  const [state, setState] = useState<UpdateState | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge) return;
    const off = bridge.on(UPDATE_EVENT, (s) => setState(s as UpdateState));
    bridge
      .invoke('update:state', null)
      .then((env) => setState(unwrap(env as never)))
      .catch(() => undefined);
    return off;
  }, [bridge]);

  if (!bridge || !state) return null;
  async function install() {
    try {
      setState(unwrap((await bridge!.invoke('update:install', null)) as never));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  let text: string | null = null;
  if (state.status === 'downloading')
    text = `Téléchargement d'une nouvelle version de Guichet${state.percent !== null ? ` : ${state.percent} %` : '…'}`;
  if (state.status === 'ready') text = `Une nouvelle version de Guichet${state.version ? ` (${state.version})` : ''} est prête.`;
  if (state.status === 'error' && state.message) text = state.message;
  if (!text && !error) return null;

  return (
    <div className="update-banner" role="status" aria-live="polite">
      <span>{error ?? text}</span>
      {state.status === 'ready' ? (
        <button type="button" onClick={() => void install()}>
          Redémarrer et installer
        </button>
      ) : null}
    </div>
  );
}
