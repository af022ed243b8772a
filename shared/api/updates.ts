import type { Envelope } from './ipc.js';

/**
 * Application updates: only the Electron shell has them (electron-updater on
 * the hub's feed `<hubUrl>/updates/`). They are not core channels, so they
 * are kept out of GuichetChannels; the preload whitelists them next to
 * CHANNELS, and the web host answers them 404 (no updates in a browser).
 */
export interface UpdateState {
  status: 'idle' | 'checking' | 'downloading' | 'ready' | 'up_to_date' | 'error';
  /** Version being downloaded or ready to install. */
  version: string | null;
  /** Download progress 0–100 while downloading. */
  percent: number | null;
  /** French sentence for the user when status is 'error'. */
  message: string | null;
}

export interface UpdateChannels {
  /** Current state. */
  'update:state': { input: null; output: UpdateState };
  /** Checks the feed now (also runs at start and every 4 h). */
  'update:check': { input: null; output: UpdateState };
  /** Quits and installs the downloaded update (only when status is 'ready'). */
  'update:install': { input: null; output: UpdateState };
}
export type UpdateChannel = keyof UpdateChannels;

export const UPDATE_CHANNELS: readonly UpdateChannel[] = ['update:state', 'update:check', 'update:install'];
/** Event carrying every UpdateState change. */
export const UPDATE_EVENT = 'update:state';

export function isUpdateChannel(x: string): x is UpdateChannel {
  return (UPDATE_CHANNELS as readonly string[]).includes(x);
}

/** `window.guichet` for the update channels (same invoke, answers envelopes). */
export type UpdateInvoke = <C extends UpdateChannel>(
  channel: C,
  input: UpdateChannels[C]['input'],
) => Promise<Envelope<UpdateChannels[C]['output']>>;
